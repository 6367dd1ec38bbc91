package io.github.asyncio4j;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * One loop's signal handlers ({@link EventLoop#addSignalHandler}): each POSIX signal is bridged from the JVM's
 * signal thread to the loop with {@link EventLoop#callSoonThreadsafe}, so the callback runs on the loop's thread
 * between callbacks, never concurrently with them. The JDK has no public signal API; {@code sun.misc.Signal}
 * (module {@code jdk.unsupported}) is the supported-in-practice one and needs no flags.
 *
 * <p>Invariants: each signal has at most one callback per loop (adding again replaces it, as in asyncio); the
 * handler that was installed before the first add is put back on remove and on close. A bridge left installed
 * after its loop closed (other code installed a handler on top and restored ours later) forwards the signal to
 * the handler it replaced, so a signal never falls into a closed loop. Loop-confined, except the bridges' {@code
 * handle}, which the JVM calls on its signal thread.
 */
final class LoopSignals {
    private final EventLoop loop;
    private final Map<String, Bridge> bridges = new HashMap<>();

    LoopSignals(EventLoop loop) {
        this.loop = loop;
    }

    /** "INT", "SIGINT" and "int" all name SIGINT; the JVM's name ("INT") is returned. */
    static String normalise(String name) {
        Objects.requireNonNull(name, "name");
        String n = name.trim().toUpperCase(Locale.ROOT);
        return n.startsWith("SIG") ? n.substring(3) : n;
    }

    void add(String name, Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        String n = normalise(name);
        Bridge existing = bridges.get(n);
        if (existing != null) {
            existing.callback = callback;
            return;
        }
        Signal signal = signal(name, n);
        Bridge bridge = new Bridge(loop, signal, callback);
        try {
            bridge.previous = Signal.handle(signal, bridge);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("cannot handle signal SIG" + n + ": the JVM or the OS reserves it ("
                    + e.getMessage() + ")", e);
        }
        bridges.put(n, bridge);
    }

    /**
     * {@link #add}, unless another live asyncio4j loop already handles the signal (a loop run inside another, or
     * on another thread): then nothing changes and false is returned. {@code Async.run}'s Ctrl-C handling.
     */
    boolean addIfUnclaimed(String name, Runnable callback) {
        String n = normalise(name);
        if (bridges.containsKey(n)) {
            return false;
        }
        add(n, callback);
        Bridge ours = bridges.get(n);
        if (ours.previous instanceof Bridge other && other.active() && !other.loop.isClosed()) {
            bridges.remove(n);
            ours.uninstall();
            return false;
        }
        return true;
    }

    boolean remove(String name) {
        String n = normalise(name);
        Bridge bridge = bridges.remove(n);
        if (bridge == null) {
            signal(name, n);   // an unknown name is still an error, as in asyncio
            return false;
        }
        bridge.uninstall();
        return true;
    }

    /** True if this loop has a callback for the signal. */
    boolean has(String name) {
        return bridges.containsKey(normalise(name));
    }

    /** Puts every replaced handler back (the loop closes). */
    void close() {
        for (Bridge bridge : bridges.values()) {
            bridge.uninstall();
        }
        bridges.clear();
    }

    private static Signal signal(String given, String n) {
        try {
            return new Signal(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown signal name '" + given + "' (use e.g. \"INT\", \"TERM\", "
                    + "\"HUP\")", e);
        }
    }

    /** The JVM-side handler of one signal: hands each delivery to the loop. */
    private static final class Bridge implements SignalHandler {
        private final EventLoop loop;
        private final Signal signal;
        volatile Runnable callback;
        volatile SignalHandler previous;
        private volatile boolean removed;

        Bridge(EventLoop loop, Signal signal, Runnable callback) {
            this.loop = loop;
            this.signal = signal;
            this.callback = callback;
        }

        @Override
        public void handle(Signal sig) {
            Runnable cb = callback;
            if (!removed && loop.callSoonThreadsafeIfOpen(() -> {
                if (!removed) {
                    cb.run();
                }
            })) {
                return;
            }
            forward(sig);
        }

        /** What the replaced handler would have done. */
        private void forward(Signal sig) {
            SignalHandler p = previous;
            if (p == SignalHandler.SIG_IGN) {
                return;
            }
            if (p == null || p == SignalHandler.SIG_DFL) {
                Signal.handle(signal, SignalHandler.SIG_DFL);
                Signal.raise(sig);
                return;
            }
            p.handle(sig);
        }

        /** Puts the replaced handler back if ours is still the current one; else ours stays, forwarding. */
        void uninstall() {
            removed = true;
            try {
                SignalHandler current = Signal.handle(signal, previous);
                if (current != this) {
                    Signal.handle(signal, current);   // someone installed on top of us: leave theirs in place
                }
            } catch (IllegalArgumentException e) {
                // the previous handler cannot be installed again: ours stays and forwards to it
            }
        }

        boolean active() {
            return !removed;
        }

        @Override
        public String toString() {
            return "<signal handler SIG" + signal.getName() + " of " + loop + ">";
        }
    }
}
