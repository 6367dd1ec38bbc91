package io.github.asyncio4j.process;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.ExceptionContext;
import io.github.asyncio4j.net.Protocol;
import io.github.asyncio4j.net.Transport;
import java.net.SocketAddress;
import javax.net.ssl.SSLSession;

/**
 * What a child's pipe transports share ({@code _UnixReadPipeTransport} and {@code _UnixWritePipeTransport} have
 * the same split): the loop, the pipe's name, the one bridging thread that blocks in the JDK's stream, the
 * hand-over of its results to the loop, and a pipe's lack of addresses and TLS.
 *
 * <p>Invariant: the protocol is called on the loop thread only; the bridging thread reaches it through
 * {@link #post}. A protocol whose {@code connectionLost} throws is reported to the loop's exception handler.
 */
abstract sealed class PipeTransport implements Transport permits PipeReader, PipeWriter {
    final EventLoop loop;
    final String name;
    /** Loop thread only. */
    Protocol protocol;
    /** The bridging thread, once started (loop thread only). */
    Thread thread;

    PipeTransport(EventLoop loop, String name) {
        this.loop = loop;
        this.name = name;
    }

    /** The bridging thread, or null if none was needed yet. */
    final Thread thread() {
        return thread;
    }

    /** From the bridging thread: runs {@code r} on the loop; false if the loop is closed (nobody is left). */
    final boolean post(Runnable r) {
        try {
            loop.callSoonThreadsafe(r);
            return true;
        } catch (IllegalStateException loopClosed) {
            return false;
        }
    }

    /** Tells the protocol the pipe is gone ({@code error} null for a clean end). */
    final void reportLost(Throwable error) {
        try {
            protocol.connectionLost(error);
        } catch (RuntimeException e) {
            loop.callExceptionHandler(new ExceptionContext("protocol.connectionLost() failed", e, null, null));
        }
    }

    /** A pipe has no peer address. */
    @Override
    public final SocketAddress peerAddress() {
        return null;
    }

    /** A pipe has no local address. */
    @Override
    public final SocketAddress localAddress() {
        return null;
    }

    /** A pipe is never TLS. */
    @Override
    public final SSLSession sslSession() {
        return null;
    }
}
