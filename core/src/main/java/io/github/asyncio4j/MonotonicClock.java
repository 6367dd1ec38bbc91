package io.github.asyncio4j;

/** {@link LoopClock#monotonic()}: real time; one instance, so that the loop's default path stays monomorphic. */
final class MonotonicClock implements LoopClock {
    static final MonotonicClock INSTANCE = new MonotonicClock();

    private MonotonicClock() {
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public String toString() {
        return "LoopClock.monotonic()";
    }
}
