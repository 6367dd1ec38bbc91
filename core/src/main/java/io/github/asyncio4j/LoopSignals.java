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
 * (module {@code jdk.unsupported}) is the supported-in-practice one and needs no flags. It is bound through
 * {@link SignalApi} (method handles) rather than imported, so that no tool warns of "internal proprietary API".
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
        Bridge bridge = new Bridge(loop, signal, callback);
        try {
            bridge.previous = SignalApi.handle(signal, bridge.handler);
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
        if (SignalApi.bridgeOf(ours.previous) instanceof Bridge other && other.active() && !other.loop.isClosed()) {
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
            return SignalApi.signal(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown signal name '" + given + "' (use e.g. \"INT\", \"TERM\", "
                    + "\"HUP\")", e);
        }
    }

    /** The JVM-side handler of one signal: hands each delivery to the loop. */
    private static final class Bridge implements InvocationHandler {
        private final EventLoop loop;
        private final Object signal;
        /** The {@code sun.misc.SignalHandler} the JVM calls: a proxy whose calls land in {@link #invoke}. */
        final Object handler;
        volatile Runnable callback;
        volatile Object previous;
        private volatile boolean removed;

        Bridge(EventLoop loop, Object signal, Runnable callback) {
            this.loop = loop;
            this.signal = signal;
            this.callback = callback;
            this.handler = SignalApi.handlerFor(this);
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            return switch (method.getName()) {
                case "handle" -> {
                    handle(args[0]);
                    yield null;
                }
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> toString();
                default -> throw new UnsupportedOperationException(method.toString());
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
            if (p == SignalApi.SIG_IGN) {
                return;
            }
            if (p == null || p == SignalApi.SIG_DFL) {
                SignalApi.handle(signal, SignalApi.SIG_DFL);
                SignalApi.raise(sig);
                return;
            }
            SignalApi.deliver(p, sig);
        }

        /** Puts the replaced handler back if ours is still the current one; else ours stays, forwarding. */
        void uninstall() {
            removed = true;
            try {
                Object current = SignalApi.handle(signal, previous);
                if (current != handler) {
                    SignalApi.handle(signal, current);   // someone installed on top of us: leave theirs in place
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
            return "<signal handler SIG" + SignalApi.name(signal) + " of " + loop + ">";
        }
    }

    /**
     * {@code sun.misc.Signal} and {@code SignalHandler} through method handles: a signal is an {@code Object}
     * (a {@code sun.misc.Signal}), a handler an {@code Object} (a {@code sun.misc.SignalHandler}). A missing
     * {@code jdk.unsupported} module surfaces as a {@link LinkageError} on first use, as an import would.
     */
    static final class SignalApi {
        private static final Class<?> SIGNAL;
        private static final Class<?> HANDLER;
        private static final MethodHandle NEW_SIGNAL;
        private static final MethodHandle HANDLE;
        private static final MethodHandle RAISE;
        private static final MethodHandle NAME;
        private static final MethodHandle DELIVER;
        static final Object SIG_DFL;
        static final Object SIG_IGN;

        static {
            try {
                SIGNAL = Class.forName("sun.misc.Signal");
                HANDLER = Class.forName("sun.misc.SignalHandler");
                MethodHandles.Lookup l = MethodHandles.publicLookup();
                NEW_SIGNAL = l.findConstructor(SIGNAL, MethodType.methodType(void.class, String.class));
                HANDLE = l.findStatic(SIGNAL, "handle", MethodType.methodType(HANDLER, SIGNAL, HANDLER));
                RAISE = l.findStatic(SIGNAL, "raise", MethodType.methodType(void.class, SIGNAL));
                NAME = l.findVirtual(SIGNAL, "getName", MethodType.methodType(String.class));
                DELIVER = l.findVirtual(HANDLER, "handle", MethodType.methodType(void.class, SIGNAL));
                SIG_DFL = HANDLER.getField("SIG_DFL").get(null);
                SIG_IGN = HANDLER.getField("SIG_IGN").get(null);
            } catch (ReflectiveOperationException e) {
                throw new NoClassDefFoundError("sun.misc.Signal (module jdk.unsupported): " + e);
            }
        }

        private SignalApi() {
        }

        static Object signal(String name) {
            try {
                return NEW_SIGNAL.invoke(name);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        static Object handle(Object signal, Object handler) {
            try {
                return HANDLE.invoke(signal, handler);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        static void raise(Object signal) {
            try {
                RAISE.invoke(signal);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        static String name(Object signal) {
            try {
                return (String) NAME.invoke(signal);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        /** Calls another (non-asyncio4j) handler's {@code handle(sig)}. */
        static void deliver(Object handler, Object signal) {
            try {
                DELIVER.invoke(handler, signal);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }

        static Object handlerFor(Bridge bridge) {
            return Proxy.newProxyInstance(HANDLER.getClassLoader(), new Class<?>[] {HANDLER}, bridge);
        }

        /** The bridge behind a handler installed by some loop, or null for any other handler. */
        static Bridge bridgeOf(Object handler) {
            return handler != null && Proxy.isProxyClass(handler.getClass())
                    && Proxy.getInvocationHandler(handler) instanceof Bridge b ? b : null;
        }

        private static RuntimeException rethrow(Throwable t) {
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(t);
        }
    }
}
