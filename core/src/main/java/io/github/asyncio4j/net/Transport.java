package io.github.asyncio4j.net;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLSession;

/**
 * The lower half of a connection ({@code asyncio.Transport}): owns the channel, moves bytes, buffers what cannot
 * be written yet and tells its {@link Protocol} when to pause. Loop-confined.
 */
interface Transport {

    /**
     * Sends {@code data} (consumed from its position), buffering what the channel cannot take now. Dropped
     * silently once the transport is closing (as in asyncio); after {@link #writeEof()} an error.
     */
    void write(ByteBuffer data);

    /** Half-closes: sends EOF after the buffered data. */
    void writeEof();

    boolean canWriteEof();

    /** Closes after flushing the buffer; the protocol's {@code connectionLost(null)} follows. Idempotent. */
    void close();

    /** Closes now, discarding the buffer. */
    void abort();

    boolean isClosing();

    /** Stops reading from the channel until {@link #resumeReading()}. */
    void pauseReading();

    void resumeReading();

    boolean isReading();

    /** Bytes written but not yet handed to the operating system. */
    long writeBufferSize();

    /** Sets the high- and low-water marks of the write buffer ({@code 0 <= low <= high}). */
    void setWriteBufferLimits(int high, int low);

    int highWaterMark();

    int lowWaterMark();

    SocketAddress peerAddress();

    SocketAddress localAddress();

    /** The TLS session, or null on a plain connection. */
    SSLSession sslSession();
}
