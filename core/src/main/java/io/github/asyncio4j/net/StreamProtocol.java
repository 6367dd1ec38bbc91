package io.github.asyncio4j.net;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.internal.Exceptions;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The protocol behind a {@link StreamReader}/{@link StreamWriter} pair ({@code StreamReaderProtocol} with
 * {@code FlowControlMixin}): feeds received bytes and EOF to the reader, keeps the write-side pause state that
 * {@link StreamWriter#drain()} waits on, and completes the closed future. Loop-confined.
 */
final class StreamProtocol implements Protocol {
    private final EventLoop loop;
    private final StreamReader reader;
    private final boolean overTls;
    /** Done when the connection is lost: a result for an orderly close, else the error. */
    final Future<Void> closed;
    private final List<Future<Void>> drainWaiters = new ArrayList<>(1);
    private boolean paused;
    private boolean lost;
    private Throwable lostWith;
    private Runnable onLost;

    StreamProtocol(EventLoop loop, StreamReader reader, boolean overTls) {
        this.loop = loop;
        this.reader = reader;
        this.overTls = overTls;
        this.closed = loop.createFuture();
    }

    /** Runs {@code hook} after the connection is lost (a server's bookkeeping). */
    void onLost(Runnable hook) {
        this.onLost = hook;
    }

    boolean isLost() {
        return lost;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        reader.feedData(data);
    }

    @Override
    public boolean eofReceived() {
        reader.feedEof();
        return !overTls;   // plain TCP may stay half-open so the writer can go on; TLS closes
    }

    @Override
    public void connectionLost(Throwable error) {
        lost = true;
        lostWith = error;
        if (error == null) {
            reader.feedEof();
        } else {
            reader.setException(error);
        }
        if (!closed.isDone()) {
            if (error == null) {
                closed.setResult(null);
            } else {
                closed.setException(error);
                closed.exception();   // the error also reaches the reader and drain: no "never retrieved" report
            }
        }
        for (Future<Void> w : List.copyOf(drainWaiters)) {
            if (!w.isDone()) {
                if (error == null) {
                    w.setResult(null);
                } else {
                    w.setException(error);
                }
            }
        }
        Runnable hook = onLost;
        if (hook != null) {
            hook.run();
        }
    }

    @Override
    public void pauseWriting() {
        paused = true;
    }

    @Override
    public void resumeWriting() {
        paused = false;
        for (Future<Void> w : List.copyOf(drainWaiters)) {
            if (!w.isDone()) {
                w.setResult(null);
            }
        }
    }

    /** Waits while writing is paused; throws the connection's error once it is lost. */
    void drainHelper() {
        if (lost) {
            throw Exceptions.sneakyThrow(lostWith != null ? lostWith : new SocketException("Connection lost"));
        }
        if (!paused) {
            return;
        }
        Future<Void> w = loop.createFuture();
        drainWaiters.add(w);
        try {
            w.await();
        } finally {
            drainWaiters.remove(w);
        }
    }
}
