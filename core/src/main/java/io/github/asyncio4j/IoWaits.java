package io.github.asyncio4j;

import io.github.asyncio4j.internal.Exceptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.Objects;

/**
 * Awaitables that suspend the running task until a channel is ready: the public face of {@link Trap.IoWait},
 * for code outside this package that does its own non-blocking I/O (such as {@code io.github.asyncio4j.net}).
 *
 * <p>Each await is one-shot: it registers interest, and the loop removes it again when the channel is ready or
 * the task is cancelled, so no registration outlives the await. The channel is switched to non-blocking mode.
 * Invariants: at most one reader and one writer per channel at a time ({@link EventLoop#addReader} on the same
 * channel replaces a waiting task's interest and the task would never wake); do not close a channel while a
 * task waits on it (cancel the task first), since a closed channel is never reported ready.
 */
public final class IoWaits {
    private IoWaits() {
    }

    /**
     * Suspends until {@code channel} is readable; for a {@link java.nio.channels.ServerSocketChannel}, until a
     * connection can be accepted. A closed channel raises {@link ClosedChannelException} (undeclared).
     */
    public static Awaitable<Void> readable(SelectableChannel channel) {
        return wait(channel, SelectionKey.OP_READ, "IoWaits.readable()");
    }

    /**
     * Suspends until {@code channel} is writable; for a {@link java.nio.channels.SocketChannel} whose connection
     * is pending, until the connection attempt has finished (call {@code finishConnect()} then).
     * A closed channel raises {@link ClosedChannelException} (undeclared).
     */
    public static Awaitable<Void> writable(SelectableChannel channel) {
        return wait(channel, SelectionKey.OP_WRITE, "IoWaits.writable()");
    }

    private static Awaitable<Void> wait(SelectableChannel channel, int ops, String what) {
        Objects.requireNonNull(channel, "channel");
        return () -> {
            Coroutine.requireAwaitContext(what);
            if (!channel.isOpen()) {
                throw Exceptions.sneakyThrow(new ClosedChannelException());
            }
            Coroutine.yieldTrap(new Trap.IoWait(channel, ops));
            return null;
        };
    }
}
