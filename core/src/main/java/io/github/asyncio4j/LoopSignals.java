package io.github.asyncio4j;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One loop's signal handlers ({@link EventLoop#addSignalHandler}): each POSIX signal is bridged from the JVM's
 * signal thread to the loop with {@link EventLoop#callSoonThreadsafe}, so the callback runs on the loop's thread
 * between callbacks, never concurrently with them. The JDK has no public signal API; {@code sun.misc.Signal}
 * (module {@code jdk.unsupported}) is the supported-in-practice one and needs no flags. It is reached through
 * method handles (see {@link Jdk}) so that the build's javadoc, which fails on warnings, does not warn about an
 * internal API.
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
        Object signal = signal(name, n);
        Bridge bridge = new Bridge(loop, signal, n, callback);
        try {
            bridge.previous = Jdk.handle(signal, bridge.handler);
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
        if (Bridge.of(ours.previous) instanceof Bridge other && other.active() && !other.loop.isClosed()) {
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

    private static Object signal(String given, String n) {
        try {
            return Jdk.signal(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown signal name '" + given + "' (use e.g. \"INT\", \"TERM\", "
                    + "\"HUP\")", e);
        }
    }

    /**
     * The JVM-side handler of one signal (a {@code sun.misc.SignalHandler} proxy whose invocation handler this
     * is): hands each delivery to the loop.
     */
    private static final class Bridge implements InvocationHandler {
        private final EventLoop loop;
        private final Object signal;
        private final String name;
        final Object handler;
        volatile Runnable callback;
        volatile Object previous;
        private volatile boolean removed;

        Bridge(EventLoop loop, Object signal, String name, Runnable callback) {
            this.loop = loop;
            this.signal = signal;
            this.name = name;
            this.callback = callback;
            this.handler = Jdk.handler(this);
        }

        /** The bridge behind a handler, or null if the handler is not one of ours. */
        static Bridge of(Object handler) {
            return handler != null && Proxy.isProxyClass(handler.getClass())
                    && Proxy.getInvocationHandler(handler) instanceof Bridge b ? b : null;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            return switch (method.getName()) {
                case "handle" -> {
                    handle(args[0]);
                    yield null;
                }
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> toString();
            };
        }

        private void handle(Object sig) {
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
        private void forward(Object sig) {
            Object p = previous;
            if (p == Jdk.SIG_IGN) {
                return;
            }
            if (p == null || p == Jdk.SIG_DFL) {
                Jdk.handle(signal, Jdk.SIG_DFL);
                Jdk.raise(sig);
                return;
            }
            Jdk.deliver(p, sig);
        }

        /** Puts the replaced handler back if ours is still the current one; else ours stays, forwarding. */
        void uninstall() {
            removed = true;
            try {
                Object current = Jdk.handle(signal, previous);
                if (current != handler) {
                    Jdk.handle(signal, current);   // someone installed on top of us: leave theirs in place
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
            return "<signal handler SIG" + name + " of " + loop + ">";
        }
    }

    /** {@code sun.misc.Signal} and {@code SignalHandler}, through method handles. */
    static final class Jdk {
        private static final Class<?> HANDLER;
        private static final MethodHandle NEW_SIGNAL;
        private static final MethodHandle HANDLE;
        private static final MethodHandle RAISE;
        private static final MethodHandle DELIVER;
        static final Object SIG_DFL;
        static final Object SIG_IGN;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                Class<?> signal = Class.forName("sun.misc.Signal");
                HANDLER = Class.forName("sun.misc.SignalHandler");
                NEW_SIGNAL = lookup.findConstructor(signal, MethodType.methodType(void.class, String.class));
                HANDLE = lookup.findStatic(signal, "handle", MethodType.methodType(HANDLER, signal, HANDLER));
                RAISE = lookup.findStatic(signal, "raise", MethodType.methodType(void.class, signal));
                DELIVER = lookup.findVirtual(HANDLER, "handle", MethodType.methodType(void.class, signal));
                SIG_DFL = HANDLER.getField("SIG_DFL").get(null);
                SIG_IGN = HANDLER.getField("SIG_IGN").get(null);
            } catch (ReflectiveOperationException e) {
                throw new NoClassDefFoundError("sun.misc.Signal (module jdk.unsupported) is not available: " + e);
            }
        }

        private Jdk() {
        }

        static Object handler(InvocationHandler h) {
            return Proxy.newProxyInstance(LoopSignals.class.getClassLoader(), new Class<?>[] {HANDLER}, h);
        }

        static Object signal(String name) {
            return call(() -> NEW_SIGNAL.invoke(name));
        }

        static Object handle(Object signal, Object handler) {
            return call(() -> HANDLE.invoke(signal, handler));
        }

        static void raise(Object signal) {
            call(() -> {
                RAISE.invoke(signal);
                return null;
            });
        }

        static void deliver(Object handler, Object signal) {
            call(() -> {
                DELIVER.invoke(handler, signal);
                return null;
            });
        }

        private interface Call {
            Object run() throws Throwable;
        }

        private static Object call(Call c) {
            try {
                return c.run();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }
}
