package io.github.asyncio4j.net;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.ExceptionContext;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.LoopClock;
import io.github.asyncio4j.TimerHandle;
import io.github.asyncio4j.internal.WriteFlowControl;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;

/**
 * TLS over a {@link SocketTransport} ({@code asyncio.sslproto}): a {@link Protocol} to the socket (ciphertext in)
 * and a {@link Transport} to the application (plaintext out), with an {@link SSLEngine} in between. The engine is
 * pumped whenever bytes arrive or the application writes: handshake messages are wrapped and sent, records are
 * unwrapped and delivered, application data written before the handshake ends waits in {@code pending}.
 *
 * <p>The engine's delegated tasks (key exchange, certificate checks) run inline on the loop's thread: they are
 * CPU work, not blocking I/O. Closing sends close_notify after the buffered data; a close_notify from the peer is
 * EOF for the application (and this side then closes too: TLS connections are not half-closed, as in asyncio).
 * A handshake that takes longer than the timeout aborts the connection with a {@link SocketTimeoutException}.
 * Loop-confined.
 */
final class TlsTransport implements Transport, Protocol {
    private static final ByteBuffer[] NOTHING = {ByteBuffer.allocate(0)};

    private final EventLoop loop;
    private final SocketTransport net;
    private final SSLEngine engine;
    private final Duration handshakeTimeout;
    private Protocol app;

    private ByteBuffer netIn;   // received ciphertext, in write mode
    private ByteBuffer appIn;   // unwrapped plaintext, in write mode; delivered after every unwrap
    private ByteBuffer netOut;  // wrapped ciphertext, in write mode; handed to the socket when full or done

    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
    private long pendingBytes;
    private final WriteFlowControl flow;

    /** Done when the handshake succeeds (result) or fails (exception). */
    private final Future<Void> handshake;
    private TimerHandle handshakeTimer;
    private boolean handshakeDone;
    private boolean closing;
    private boolean lost;
    private boolean eofDelivered;
    private Throwable error;
    private boolean pumping;
    private boolean pumpAgain;
    /** The application protocol has been told connectionMade (or, for streams, was connected from the start). */
    private boolean appConnected;

    TlsTransport(EventLoop loop, SocketTransport net, SSLEngine engine, Duration handshakeTimeout) {
        this.loop = loop;
        this.net = net;
        this.engine = engine;
        this.handshakeTimeout = handshakeTimeout;
        this.handshake = loop.createFuture();
        this.flow = new WriteFlowControl(loop);
        SSLSession session = engine.getSession();
        this.netIn = ByteBuffer.allocate(session.getPacketBufferSize());
        this.appIn = ByteBuffer.allocate(session.getApplicationBufferSize());
        this.netOut = ByteBuffer.allocate(2 * session.getPacketBufferSize());
    }

    /** The handshake's outcome. */
    Future<Void> handshake() {
        return handshake;
    }

    /**
     * Connects the application protocol and starts the handshake. {@code connectedBefore}: the protocol already
     * stands for the connection (streams, STARTTLS) and gets {@code connectionLost} even if the handshake fails;
     * otherwise it is told {@code connectionMade} once the handshake is done, and nothing if it fails.
     */
    void start(Protocol app, boolean connectedBefore) {
        this.app = app;
        this.appConnected = connectedBefore;
        double seconds = LoopClock.seconds(handshakeTimeout);
        handshakeTimer = loop.callLater(seconds, () -> {
            if (!handshakeDone && !lost) {
                fail(new SocketTimeoutException("TLS handshake is taking longer than " + seconds
                        + " seconds: aborting the connection"));
                net.abort();
            }
        });
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            fail(e);
            return;
        }
        pump();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The engine pump

    private void pump() {
        if (pumping) {
            pumpAgain = true;
            return;
        }
        pumping = true;
        try {
            do {
                pumpAgain = false;
                pumpOnce();
            } while (pumpAgain);
        } catch (SSLException e) {
            fail(e);
        } catch (RuntimeException e) {
            fail(e);
        } finally {
            pumping = false;
        }
    }

    private void pumpOnce() throws SSLException {
        while (!lost && error == null) {
            boolean progress;
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                    progress = true;
                }
                case NEED_WRAP -> progress = wrap(NOTHING);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> progress = unwrap();
                default -> {   // NOT_HANDSHAKING (FINISHED is only ever reported by wrap/unwrap results)
                    if (!handshakeDone) {
                        handshakeFinished();
                    }
                    boolean flushed = flushPending();
                    progress = (netIn.position() > 0 && !engine.isInboundDone() && unwrap()) || flushed;
                }
            }
            if (!progress) {
                return;
            }
        }
    }

    private void handshakeFinished() {
        handshakeDone = true;
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
        }
        if (!handshake.isDone()) {
            handshake.setResult(null);
        }
        if (!appConnected) {
            appConnected = true;
            app.connectionMade(this);
        }
    }

    /**
     * Unwraps the received ciphertext and delivers the plaintext; returns whether anything moved. After the
     * handshake it takes every whole record there is, each delivered as it is unwrapped, and moves the rest to the
     * front of {@code netIn} once (not after each record: a large read holds many); during the handshake, one
     * record, the engine's status deciding what comes next.
     */
    private boolean unwrap() throws SSLException {
        netIn.flip();
        SSLEngineResult r;
        boolean progress = false;
        try {
            r = engine.unwrap(netIn, appIn);
            while (r.getStatus() == SSLEngineResult.Status.OK && r.bytesConsumed() > 0 && netIn.hasRemaining()
                    && r.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING && !lost && error == null) {
                progress = true;
                deliver();
                r = engine.unwrap(netIn, appIn);
            }
        } finally {
            netIn.compact();
        }
        progress |= r.bytesConsumed() > 0 || r.bytesProduced() > 0
                || r.getHandshakeStatus() == HandshakeStatus.FINISHED;
        switch (r.getStatus()) {
            case BUFFER_OVERFLOW -> {
                deliver();
                int size = engine.getSession().getApplicationBufferSize();
                if (appIn.capacity() < size) {
                    appIn = ByteBuffer.allocate(size);
                }
                progress = true;
            }
            case BUFFER_UNDERFLOW -> {
                int size = engine.getSession().getPacketBufferSize();
                if (netIn.capacity() < size) {
                    netIn = grow(netIn, size);
                }
            }
            case CLOSED -> {
                deliver();
                peerClosed();
                return false;
            }
            case OK -> deliver();
        }
        return progress;
    }

    private void deliver() {
        if (appIn.position() > 0) {
            appIn.flip();
            try {
                app.dataReceived(appIn);
            } finally {
                appIn.clear();
            }
        }
    }

    /** One or more wraps of {@code src} (nothing: handshake or close messages); sends the ciphertext. */
    private boolean wrap(ByteBuffer[] src) throws SSLException {
        int packet = engine.getSession().getPacketBufferSize();
        boolean progress = false;
        while (true) {
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                if (netOut.position() > 0) {
                    flushNetOut();
                } else {
                    netOut = ByteBuffer.allocate(Math.max(2 * netOut.capacity(), packet));
                }
                continue;
            }
            progress |= r.bytesConsumed() > 0 || r.bytesProduced() > 0
                    || r.getHandshakeStatus() == HandshakeStatus.FINISHED;
            boolean more = r.getStatus() == SSLEngineResult.Status.OK && r.bytesConsumed() > 0
                    && r.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING && hasRemaining(src);
            if (!more) {
                flushNetOut();
                return progress;
            }
            if (netOut.remaining() < packet) {
                flushNetOut();
            }
        }
    }

    private void flushNetOut() {
        if (netOut.position() > 0) {
            netOut.flip();
            net.write(netOut);   // the socket transport copies what it cannot send now
            netOut.clear();
        }
    }

    private static boolean hasRemaining(ByteBuffer[] buffers) {
        for (ByteBuffer b : buffers) {
            if (b.hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    private static ByteBuffer grow(ByteBuffer writeMode, int capacity) {
        ByteBuffer bigger = ByteBuffer.allocate(capacity);
        writeMode.flip();
        bigger.put(writeMode);
        return bigger;
    }

    /** Wraps the application data that waited for the handshake. */
    private boolean flushPending() throws SSLException {
        if (pending.isEmpty()) {
            return false;
        }
        boolean progress = wrap(pending.toArray(ByteBuffer[]::new));
        while (!pending.isEmpty() && !pending.peekFirst().hasRemaining()) {
            pending.pollFirst();
        }
        long left = 0;
        for (ByteBuffer b : pending) {
            left += b.remaining();
        }
        pendingBytes = left;
        maybeResumeApp();
        return progress;
    }

    private void peerClosed() {
        if (!handshakeDone) {
            fail(new SSLHandshakeException("Remote host closed the connection during the TLS handshake"));
            return;
        }
        if (!eofDelivered) {
            eofDelivered = true;
            app.eofReceived();
        }
        close();
    }

    /** A fatal error: remembered for connectionLost, reported if it is a bug, alert sent, socket closed. */
    private void fail(Throwable e) {
        if (error == null) {
            error = e;
        }
        if (!handshake.isDone()) {
            handshake.setException(e);
        }
        if (!(e instanceof IOException)) {
            loop.callExceptionHandler(new ExceptionContext("Fatal error on TLS transport", e, null, null));
        }
        closing = true;
        try {
            engine.closeOutbound();
            wrap(NOTHING);   // the alert or close_notify, if the engine has one
        } catch (SSLException | RuntimeException ignored) {
            // the connection is being torn down anyway
        }
        net.close();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Protocol: events from the socket

    @Override
    public void dataReceived(ByteBuffer data) {
        if (lost || error != null || engine.isInboundDone()) {
            return;
        }
        if (netIn.remaining() < data.remaining()) {
            netIn = grow(netIn, netIn.position() + data.remaining());
        }
        netIn.put(data);
        pump();
    }

    @Override
    public boolean eofReceived() {
        if (!handshakeDone) {
            fail(new SSLHandshakeException("Remote host terminated the TLS handshake"));
            return true;
        }
        if (!eofDelivered) {
            eofDelivered = true;   // EOF without close_notify: still the end of the stream, as asyncio sees it
            app.eofReceived();
        }
        close();
        return true;
    }

    @Override
    public void connectionLost(Throwable cause) {
        lost = true;
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
        }
        Throwable e = error != null ? error : cause;
        if (!handshake.isDone()) {
            handshake.setException(e != null ? e
                    : new SSLHandshakeException("Connection closed during the TLS handshake"));
        }
        if (appConnected) {
            app.connectionLost(e);
        }
    }

    @Override
    public void pauseWriting() {
        flow.pause(app);
    }

    @Override
    public void resumeWriting() {
        maybeResumeApp();
    }

    private void maybeResumeApp() {
        flow.maybeResume(getWriteBufferSize(), app);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Transport: the application's side

    @Override
    public void write(ByteBuffer data) {
        if (!data.hasRemaining()) {
            return;
        }
        if (closing || lost) {
            data.position(data.limit());
            return;
        }
        if (handshakeDone && pending.isEmpty() && !pumping) {
            try {
                wrap(new ByteBuffer[] {data});
            } catch (SSLException e) {
                fail(e);
                return;
            }
        }
        if (data.hasRemaining()) {
            ByteBuffer copy = ByteBuffer.allocate(data.remaining());
            copy.put(data).flip();
            pending.add(copy);
            pendingBytes += copy.remaining();
            pump();
        }
        flow.maybePause(getWriteBufferSize(), app);
    }

    @Override
    public void writeEof() {
        throw new UnsupportedOperationException("a TLS connection cannot be half-closed");
    }

    @Override
    public boolean canWriteEof() {
        return false;
    }

    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        if (lost) {
            return;
        }
        if (handshakeDone) {
            try {
                flushPending();
                engine.closeOutbound();
                wrap(NOTHING);   // close_notify
            } catch (SSLException e) {
                if (error == null) {
                    error = e;
                }
            }
        }
        net.close();
    }

    @Override
    public void abort() {
        closing = true;
        net.abort();
    }

    @Override
    public boolean isClosing() {
        return closing || lost;
    }

    @Override
    public void pauseReading() {
        net.pauseReading();
    }

    @Override
    public void resumeReading() {
        net.resumeReading();
    }

    @Override
    public boolean isReading() {
        return net.isReading();
    }

    @Override
    public long getWriteBufferSize() {
        return pendingBytes + net.getWriteBufferSize();
    }

    @Override
    public void setWriteBufferLimits(int high, int low) {
        net.setWriteBufferLimits(high, low);
        flow.setLimits(high, low, getWriteBufferSize(), app);
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
    public SocketAddress peerAddress() {
        return net.peerAddress();
    }

    @Override
    public SocketAddress localAddress() {
        return net.localAddress();
    }

    @Override
    public SSLSession sslSession() {
        return handshakeDone ? engine.getSession() : null;
    }

    @Override
    public String applicationProtocol() {
        String p = handshakeDone ? engine.getApplicationProtocol() : null;
        return p == null || p.isEmpty() ? null : p;
    }

    @Override
    public String toString() {
        return "<TlsTransport " + net + (handshakeDone ? "" : " handshaking") + ">";
    }
}
