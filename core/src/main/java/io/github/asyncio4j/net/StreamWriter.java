package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.internal.Exceptions;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * The writing half of a connection ({@code asyncio.StreamWriter}).
 *
 * <pre>{@code
 * writer.write(bytes);
 * await(writer.drain());      // back-pressure: waits while the peer does not keep up
 * writer.close();
 * await(writer.waitClosed());
 * }</pre>
 *
 * <p><b>Buffering.</b> {@link #write} never blocks: when nothing is buffered it writes straight to the socket,
 * and buffers (a copy of) what the socket does not take, which the loop flushes when the socket is writable.
 * {@link #drain()} is the back-pressure point: when the buffer is above the high-water mark (64 KiB by default)
 * it suspends until the buffer is down to the low-water mark (16 KiB by default); otherwise it returns at once.
 * A writer that calls {@code drain()} after each {@code write} keeps the buffer within the high-water mark plus
 * one write.
 *
 * <p><b>Errors.</b> A write that fails closes the connection; the error is then thrown by {@code drain()} (and by
 * reads): a peer reset is a {@link java.net.SocketException} ("Connection reset") when a read sees it, or an
 * {@link java.io.IOException} ("Broken pipe" or "Connection reset by peer") when a write does. After the
 * connection is gone, {@code drain()} throws that error, or {@code SocketException("Connection lost")} after an
 * orderly close. Writes to a closing connection are dropped silently, as in asyncio.
 *
 * <p>Loop-confined: use it from coroutines and callbacks of the loop that made it.
 */
public final class StreamWriter implements AutoCloseable {
    /** The socket's transport, or the TLS transport over it (from the start, or after STARTTLS). */
    private Transport transport;
    private final StreamProtocol protocol;
    private final StreamReader reader;

    StreamWriter(Transport transport, StreamProtocol protocol, StreamReader reader) {
        this.transport = transport;
        this.protocol = protocol;
        this.reader = reader;
    }

    /** The transport underneath (for this package and its tests). */
    Transport transport() {
        return transport;
    }

    /** Queues {@code data} for sending (see the class comment); the array may be reused once this returns. */
    public void write(byte[] data) {
        write(data, 0, data.length);
    }

    /** Queues {@code length} bytes of {@code data} from {@code offset}. */
    public void write(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        transport.write(ByteBuffer.wrap(data, offset, length));
    }

    /** Queues the remaining bytes of {@code data}, consuming them. */
    public void write(ByteBuffer data) {
        transport.write(data);
    }

    /**
     * Waits until it is appropriate to write more: returns at once below the high-water mark, otherwise suspends
     * until the buffer is down to the low-water mark. Throws the connection's error if it was lost.
     */
    public Awaitable<Void> drain() {
        return () -> {
            Throwable error = reader.exception();
            if (error != null) {
                throw Exceptions.sneakyThrow(error);
            }
            if (transport.isClosing()) {
                await(Async.sleep(0));   // let a scheduled connectionLost run, so its error is what we raise
            }
            protocol.drainHelper();
            return null;
        };
    }

    /**
     * Upgrades this plain connection to TLS as its client (STARTTLS; asyncio's {@code writer.start_tls()}):
     * the awaitable finishes when the handshake is done, and this writer and its reader then carry encrypted
     * bytes. Bytes the reader had buffered but nobody read yet are taken as the start of the TLS exchange. The
     * server's certificate must match {@code serverHostname}, which is also sent as SNI (unless an IP address).
     * A handshake that fails (an untrusted certificate, a name mismatch, a peer that does not speak TLS) closes
     * the connection, and the awaitable throws its {@link javax.net.ssl.SSLException}.
     *
     * @throws IllegalStateException (when awaited) if the connection already uses TLS, is closing or has ended,
     *                               or a coroutine is waiting to read from it
     */
    public Awaitable<Void> startTls(SSLContext ctx, String serverHostname) {
        Objects.requireNonNull(ctx, "ctx");
        Objects.requireNonNull(serverHostname, "serverHostname");
        return () -> {
            SocketAddress peer = transport.peerAddress();
            int port = peer instanceof InetSocketAddress inet ? inet.getPort() : 0;
            StreamOptions options = StreamOptions.defaults().withSsl(ctx).withServerHostname(serverHostname);
            return upgrade(Streams.clientEngine(options, serverHostname, port), "startTls");
        };
    }

    /**
     * Upgrades this plain connection to TLS as its server (the server's side of STARTTLS or PostgreSQL's
     * SSLRequest); {@code ctx} holds the certificate and key. Otherwise as {@link #startTls}.
     */
    public Awaitable<Void> startTlsServer(SSLContext ctx) {
        Objects.requireNonNull(ctx, "ctx");
        return () -> {
            SSLEngine engine = ctx.createSSLEngine();
            engine.setUseClientMode(false);
            return upgrade(engine, "startTlsServer");
        };
    }

    private Void upgrade(SSLEngine engine, String what) {
        if (!(transport instanceof SocketTransport socket)) {
            throw new IllegalStateException(what + ": the connection already uses TLS");
        }
        if (socket.isClosing()) {
            throw new IllegalStateException(what + ": the connection is closing");
        }
        TlsTransport tls = new TlsTransport(Async.getRunningLoop(), socket, engine,
                StreamOptions.DEFAULT_SSL_HANDSHAKE_TIMEOUT);
        byte[] leftover = reader.handOver(tls, what);
        transport = tls;
        protocol.overTls();
        socket.setProtocol(tls);
        tls.start(protocol, true);
        if (leftover.length > 0) {
            tls.dataReceived(ByteBuffer.wrap(leftover));
        }
        tls.handshake().await();   // a failure has closed the connection; its SSLException is thrown here
        return null;
    }

    /**
     * Sends the whole of {@code file} from its start ({@code loop.sendfile(transport, file)}); see
     * {@link #sendfile(FileChannel, long, long)}.
     */
    public Awaitable<Long> sendfile(FileChannel file) {
        return sendfile(file, 0, Long.MAX_VALUE);
    }

    /**
     * Sends {@code count} bytes of {@code file} from {@code position} (fewer if the file ends first) after the
     * bytes already written, and returns how many were sent. On a plain socket it is zero-copy
     * ({@link FileChannel#transferTo}: the kernel's {@code sendfile}), and {@link #write} is refused while it
     * runs; over TLS (or a pipe) it falls back to reading chunks and writing them with back-pressure. The file's
     * own position is not changed. Cancelled, it stops where it is.
     *
     * @throws IllegalArgumentException if {@code position} or {@code count} is negative
     */
    public Awaitable<Long> sendfile(FileChannel file, long position, long count) {
        Objects.requireNonNull(file, "file");
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("position and count must not be negative: " + position + ", "
                    + count);
        }
        return () -> {
            if (transport instanceof SocketTransport socket) {
                return socket.sendfile(file, position, count);
            }
            return sendfileByCopy(file, position, count);
        };
    }

    private long sendfileByCopy(FileChannel file, long position, long count) {
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long sent = 0;
        try {
            while (sent < count) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), count - sent));
                int n = file.read(chunk, position + sent);
                if (n < 0) {
                    break;
                }
                chunk.flip();
                transport.write(chunk);
                sent += n;
                await(drain());
            }
        } catch (java.io.IOException e) {
            throw Exceptions.sneakyThrow(e);
        }
        return sent;
    }

    /** Half-closes the connection: sends EOF after the buffered data; reading goes on. */
    public void writeEof() {
        if (!transport.canWriteEof()) {
            throw new UnsupportedOperationException("a TLS connection cannot be half-closed");
        }
        transport.writeEof();
    }

    /** False for TLS connections (as in asyncio), true for plain TCP. */
    public boolean canWriteEof() {
        return transport.canWriteEof();
    }

    /** Closes the connection after the buffered data is sent (TLS: after close_notify). Idempotent. */
    @Override
    public void close() {
        transport.close();
    }

    /** Closes the connection now, discarding buffered data. */
    public void abort() {
        transport.abort();
    }

    /** True once {@link #close()} was called or the connection is lost or going away. */
    public boolean isClosing() {
        return transport.isClosing();
    }

    /** Waits until the connection is closed; throws the error that closed it, if any. */
    public Awaitable<Void> waitClosed() {
        return protocol.closed::await;
    }

    /** Bytes written but not yet handed to the operating system ({@code get_write_buffer_size}). */
    public long writeBufferSize() {
        return transport.getWriteBufferSize();
    }

    /** Sets the water marks that {@link #drain()} uses ({@code 0 <= low <= high}). */
    public void setWriteBufferLimits(int high, int low) {
        transport.setWriteBufferLimits(high, low);
    }

    /** Sets the high-water mark; the low-water mark becomes a quarter of it. */
    public void setWriteBufferLimits(int high) {
        transport.setWriteBufferLimits(high, high / 4);
    }

    /** Above this many buffered bytes {@link #drain()} waits (64 KiB by default). */
    public int highWaterMark() {
        return transport.highWaterMark();
    }

    /** A waiting {@link #drain()} resumes once the buffer is down to this many bytes (16 KiB by default). */
    public int lowWaterMark() {
        return transport.lowWaterMark();
    }

    /** The peer's address ({@code get_extra_info('peername')}). */
    public SocketAddress peerAddress() {
        return transport.peerAddress();
    }

    /** This end's address ({@code get_extra_info('sockname')}). */
    public SocketAddress localAddress() {
        return transport.localAddress();
    }

    /** The TLS session once the handshake is done, or null on a plain connection. */
    public SSLSession sslSession() {
        return transport.sslSession();
    }

    /**
     * The protocol TLS ALPN chose ({@code "h2"}, {@code "http/1.1"}), or null on a plain connection or when the
     * peers agreed on none (see {@link StreamOptions#withApplicationProtocols}).
     */
    public String applicationProtocol() {
        return transport.applicationProtocol();
    }

    @Override
    public String toString() {
        return "<StreamWriter " + transport + " reader=" + reader + ">";
    }
}
