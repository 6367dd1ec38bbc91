package io.github.asyncio4j.process;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.internal.WriteFlowControl;
import io.github.asyncio4j.net.Protocol;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The write end of a child's stdin as a {@link io.github.asyncio4j.net.Transport} ({@code _UnixWritePipeTransport}):
 * {@link #write} queues a copy of the bytes and a thread (started at the first write) blocks in {@code write()} to
 * hand them to the child; a pipe closed before any write is closed on the loop thread, with no thread at all. The loop keeps the count of queued bytes and pauses the protocol above the high-water
 * mark ({@link WriteFlowControl}, the helper every transport uses), so {@code drain()} waits for a child that
 * does not read. {@link #close()} (or {@link #writeEof()}) closes the pipe after the queued bytes: the child sees
 * EOF. A write error (the child exited: "Broken pipe") loses the connection with that error, which {@code drain()}
 * then throws.
 *
 * <p>Unlike a socket's, a closed stdin refuses writes: {@link #write} throws {@link IllegalStateException}
 * naming why it is closed, since data written there could never arrive.
 */
final class PipeWriter extends PipeTransport {
    private final OutputStream out;
    private final Object lock = new Object();
    /** Guarded by lock: chunks for the thread, and whether to close the pipe once they are written. */
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private boolean closeRequested;
    /** Loop thread only. */
    private long buffered;
    private final WriteFlowControl flow;
    private String closedBecause;
    private boolean lost;

    PipeWriter(EventLoop loop, OutputStream out, String name) {
        super(loop, name);
        this.out = out;
        this.flow = new WriteFlowControl(loop);
    }

    PipeWriter start(Protocol protocol) {
        this.protocol = protocol;
        protocol.connectionMade(this);
        return this;
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
        flow.maybePause(buffered, protocol);
    }

    /** Starts the thread at the first write. */
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

    private void written(int n) {
        buffered -= n;
        flow.maybeResume(buffered, protocol);
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
        reportLost(error);
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
            closeUnused();
            return;
        }
        synchronized (lock) {
            closeRequested = true;
            lock.notifyAll();
        }
    }

    /**
     * Closes a pipe nothing was ever written to, on the loop thread: with nothing buffered, closing the write end
     * of a pipe does not block, so no thread is started for it ({@code communicate()} without input).
     */
    private void closeUnused() {
        Throwable error = null;
        try {
            out.close();
        } catch (IOException e) {
            error = e;
        }
        Throwable lostWith = error;
        loop.callSoon(() -> lost(lostWith));   // connectionLost comes in a later pass, as for every transport
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
        flow.setLimits(high, low, buffered, protocol);
    }

    @Override
    public int highWaterMark() {
        return flow.high();
    }

    @Override
    public int lowWaterMark() {
        return flow.low();
    }

    @Override
    public String toString() {
        return "<PipeWriter " + name + " buffered=" + buffered + (isClosing() ? " closing" : "") + ">";
    }
}
