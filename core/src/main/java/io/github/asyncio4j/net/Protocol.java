package io.github.asyncio4j.net;

import java.nio.ByteBuffer;

/**
 * The upper half of a connection ({@code asyncio.Protocol}): callbacks that a {@link Transport} makes about
 * incoming bytes and the state of the connection. It is the fastest way to serve a connection (no task, no
 * suspension per message: bytes go from the socket to {@link #dataReceived} in the same loop pass); made by the
 * factory given to {@link io.github.asyncio4j.EventLoop#createConnection} or
 * {@link io.github.asyncio4j.EventLoop#createServer}.
 *
 * <pre>{@code
 * final class Echo implements Protocol {
 *     private Transport transport;
 *     public void connectionMade(Transport t) { transport = t; }
 *     public void dataReceived(ByteBuffer data) { transport.write(data); }
 * }
 * Server server = await(loop.createServer(Echo::new, "127.0.0.1", 8888));
 * }</pre>
 *
 * <p>Call order (as asyncio's): {@code connectionMade}, then any number of {@code dataReceived}, then at most
 * one {@code eofReceived}, then exactly one {@code connectionLost}; {@code pauseWriting}/{@code resumeWriting}
 * alternate, starting with pause. For TLS, {@code connectionMade} comes after the handshake, and a failed
 * handshake calls neither. Every call is made on the loop's thread; an exception thrown from
 * {@code dataReceived} or {@code eofReceived} is reported to the loop's exception handler and aborts the
 * connection. Every method but {@code dataReceived} does nothing by default.
 */
public interface Protocol {

    /** The connection is up; {@code transport} is the one to write to and close. */
    default void connectionMade(Transport transport) {
    }

    /**
     * Bytes arrived. {@code data} is only valid during the call (the transport reuses its buffer): consume it,
     * copy it, or pass it to {@link Transport#write}, which takes what it needs before returning.
     */
    void dataReceived(ByteBuffer data);

    /**
     * The peer will send no more (FIN, or a TLS close_notify). Return true to keep the connection half-open (to go
     * on writing; plain TCP only), false to let the transport close it.
     */
    default boolean eofReceived() {
        return false;
    }

    /** The connection is closed: {@code error} is null for an orderly close, else what broke it. Called once. */
    default void connectionLost(Throwable error) {
    }

    /** The transport's write buffer went above its high-water mark: stop writing until {@link #resumeWriting()}. */
    default void pauseWriting() {
    }

    /** The transport's write buffer went down to its low-water mark: writing may go on. */
    default void resumeWriting() {
    }
}
