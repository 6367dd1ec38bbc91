package io.github.asyncio4j.net;

import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.internal.Exceptions;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.Objects;

/**
 * A UDP socket on the loop, made by {@link Datagrams#createEndpoint}: send datagrams to any address, receive them
 * from anyone.
 *
 * <p>Operations try the non-blocking call first and wait for readiness only when it would block. One task at a
 * time may wait in {@link #receiveFrom()} (and one in {@link #sendTo}); a second is an
 * {@link IllegalStateException}. Cancelling a waiting task removes its selector registration and loses nothing.
 * {@link #close()} wakes waiting tasks with an {@link AsynchronousCloseException}; operations on a closed endpoint
 * throw {@link ClosedChannelException}. Received datagrams longer than {@value #MAX_DATAGRAM} bytes are truncated.
 * Loop-confined.
 */
public final class DatagramEndpoint implements AutoCloseable {
    /** The largest datagram received whole: the UDP maximum. */
    public static final int MAX_DATAGRAM = 65_535;

    private final EventLoop loop;
    private final DatagramChannel channel;
    private final SocketAddress local;
    private final ByteBuffer receiveBuffer = ByteBuffer.allocate(MAX_DATAGRAM);
    private Future<Void> readWaiter;
    private Future<Void> writeWaiter;
    private boolean closed;

    DatagramEndpoint(EventLoop loop, DatagramChannel channel) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.local = channel.getLocalAddress();
    }

    DatagramChannel channel() {
        return channel;
    }

    /** The address the socket is bound to. */
    public SocketAddress localAddress() {
        return local;
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** Sends {@code data} as one datagram to {@code target} (resolved off the loop thread if unresolved). */
    public Awaitable<Void> sendTo(byte[] data, SocketAddress target) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(target, "target");
        byte[] copy = data.clone();
        return () -> {
            SocketAddress to = Resolver.resolved(target);
            ByteBuffer buf = ByteBuffer.wrap(copy);
            while (true) {
                checkOpen();
                try {
                    if (channel.send(buf, to) > 0 || copy.length == 0) {
                        return null;
                    }
                } catch (IOException e) {
                    throw Exceptions.sneakyThrow(e);
                }
                waitReady(false);
            }
        };
    }

    /** Receives the next datagram and its sender. */
    public Awaitable<Datagram> receiveFrom() {
        return () -> {
            while (true) {
                checkOpen();
                SocketAddress from;
                try {
                    receiveBuffer.clear();
                    from = channel.receive(receiveBuffer);
                } catch (IOException e) {
                    throw Exceptions.sneakyThrow(e);
                }
                if (from != null) {
                    return new Datagram(Arrays.copyOf(receiveBuffer.array(), receiveBuffer.position()), from);
                }
                waitReady(true);
            }
        };
    }

    private void checkOpen() {
        if (closed) {
            throw Exceptions.sneakyThrow(new ClosedChannelException());
        }
    }

    /** Suspends until the channel is readable (or writable); woken with an error by {@link #close()}. */
    private void waitReady(boolean read) {
        if ((read ? readWaiter : writeWaiter) != null) {
            throw new IllegalStateException("another task is already waiting to " + (read ? "receive" : "send")
                    + " on " + this);
        }
        Future<Void> w = loop.createFuture();
        Runnable ready = () -> {
            if (!w.isDone()) {
                w.setResult(null);
            }
        };
        if (read) {
            readWaiter = w;
            loop.addReader(channel, ready);
        } else {
            writeWaiter = w;
            loop.addWriter(channel, ready);
        }
        try {
            w.await();
        } finally {
            if (read) {
                readWaiter = null;
                if (!closed) {
                    loop.removeReader(channel);
                }
            } else {
                writeWaiter = null;
                if (!closed) {
                    loop.removeWriter(channel);
                }
            }
        }
    }

    /** Closes the socket; tasks waiting on it get an {@link AsynchronousCloseException}. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.removeReader(channel);
        loop.removeWriter(channel);
        for (Future<Void> w : Arrays.asList(readWaiter, writeWaiter)) {
            if (w != null && !w.isDone()) {
                w.setException(new AsynchronousCloseException());
            }
        }
        Streams.closeQuietly(channel);
    }

    @Override
    public String toString() {
        return "<DatagramEndpoint " + local + (closed ? " closed" : "") + ">";
    }
}
