package io.github.asyncio4j.net;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.ExceptionContext;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Objects;
import javax.net.ssl.SSLSession;

/**
 * A TCP connection driven by loop callbacks ({@code _SelectorSocketTransport}): reads whenever the channel is
 * readable (unless paused) and hands the bytes to its {@link Protocol}; writes directly when nothing is buffered,
 * buffers the rest and flushes it when the channel is writable, telling the protocol to pause above the
 * high-water mark and to resume at the low-water mark.
 *
 * <p>Invariants: the transport owns its channel and closes it exactly once, after the protocol's
 * {@code connectionLost}; every selector registration is removed before that. Loop-confined.
 */
final class SocketTransport implements Transport {
    /** Bytes asked for per read; the buffer is shared by all transports on a loop thread. */
    private static final int READ_SIZE = 256 * 1024;
    private static final ThreadLocal<ByteBuffer> READ_BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(READ_SIZE));
    private static final int MAX_GATHER = 64;

    private final EventLoop loop;
    private final SocketChannel channel;
    private final SocketAddress peer;
    private final SocketAddress local;
    private Protocol protocol;

    private final ArrayDeque<ByteBuffer> buffer = new ArrayDeque<>();
    private final ByteBuffer[] gather = new ByteBuffer[MAX_GATHER];
    private long bufferSize;
    private final WriteFlowControl flow;

    /** close() was called or a fatal error happened: no more reads, no more new writes. */
    private boolean closing;
    /** connectionLost is scheduled (or done). */
    private boolean lost;
    /** writeEof() was called. */
    private boolean eof;
    private boolean readerRegistered;
    private boolean writerRegistered;
    private boolean readPaused;
    private boolean eofReceived;

    SocketTransport(EventLoop loop, SocketChannel channel) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.flow = new WriteFlowControl(loop);
        this.peer = address(true);
        this.local = address(false);
    }

    private SocketAddress address(boolean remote) {
        try {
            return remote ? channel.getRemoteAddress() : channel.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** Connects the protocol and starts reading. */
    void start(Protocol protocol) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        addReader();
    }

    SocketChannel channel() {
        return channel;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading

    private void addReader() {
        if (!readerRegistered) {
            loop.addReader(channel, this::readReady);
            readerRegistered = true;
        }
    }

    private void removeReader() {
        if (readerRegistered) {
            readerRegistered = false;
            loop.removeReader(channel);
        }
    }

    private void readReady() {
        if (closing) {
            return;
        }
        ByteBuffer buf = READ_BUFFER.get();
        buf.clear();
        int n;
        try {
            n = channel.read(buf);
        } catch (IOException e) {
            fatalError(e, "Fatal read error on socket transport");
            return;
        }
        if (n > 0) {
            buf.flip();
            try {
                protocol.dataReceived(buf);
            } catch (RuntimeException e) {
                fatalError(e, "Fatal error: protocol.dataReceived() call failed");
            }
        } else if (n < 0) {
            readEof();
        }
    }

    private void readEof() {
        removeReader();
        eofReceived = true;
        boolean keepOpen;
        try {
            keepOpen = protocol.eofReceived();
        } catch (RuntimeException e) {
            fatalError(e, "Fatal error: protocol.eofReceived() call failed");
            return;
        }
        if (!keepOpen) {
            close();
        }
    }

    @Override
    public void pauseReading() {
        if (closing || readPaused) {
            return;
        }
        readPaused = true;
        removeReader();
    }

    @Override
    public void resumeReading() {
        if (closing || !readPaused) {
            return;
        }
        readPaused = false;
        if (!eofReceived) {
            addReader();
        }
    }

    @Override
    public boolean isReading() {
        return !readPaused && !closing;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writing

    @Override
    public void write(ByteBuffer data) {
        if (eof) {
            throw new IllegalStateException("Cannot call write() after writeEof()");
        }
        if (!data.hasRemaining()) {
            return;
        }
        if (closing) {
            data.position(data.limit());    // the connection is going away: dropped, as asyncio does
            return;
        }
        if (bufferSize == 0) {
            try {
                channel.write(data);
            } catch (IOException e) {
                fatalError(e, "Fatal write error on socket transport");
                return;
            }
            if (!data.hasRemaining()) {
                return;
            }
            loop.addWriter(channel, this::writeReady);
            writerRegistered = true;
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        buffer.add(copy);
        bufferSize += copy.remaining();
        flow.maybePause(bufferSize, protocol);
    }

    private void writeReady() {
        if (lost) {
            return;
        }
        int k = 0;
        for (ByteBuffer b : buffer) {
            gather[k++] = b;
            if (k == MAX_GATHER) {
                break;
            }
        }
        long n;
        try {
            n = channel.write(gather, 0, k);
        } catch (IOException e) {
            fatalError(e, "Fatal write error on socket transport");
            return;
        } finally {
            java.util.Arrays.fill(gather, 0, k, null);
        }
        bufferSize -= n;
        while (!buffer.isEmpty() && !buffer.peekFirst().hasRemaining()) {
            buffer.pollFirst();
        }
        flow.maybeResume(bufferSize, protocol);
        if (bufferSize == 0) {
            removeWriter();
            if (closing) {
                scheduleConnectionLost(null);
            } else if (eof) {
                shutdownOutput();
            }
        }
    }

    private void removeWriter() {
        if (writerRegistered) {
            writerRegistered = false;
            loop.removeWriter(channel);
        }
    }

    @Override
    public void writeEof() {
        if (closing || eof) {
            return;
        }
        eof = true;
        if (bufferSize == 0) {
            shutdownOutput();
        }
    }

    private void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            fatalError(e, "Fatal error on shutdownOutput()");
        }
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    @Override
    public long writeBufferSize() {
        return bufferSize;
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        flow.setLimits(high, low, bufferSize, protocol);
    }

    @Override
    public int highWaterMark() {
        return flow.high();
    }

    @Override
    public int lowWaterMark() {
        return flow.low();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Closing

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        removeReader();
        if (bufferSize == 0) {
            scheduleConnectionLost(null);
        }
    }

    @Override
    public void abort() {
        forceClose(null);
    }

    @Override
    public boolean isClosing() {
        return closing;
    }

    /** An I/O error ends the connection; anything else is a bug worth the loop's exception handler. */
    private void fatalError(Throwable e, String message) {
        if (!(e instanceof IOException)) {
            loop.callExceptionHandler(new ExceptionContext(message, e, null, null));
        }
        forceClose(e);
    }

    private void forceClose(Throwable error) {
        if (lost) {
            return;
        }
        buffer.clear();
        bufferSize = 0;
        removeWriter();
        closing = true;
        removeReader();
        scheduleConnectionLost(error);
    }

    private void scheduleConnectionLost(Throwable error) {
        if (lost) {
            return;
        }
        lost = true;
        loop.callSoon(() -> connectionLost(error));
    }

    private void connectionLost(Throwable error) {
        try {
            protocol.connectionLost(error);
        } finally {
            removeReader();
            removeWriter();
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to do with a channel that cannot even close
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Extra info

    @Override
    public SocketAddress peerAddress() {
        return peer;
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    @Override
    public SSLSession sslSession() {
        return null;
    }

    @Override
    public String toString() {
        return "<SocketTransport " + local + " -> " + peer + (closing ? " closing" : "")
                + " buffered=" + bufferSize + ">";
    }
}
