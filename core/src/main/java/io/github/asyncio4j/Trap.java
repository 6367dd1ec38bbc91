package io.github.asyncio4j;

import java.nio.channels.SelectableChannel;
import java.util.Objects;

/**
 * What a coroutine yields to the task that drives it: a request to the event loop, like a system call to a
 * kernel. {@link Task}'s step dispatches on it (see {@code Task.dispatch}).
 */
public sealed interface Trap {

    /** Resume me when {@code future} is done ({@code Future.__await__} yielding itself). */
    record WaitFuture(Future<?> future) implements Trap {
        /** @throws NullPointerException if {@code future} is null */
        public WaitFuture {
            Objects.requireNonNull(future, "future");
        }
    }

    /** Resume me at loop time {@code deadline} (seconds, {@link EventLoop#time()}). */
    record Sleep(double deadline) implements Trap {
    }

    /** Resume me in the next loop iteration: {@code await asyncio.sleep(0)}. */
    record YieldOnce() implements Trap {
        static final YieldOnce INSTANCE = new YieldOnce();
    }

    /**
     * Resume me when {@code channel} is ready for {@code ops} ({@link java.nio.channels.SelectionKey#OP_READ} or
     * {@link java.nio.channels.SelectionKey#OP_WRITE}, or {@code OP_ACCEPT}/{@code OP_CONNECT}).
     */
    record IoWait(SelectableChannel channel, int ops) implements Trap {
        /** @throws NullPointerException if {@code channel} is null */
        public IoWait {
            Objects.requireNonNull(channel, "channel");
        }
    }
}
