package io.github.asyncio4j.net;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLSession;

/**
 * The lower half of a connection ({@code asyncio.Transport}): owns the socket, moves bytes, buffers what cannot
 * be written yet and tells its {@link Protocol} when to pause. Handed to {@link Protocol#connectionMade}.
 *
 * <p>Flow control: {@link #write} never blocks; above the high-water mark (64 KiB by default) the protocol's
 * {@code pauseWriting()} is called, and {@code resumeWriting()} once the buffer is down to the low-water mark
 * (16 KiB). {@link #pauseReading()} stops {@code dataReceived} calls until {@link #resumeReading()}.
 * Loop-confined: call it from the loop's thread only.
 */
public interface Transport {

    /**
     * Sends {@code data} (consumed from its position), buffering a copy of what the socket cannot take now.
     * Dropped silently once the transport is closing (as in asyncio).
     *
     * @throws IllegalStateException after {@link #writeEof()}
     */
    void write(ByteBuffer data);

    /**
     * Half-closes: sends EOF after the buffered data; reading goes on.
     *
     * @throws UnsupportedOperationException on a TLS transport (see {@link #canWriteEof()})
     */
    void writeEof();

    /** False for TLS (which cannot be half-closed), true for plain sockets. */
    boolean canWriteEof();

    /** Closes after flushing the buffer; the protocol's {@code connectionLost(null)} follows. Idempotent. */
    void close();

    /** Closes now, discarding the buffer; the protocol's {@code connectionLost(null)} follows. */
    void abort();

    /** True once {@link #close()} or {@link #abort()} was called or the connection is lost. */
    boolean isClosing();

    /** Stops reading from the socket (no {@code dataReceived} calls) until {@link #resumeReading()}. */
    void pauseReading();

    /** Reads again after {@link #pauseReading()}. */
    void resumeReading();

    /** True unless reading is paused or the transport is closing. */
    boolean isReading();

    /** Bytes written but not yet handed to the operating system ({@code get_write_buffer_size}). */
    long getWriteBufferSize();

    /**
     * Sets the high- and low-water marks of the write buffer.
     *
     * @throws IllegalArgumentException unless {@code 0 <= low <= high}
     */
    void setWriteBufferLimits(int high, int low);

    /** Above this many buffered bytes the protocol is paused. */
    int highWaterMark();

    /** A paused protocol is resumed once the buffer is down to this many bytes. */
    int lowWaterMark();

    /** The peer's address. */
    SocketAddress peerAddress();

    /** This end's address. */
    SocketAddress localAddress();

    /** The TLS session once the handshake is done, or null on a plain connection. */
    SSLSession sslSession();

    /** The protocol chosen by TLS ALPN once the handshake is done (e.g. {@code "h2"}), or null if none was. */
    default String applicationProtocol() {
        return null;
    }

    /**
     * asyncio's {@code get_extra_info(name)}: {@code "peername"} ({@link #peerAddress()}), {@code "sockname"}
     * ({@link #localAddress()}), {@code "ssl_object"} or {@code "sslsession"} ({@link #sslSession()}); null for
     * any other name, as in asyncio.
     */
    default Object getExtraInfo(String name) {
        return switch (name) {
            case "peername" -> peerAddress();
            case "sockname" -> localAddress();
            case "ssl_object", "sslsession" -> sslSession();
            default -> null;
        };
    }
}
