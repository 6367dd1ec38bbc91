package io.github.asyncio4j.net;

import io.github.asyncio4j.internal.Exceptions;
import io.github.asyncio4j.internal.WriteFlowControl;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.ExceptionContext;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
    /** Runs after the protocol's connectionLost, once the channel is closed (a server's bookkeeping). */
    private Runnable afterLost;

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
    /** A sendfile owns the socket's output: write() is refused meanwhile. */
    private boolean sendfileInProgress;
    /** Done when the write buffer is empty (or failed when the connection is lost). */
    private final java.util.List<io.github.asyncio4j.Future<Void>> emptyWaiters = new java.util.ArrayList<>(1);

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

    /** Connects the protocol (its {@code connectionMade}) and starts reading. */
    void start(Protocol protocol) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        addReader();
        try {
            protocol.connectionMade(this);
        } catch (RuntimeException e) {
            fatalError(e, "Fatal error: protocol.connectionMade() call failed");
        }
    }

    /** Hands incoming bytes and events to {@code protocol} from now on (a TLS layer slid in by STARTTLS). */
    void setProtocol(Protocol protocol) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
    }

    /** Runs {@code hook} once the connection is lost and the channel closed. */
    void afterLost(Runnable hook) {
        this.afterLost = hook;
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
        if (sendfileInProgress) {
            throw new IllegalStateException("cannot write while a sendfile is in progress on this connection");
        }
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
            wakeEmptyWaiters(null);
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
    public long getWriteBufferSize() {
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
    // sendfile

    /**
     * Sends {@code count} bytes of {@code file} from {@code position} with {@link FileChannel#transferTo} (the
     * kernel's zero-copy {@code sendfile}), after the bytes already buffered; {@code write()} is refused until it
     * is done. Returns the number of bytes sent (fewer only if the file is shorter). Suspends while the socket is
     * full; cancelled, it stops where it is (the bytes sent so far are gone).
     */
    long sendfile(FileChannel file, long position, long count) {
        if (sendfileInProgress) {
            throw new IllegalStateException("another sendfile is in progress on this connection");
        }
        if (closing || eof) {
            throw new IllegalStateException("cannot sendfile: the connection is " + (eof ? "half-closed" : "closing"));
        }
        sendfileInProgress = true;
        try {
            if (bufferSize > 0) {
                io.github.asyncio4j.Future<Void> empty = loop.createFuture();
                emptyWaiters.add(empty);
                try {
                    empty.await();
                } finally {
                    emptyWaiters.remove(empty);
                }
            }
            long sent = 0;
            while (sent < count && !closing) {
                long n;
                try {
                    n = file.transferTo(position + sent, count - sent, channel);
                } catch (IOException e) {
                    fatalError(e, "Fatal error in sendfile");
                    throw Exceptions.sneakyThrow(e);
                }
                if (n > 0) {
                    sent += n;
                } else if (position + sent >= file.size()) {
                    break;   // the file ended early
                } else {
                    io.github.asyncio4j.IoWaits.writable(channel).await();
                }
            }
            if (closing && sent < count && position + sent < file.size()) {
                throw new java.net.SocketException("the connection closed during sendfile, after " + sent + " bytes");
            }
            return sent;
        } catch (IOException e) {
            throw Exceptions.sneakyThrow(e);
        } finally {
            sendfileInProgress = false;
        }
    }

    private void wakeEmptyWaiters(Throwable error) {
        for (io.github.asyncio4j.Future<Void> w : java.util.List.copyOf(emptyWaiters)) {
            if (!w.isDone()) {
                if (error == null) {
                    w.setResult(null);
                } else {
                    w.setException(error);
                }
            }
        }
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
        wakeEmptyWaiters(error != null ? error : new java.net.SocketException("Connection lost"));
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
            Runnable hook = afterLost;
            if (hook != null) {
                hook.run();
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
