package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.IoWaits;
import io.github.asyncio4j.internal.Exceptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Objects;

/**
 * Low-level socket operations as awaitables ({@code loop.sock_connect}, {@code sock_accept}, {@code sock_recv},
 * {@code sock_sendall}, {@code sock_recvfrom}, {@code sock_sendto}) on channels the caller owns.
 *
 * <pre>{@code
 * SocketChannel ch = SocketChannel.open();
 * await(Sockets.sockConnect(ch, new InetSocketAddress("127.0.0.1", 8080)));
 * await(Sockets.sockSendAll(ch, ByteBuffer.wrap(request)));
 * int n = await(Sockets.sockRecv(ch, buffer));
 * }</pre>
 *
 * <p>Each operation first tries the non-blocking call and waits for readiness ({@link IoWaits}) only when it
 * would block; the channel is switched to non-blocking mode. Nothing runs until the awaitable is awaited.
 * Cancelling the awaiting task removes the selector registration and closes nothing: the channel stays the
 * caller's. I/O errors are the JDK's exceptions, thrown unchanged (and undeclared): for example
 * {@link java.net.ConnectException} when a connection is refused, {@link java.net.SocketException}
 * "Connection reset" when the peer resets it. Do not mix these with a {@link Streams} connection or
 * {@code addReader}/{@code addWriter} on the same channel, and let only one task at a time wait to read (and one
 * to write) on a channel.
 */
public final class Sockets {
    private Sockets() {
    }

    /**
     * {@code loop.getaddrinfo(host, port)}: the socket addresses of {@code host}, in the resolver's order (the
     * system's preference, usually IPv6 first where it is configured), without duplicates. A literal IP address
     * is parsed in place; a name is looked up on the default executor, never on the loop's thread. Awaiting it
     * throws {@link java.net.UnknownHostException} (undeclared) for a name that does not resolve.
     *
     * @throws IllegalArgumentException if {@code host} is empty or the port is out of range
     */
    public static Awaitable<List<InetSocketAddress>> getaddrinfo(String host, int port) {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("a host is required");
        }
        Streams.checkPort(port);
        return () -> Resolver.getaddrinfo(host, port);
    }

    /**
     * Connects {@code channel} to {@code address}. An unresolved {@link java.net.InetSocketAddress} is resolved
     * off the loop thread first. Cancelled while connecting, the channel is left open (and unconnected): close it.
     */
    public static Awaitable<Void> sockConnect(SocketChannel channel, SocketAddress address) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(address, "address");
        return () -> {
            SocketAddress target = Resolver.resolved(address);
            try {
                nonBlocking(channel);
                // a connection the kernel completes at once (loopback: connect says "in progress", but it is done
                // when the call returns) goes on now, not a pass of the loop later
                if (channel.connect(target) || channel.finishConnect()) {
                    return null;
                }
                while (true) {
                    await(IoWaits.writable(channel));
                    if (channel.finishConnect()) {
                        return null;
                    }
                }
            } catch (IOException e) {
                throw Exceptions.sneakyThrow(e);
            }
        };
    }

    /** Accepts one connection; the new channel is non-blocking and belongs to the caller. */
    public static Awaitable<SocketChannel> sockAccept(ServerSocketChannel channel) {
        Objects.requireNonNull(channel, "channel");
        return () -> {
            try {
                nonBlocking(channel);
                while (true) {
                    SocketChannel accepted = channel.accept();
                    if (accepted != null) {
                        try {
                            accepted.configureBlocking(false);
                        } catch (IOException e) {
                            accepted.close();
                            throw e;
                        }
                        return accepted;
                    }
                    await(IoWaits.readable(channel));
                }
            } catch (IOException e) {
                throw Exceptions.sneakyThrow(e);
            }
        };
    }

    /**
     * Reads into {@code buffer} once data is available. Returns the number of bytes read: positive, or -1 at
     * end of stream (the peer closed or half-closed its side; Python's {@code b''}), or 0 only when
     * {@code buffer} has no room left.
     */
    public static Awaitable<Integer> sockRecv(SocketChannel channel, ByteBuffer buffer) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(buffer, "buffer");
        return () -> {
            try {
                nonBlocking(channel);
                while (true) {
                    int n = channel.read(buffer);
                    if (n != 0 || !buffer.hasRemaining()) {
                        return n;
                    }
                    await(IoWaits.readable(channel));
                }
            } catch (IOException e) {
                throw Exceptions.sneakyThrow(e);
            }
        };
    }

    /**
     * Sends all remaining bytes of {@code buffer}, waiting for room as needed. If the task is cancelled meanwhile,
     * the buffer's position tells how much was sent.
     */
    public static Awaitable<Void> sockSendAll(SocketChannel channel, ByteBuffer buffer) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(buffer, "buffer");
        return () -> {
            try {
                nonBlocking(channel);
                while (buffer.hasRemaining()) {
                    if (channel.write(buffer) == 0) {
                        await(IoWaits.writable(channel));
                    }
                }
                return null;
            } catch (IOException e) {
                throw Exceptions.sneakyThrow(e);
            }
        };
    }

    /**
     * Receives one datagram into {@code buffer} and returns its sender. A datagram larger than the room in
     * {@code buffer} is truncated (the rest is discarded, as the JDK does).
     */
    public static Awaitable<SocketAddress> sockRecvFrom(DatagramChannel channel, ByteBuffer buffer) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(buffer, "buffer");
        return () -> {
            try {
                nonBlocking(channel);
                while (true) {
                    SocketAddress from = channel.receive(buffer);
                    if (from != null) {
                        return from;
                    }
                    await(IoWaits.readable(channel));
                }
            } catch (IOException e) {
                throw Exceptions.sneakyThrow(e);
            }
        };
    }

    /**
     * Sends the remaining bytes of {@code buffer} as one datagram to {@code target} (resolved off the loop thread
     * if unresolved), waiting for room if the socket's send buffer is full; returns the number of bytes sent.
     */
    public static Awaitable<Integer> sockSendTo(DatagramChannel channel, ByteBuffer buffer, SocketAddress target) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(buffer, "buffer");
        Objects.requireNonNull(target, "target");
        return () -> {
            SocketAddress to = Resolver.resolved(target);
            try {
                nonBlocking(channel);
                while (true) {
                    int size = buffer.remaining();
                    int n = channel.send(buffer, to);
                    if (n > 0 || size == 0) {
                        return n;
                    }
                    await(IoWaits.writable(channel));
                }
            } catch (IOException e) {
                throw Exceptions.sneakyThrow(e);
            }
        };
    }

    private static void nonBlocking(SelectableChannel channel) throws IOException {
        if (channel.isBlocking()) {
            channel.configureBlocking(false);
        }
    }
}
