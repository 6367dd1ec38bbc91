package io.github.asyncio4j.engine;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A thread-local value that a strand's body sees as its driver's. On the fast engine a body runs on its
 * driver's thread, so this is a plain {@link ThreadLocal}; on the fallback engine the values travel with each
 * hand-off, so code inside a generator sees the same running loop and current task as the code that drives it.
 */
public final class CarrierLocal<T> {
    private static final CopyOnWriteArrayList<CarrierLocal<?>> ALL = new CopyOnWriteArrayList<>();
    /** The thread a strand's body logically runs on: its outermost driver's. */
    private static final CarrierLocal<Thread> LOGICAL_THREAD = new CarrierLocal<>();

    private final ThreadLocal<T> local = new ThreadLocal<>();

    /** A variable with no value on any thread. */
    public CarrierLocal() {
        ALL.add(this);
    }

    /** The value for the logical thread that calls, or null. */
    public T get() {
        return local.get();
    }

    /** Sets the value for the logical thread that calls. */
    public void set(T value) {
        local.set(value);
    }

    /** The thread the caller runs on, seen through strands: the driver's thread inside a fallback body. */
    public static Thread carrierThread() {
        if (Engine.FAST) {
            return Thread.currentThread();
        }
        Thread logical = LOGICAL_THREAD.get();
        return logical != null ? logical : Thread.currentThread();
    }

    static Object[] capture() {
        Object[] values = new Object[ALL.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = ALL.get(i) == LOGICAL_THREAD ? carrierThread() : ALL.get(i).local.get();
        }
        return values;
    }

    @SuppressWarnings("unchecked")
    static void restore(Object[] values) {
        for (int i = 0; i < values.length; i++) {
            ((CarrierLocal<Object>) ALL.get(i)).local.set(values[i]);
        }
    }
}
