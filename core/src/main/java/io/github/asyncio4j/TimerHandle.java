package io.github.asyncio4j;

/** A callback scheduled for a loop time ({@code callLater}, {@code callAt}); timers fire in deadline order, ties FIFO. */
public final class TimerHandle extends Handle implements Comparable<TimerHandle> {
    private final double when;
    private final long sequence;
    boolean scheduled = true;

    TimerHandle(EventLoop loop, double when, long sequence, Runnable callback, Context context) {
        super(loop, callback, context);
        this.when = when;
        this.sequence = sequence;
    }

    /** The loop time at which the callback is due. */
    public double when() {
        return when;
    }

    @Override
    public void cancel() {
        if (!cancelled()) {
            super.cancel();
            loop.timerCancelled(this);
        }
    }

    @Override
    public int compareTo(TimerHandle o) {
        int c = Double.compare(when, o.when);
        return c != 0 ? c : Long.compare(sequence, o.sequence);
    }

    @Override
    public String toString() {
        return "TimerHandle[when=" + when + " " + callback + (cancelled() ? " cancelled" : "") + "]";
    }
}
