package io.github.asyncio4j.process;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.net.Protocol;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The read end of a child's stdout or stderr as a {@link io.github.asyncio4j.net.Transport} ({@code _UnixReadPipeTransport}): a thread
 * blocks in {@code read()} and hands each chunk to the loop, which passes it to the protocol. Back-pressure: the
 * thread reads the next chunk only after the loop has delivered the previous one and only while reading is not
 * paused, so at most one chunk is in flight and a reader that stops reading stops the child's writes (its pipe
 * fills). The thread ends at EOF (the child and every process sharing the pipe closed it) or on a read error.
 */
final class PipeReader extends PipeTransport {
    private static final int CHUNK = 64 * 1024;

    private final InputStream in;
    private final Object lock = new Object();
    /** Guarded by lock. */
    private boolean inFlight;
    private boolean paused;
    private boolean closing;
    /** Loop thread only. */
    private boolean lost;

    PipeReader(EventLoop loop, InputStream in, String name) {
        super(loop, name);
        this.in = in;
    }

    /** Connects the protocol and starts the reading thread. */
    PipeReader start(Protocol protocol) {
        this.protocol = protocol;
        protocol.connectionMade(this);
        thread = PipeThreads.start(name, this::pump);
        return this;
    }

    private void pump() {
        byte[] buf = new byte[CHUNK];
        try {
            while (true) {
                synchronized (lock) {
                    while ((inFlight || paused) && !closing) {
                        lock.wait();
                    }
                    if (closing) {
                        return;
                    }
                }
                int n = in.read(buf);
                if (n < 0) {
                    post(this::eof);
                    return;
                }
                byte[] chunk = Arrays.copyOf(buf, n);
                synchronized (lock) {
                    inFlight = true;
                }
                if (!post(() -> deliver(chunk))) {
                    return;
                }
            }
        } catch (IOException e) {
            post(() -> lost(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                in.close();
            } catch (IOException ignored) {
                // the pipe is done either way
            }
        }
    }

    private void deliver(byte[] chunk) {
        synchronized (lock) {
            inFlight = false;
            lock.notifyAll();
        }
        if (!lost) {
            protocol.dataReceived(ByteBuffer.wrap(chunk));
        }
    }

    private void eof() {
        if (!lost) {
            protocol.eofReceived();
            lost(null);
        }
    }

    private void lost(Throwable error) {
        if (lost) {
            return;
        }
        lost = true;
        synchronized (lock) {
            closing = true;
            lock.notifyAll();
        }
        reportLost(error);
    }

    @Override
    public void write(ByteBuffer data) {
        throw new UnsupportedOperationException(name + " is a read-only pipe");
    }

    @Override
    public void writeEof() {
        throw new UnsupportedOperationException(name + " is a read-only pipe");
    }

    @Override
    public boolean canWriteEof() {
        return false;
    }

    /** Stops reading: the thread ends after its current read; the protocol is told the pipe is lost. */
    @Override
    public void close() {
        if (lost) {
            return;
        }
        synchronized (lock) {
            closing = true;
            lock.notifyAll();
        }
        lost(null);
    }

    @Override
    public void abort() {
        close();
    }

    @Override
    public boolean isClosing() {
        return lost;
    }

    @Override
    public void pauseReading() {
        synchronized (lock) {
            paused = true;
        }
    }

    @Override
    public void resumeReading() {
        synchronized (lock) {
            paused = false;
            lock.notifyAll();
        }
    }

    @Override
    public boolean isReading() {
        synchronized (lock) {
            return !paused && !closing;
        }
    }

    @Override
    public long getWriteBufferSize() {
        return 0;
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        throw new UnsupportedOperationException(name + " is a read-only pipe");
    }

    @Override
    public int highWaterMark() {
        return 0;
    }

    @Override
    public int lowWaterMark() {
        return 0;
    }

    @Override
    public String toString() {
        return "<PipeReader " + name + (lost ? " closed" : "") + ">";
    }
}
