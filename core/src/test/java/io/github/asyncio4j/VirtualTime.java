package io.github.asyncio4j;

/**
 * Runs tests on virtual time: {@link Async#run(Coroutine, LoopClock)} with an autojumping {@link VirtualClock},
 * so sleeps and timeouts take no real time and no test depends on the machine's speed.
 */
public final class VirtualTime {
    private VirtualTime() {
    }

    /** {@code Async.run(main)} on a fresh autojumping virtual clock. */
    public static <T> T run(Coroutine<T> main) {
        return Async.run(main, VirtualClock.autojumping());
    }
}
