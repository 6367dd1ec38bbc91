package io.github.asyncio4j.process;

/** The threads that bridge a child's blocking pipes to the loop: small-stack platform daemons, one per pipe. */
final class PipeThreads {
    /** Enough for a read or write loop; keeps 100 processes' threads cheap. */
    private static final long STACK_SIZE = 128 * 1024;

    private PipeThreads() {
    }

    static Thread start(String name, Runnable body) {
        return Thread.ofPlatform().name(name).daemon().stackSize(STACK_SIZE).start(body);
    }
}
