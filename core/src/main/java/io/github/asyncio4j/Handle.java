package io.github.asyncio4j;

/**
 * A callback scheduled on an event loop ({@code callSoon}); {@link #cancel()} stops it from running.
 * Only the loop's thread touches a handle, except {@code callSoonThreadsafe}'s, which is handed over safely.
 */
public class Handle {
    final Runnable callback;
    final EventLoop loop;
    final Context context;
    private boolean cancelled;

    Handle(EventLoop loop, Runnable callback, Context context) {
        this.loop = loop;
        this.callback = callback;
        this.context = context;
    }

    /** Stops the callback from running, if it has not run yet. */
    public void cancel() {
        cancelled = true;
    }

    /** True once {@link #cancel()} was called. */
    public boolean cancelled() {
        return cancelled;
    }

    /** Runs the callback unless cancelled; called by the loop only. */
    void fire() {
        if (!cancelled) {
            callback.run();
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + callback + (cancelled ? " cancelled" : "") + "]";
    }
}
