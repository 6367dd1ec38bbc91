package io.github.asyncio4j.net;

import java.nio.ByteBuffer;

/**
 * The upper half of a connection ({@code asyncio.Protocol}): what a {@link Transport} tells about incoming bytes
 * and the state of the connection. Called on the loop's thread, from the transport's callbacks.
 */
interface Protocol {

    /** Bytes arrived; {@code data} is only valid during the call. */
    void dataReceived(ByteBuffer data);

    /** The peer will send no more (FIN or TLS close_notify). Return true to keep the connection half-open. */
    boolean eofReceived();

    /** The connection is closed: {@code error} is null for an orderly close, else what broke it. Called once. */
    void connectionLost(Throwable error);

    /** The transport's write buffer went above the high-water mark. */
    void pauseWriting();

    /** The transport's write buffer went down to the low-water mark. */
    void resumeWriting();
}
