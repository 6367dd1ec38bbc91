package io.github.asyncio4j;

import io.github.asyncio4j.engine.CarrierLocal;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Python's {@code contextvars.ContextVar}: a value that follows the task that set it. Each task starts with a
 * copy of the context of the code that created it, so values set before {@code createTask} are seen by the
 * child, and values the child sets are not seen by its parent. Outside any loop, the context is per thread.
 */
public final class ContextVar<T> {
    private static final Object MISSING = new Object();
    private static final CarrierLocal<Context> THREAD_CONTEXT = new CarrierLocal<>();

    private final String name;
    private final T defaultValue;
    private final boolean hasDefault;

    /** A variable with no default: {@link #get()} throws until it is set. */
    public ContextVar(String name) {
        this.name = Objects.requireNonNull(name, "name");
        this.defaultValue = null;
        this.hasDefault = false;
    }

    /** A variable with a name (for messages) and the value {@link #get()} returns when none was set. */
    public ContextVar(String name, T defaultValue) {
        this.name = Objects.requireNonNull(name, "name");
        this.defaultValue = defaultValue;
        this.hasDefault = true;
    }

    /** The name given at creation. */
    public String name() {
        return name;
    }

    /** The value in the current context, else the default. @throws NoSuchElementException if neither */
    @SuppressWarnings("unchecked")
    public T get() {
        Object v = current().get(this, MISSING);
        if (v != MISSING) {
            return (T) v;
        }
        if (hasDefault) {
            return defaultValue;
        }
        throw new NoSuchElementException("ContextVar '" + name + "' has no value and no default");
    }

    /** The value in the current context, else {@code fallback}. */
    @SuppressWarnings("unchecked")
    public T get(T fallback) {
        Object v = current().get(this, MISSING);
        return v != MISSING ? (T) v : fallback;
    }

    /** Sets the value in the current context; the token restores the previous one with {@link #reset}. */
    public Token<T> set(T value) {
        Context ctx = current();
        Object old = ctx.get(this, MISSING);
        ctx.put(this, value);
        return new Token<>(this, ctx, old);
    }

    /** Restores the value the variable had before the {@link #set} that returned {@code token}. */
    public void reset(Token<T> token) {
        if (token.var != this) {
            throw new IllegalArgumentException("token was created by a different ContextVar");
        }
        if (token.used) {
            throw new IllegalStateException("token has already been used once");
        }
        Context ctx = current();
        if (token.context != ctx) {
            throw new IllegalArgumentException("token was created in a different Context");
        }
        token.used = true;
        if (token.old == MISSING) {
            ctx.remove(this);
        } else {
            ctx.put(this, token.old);
        }
    }

    /** The context of the running task or callback, else this thread's. */
    static Context current() {
        EventLoop loop = EventLoop.running();
        if (loop != null) {
            Context c = loop.currentContext;
            if (c == null) {
                c = loop.currentTaskContext();   // a task that had no context yet gets its own
            }
            if (c != null) {
                return c;
            }
        }
        Context c = THREAD_CONTEXT.get();
        if (c == null) {
            c = new Context(Context.EMPTY);
            THREAD_CONTEXT.set(c);
        }
        return c;
    }

    /** Runs {@code fn} on this thread with {@code context} as the thread's context (for {@code toThread}). */
    static <T> T callIn(Context context, java.util.concurrent.Callable<T> fn) throws Exception {
        Context previous = THREAD_CONTEXT.get();
        THREAD_CONTEXT.set(context);
        try {
            return fn.call();
        } finally {
            THREAD_CONTEXT.set(previous);
        }
    }

    @Override
    public String toString() {
        return "ContextVar[" + name + "]";
    }

    /** Returned by {@link #set}: what {@link #reset} needs to undo it. */
    public static final class Token<T> {
        private final ContextVar<T> var;
        private final Context context;
        private final Object old;
        private boolean used;

        Token(ContextVar<T> var, Context context, Object old) {
            this.var = var;
            this.context = context;
            this.old = old;
        }

        /** The variable this token belongs to. */
        public ContextVar<T> var() {
            return var;
        }
    }
}
