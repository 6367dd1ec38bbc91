package io.github.asyncio4j.process;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.ExceptionContext;
import io.github.asyncio4j.net.Protocol;
import io.github.asyncio4j.net.Transport;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import javax.net.ssl.SSLSession;

/**
 * The write end of a child's stdin as a {@link Transport} ({@code _UnixWritePipeTransport}): {@link #write}
 * queues a copy of the bytes and a thread (started at the first write) blocks in {@code write()} to hand them to
 * the child. The loop keeps the count of queued bytes and pauses the protocol above the high-water mark, so
 * {@code drain()} waits for a child that does not read. {@link #close()} (or {@link #writeEof()}) closes the pipe
 * after the queued bytes: the child sees EOF. A write error (the child exited: "Broken pipe") loses the
 * connection with that error, which {@code drain()} then throws.
 *
 * <p>Unlike a socket's, a closed stdin refuses writes: {@link #write} throws {@link IllegalStateException}
 * naming why it is closed, since data written there could never arrive.
 */
final class PipeWriter implements Transport {
    private static final int DEFAULT_HIGH = 64 * 1024;

    private final EventLoop loop;
    private final OutputStream out;
    private final String name;
    private Protocol protocol;
    private final Object lock = new Object();
    /** Guarded by lock: chunks for the thread, and whether to close the pipe once they are written. */
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private boolean closeRequested;
    /** Loop thread only. */
    private long buffered;
    private int high = DEFAULT_HIGH;
    private int low = DEFAULT_HIGH / 4;
    private boolean protocolPaused;
    private String closedBecause;
    private boolean lost;
    private Thread thread;

    PipeWriter(EventLoop loop, OutputStream out, String name) {
        this.loop = loop;
        this.out = out;
        this.name = name;
    }

    PipeWriter start(Protocol protocol) {
        this.protocol = protocol;
        protocol.connectionMade(this);
        return this;
    }

    Thread thread() {
        return thread;
    }

    @Override
    public void write(ByteBuffer data) {
        if (closedBecause != null) {
            throw new IllegalStateException("cannot write to " + name + ": " + closedBecause);
        }
        if (!data.hasRemaining()) {
            return;
        }
        if (lost) {
            data.position(data.limit());   // broken pipe: drain() reports it
            return;
        }
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        buffered += copy.length;
        synchronized (lock) {
            queue.add(copy);
            lock.notifyAll();
        }
        ensureThread();
        if (!protocolPaused && buffered > high) {
            protocolPaused = true;
            protocol.pauseWriting();
        }
    }

    private void ensureThread() {
        if (thread == null) {
            thread = PipeThreads.start(name, this::pump);
        }
    }

    private void pump() {
        try {
            while (true) {
                byte[] chunk;
                synchronized (lock) {
                    while (queue.isEmpty() && !closeRequested) {
                        lock.wait();
                    }
                    chunk = queue.poll();
                }
                if (chunk == null) {   // close requested and everything written
                    out.close();
                    post(() -> lost(null));
                    return;
                }
                out.write(chunk);
                out.flush();
                int n = chunk.length;
                post(() -> written(n));
            }
        } catch (IOException e) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the pipe is broken already
            }
            post(() -> lost(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void post(Runnable r) {
        try {
            loop.callSoonThreadsafe(r);
        } catch (IllegalStateException loopClosed) {
            // nobody is left to tell
        }
    }

    private void written(int n) {
        buffered -= n;
        if (protocolPaused && buffered <= low) {
            protocolPaused = false;
            protocol.resumeWriting();
        }
    }

    private void lost(Throwable error) {
        if (lost) {
            return;
        }
        lost = true;
        buffered = 0;
        synchronized (lock) {
            queue.clear();
        }
        try {
            protocol.connectionLost(error);
        } catch (RuntimeException e) {
            loop.callExceptionHandler(new ExceptionContext("protocol.connectionLost() failed", e, null, null));
        }
    }

    /** Closes the pipe after the queued bytes, with {@code reason} for later writes. */
    void close(String reason) {
        if (closedBecause != null) {
            return;
        }
        closedBecause = reason;
        if (lost) {
            return;
        }
        if (thread == null) {
            thread = PipeThreads.start(name, this::pump);   // only to close the pipe without blocking the loop
        }
        synchronized (lock) {
            closeRequested = true;
            lock.notifyAll();
        }
    }

    @Override
    public void writeEof() {
        close(name + " was closed (writeEof)");
    }

    @Override
    public boolean canWriteEof() {
        return true;
    }

    @Override
    public void close() {
        close(name + " was closed");
    }

    @Override
    public void abort() {
        synchronized (lock) {
            queue.clear();
        }
        close(name + " was aborted");
    }

    @Override
    public boolean isClosing() {
        return closedBecause != null || lost;
    }

    @Override
    public void pauseReading() {
        // a write-only pipe has nothing to read
    }

    @Override
    public void resumeReading() {
        // a write-only pipe has nothing to read
    }

    @Override
    public boolean isReading() {
        return false;
    }

    @Override
    public long getWriteBufferSize() {
        return buffered;
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        if (low < 0 || high < low) {
            throw new IllegalArgumentException("need 0 <= low <= high: high=" + high + ", low=" + low);
        }
        this.high = high;
        this.low = low;
    }

    @Override
    public int highWaterMark() {
        return high;
    }

    @Override
    public int lowWaterMark() {
        return low;
    }

    @Override
    public SocketAddress peerAddress() {
        return null;
    }

    @Override
    public SocketAddress localAddress() {
        return null;
    }

    @Override
    public SSLSession sslSession() {
        return null;
    }

    @Override
    public String toString() {
        return "<PipeWriter " + name + " buffered=" + buffered + (isClosing() ? " closing" : "") + ">";
    }
}
