package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.getRunningLoop;
import static io.github.asyncio4j.Async.sleep;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.ExceptionContext;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.TimerHandle;
import io.github.asyncio4j.engine.Engine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.StandardSocketOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** Helpers shared by the net tests. */
final class NetTesting {
    static final String HOST = "127.0.0.1";

    private NetTesting() {
    }

    /** Runs {@code body} as the main coroutine of a fresh loop. */
    static <T> T run(Callable<T> body) {
        return Async.run(Coroutine.of(body));
    }

    /**
     * Fixes {@code transport}'s kernel send buffer at 64 KiB, for a test that needs megabytes written to a peer that
     * does not read to stay in the transport's own buffer. Left to itself, Linux grows a socket's send buffer with
     * its congestion window, and starts a connection with the window it remembers for that destination
     * ({@code ip tcp_metrics}): after heavy loopback traffic (the echo benchmark), a fresh loopback socket took
     * 4 MiB at once and such tests failed on that machine until the entry was flushed.
     */
    static void fixSendBuffer(Transport transport) throws IOException {
        ((SocketTransport) transport).channel().setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
    }

    /** True on the fast (Continuation) engine: the fallback engine gets smaller workloads. */
    static boolean fastEngine() {
        return Engine.FAST;
    }

    /**
     * Awaits {@code awaitable} for at most {@code seconds}: on expiry the inner task is cancelled and
     * {@link TimeoutError} is thrown (a stand-in for {@code Async.waitFor}, built on callLater + cancel).
     */
    static <T> T withTimeout(double seconds, Awaitable<T> awaitable) {
        Task<T> inner = createTask(Coroutine.of(awaitable::await));
        boolean[] expired = {false};
        TimerHandle timer = getRunningLoop().callLater(seconds, () -> {
            expired[0] = true;
            inner.cancel();
        });
        try {
            return await(inner);
        } catch (CancelledError e) {
            if (expired[0]) {
                throw new TimeoutError("timed out after " + seconds + " s");
            }
            throw e;
        } finally {
            timer.cancel();
        }
    }

    /** Starts a task that runs {@code body}. */
    static <T> Task<T> spawn(Callable<T> body) {
        return createTask(Coroutine.of(body));
    }

    /** Lets the loop run a few iterations (callbacks scheduled with callSoon run in later iterations). */
    static void settle() {
        for (int i = 0; i < 5; i++) {
            await(Async.sleep(0));
        }
    }

    /** Collects what the running loop's exception handler is told. */
    static List<ExceptionContext> captureLoopErrors() {
        List<ExceptionContext> errors = new ArrayList<>();
        getRunningLoop().setExceptionHandler((loop, context) -> errors.add(context));
        return errors;
    }

    /** Open file descriptors of this JVM, or -1 where the platform does not say. */
    static long openFileDescriptors() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            return os.getOpenFileDescriptorCount();
        }
        return -1;
    }

    /** The sockets this process has open (Linux: the {@code socket:} entries of /proc/self/fd), or -1. */
    static long openSockets() {
        java.io.File[] fds = new java.io.File("/proc/self/fd").listFiles();
        if (fds == null) {
            return -1;
        }
        long n = 0;
        for (java.io.File fd : fds) {
            try {
                if (java.nio.file.Files.readSymbolicLink(fd.toPath()).toString().startsWith("socket:")) {
                    n++;
                }
            } catch (java.io.IOException | UnsupportedOperationException gone) {
                // closed while listed
            }
        }
        return n;
    }

    /**
     * Awaits, polling the loop a bounded number of times, until {@link #openSockets()} is {@code expected}, and
     * returns the last count: the JDK frees a socket that was registered with a selector only when the loop next
     * polls, and a loaded machine may need more than one poll.
     */
    static long awaitOpenSockets(long expected) {
        long n = openSockets();
        for (int i = 0; i < 200 && n != expected; i++) {
            await(sleep(0.005));
            n = openSockets();
        }
        return n;
    }

    /**
     * Connects to a closed server's {@code port} until the connection is refused, polling the loop a bounded number
     * of times, and returns the last failure (null if every attempt connected). The JDK frees a selector-registered
     * listener when the loop next polls; until then (a loaded machine may need more than one poll) a connection can
     * still land in the closing listener's backlog and be reset.
     */
    static Throwable awaitRefused(int port) {
        Throwable refused = null;
        for (int i = 0; i < 200 && !(refused instanceof java.net.ConnectException); i++) {
            await(sleep(0.005));
            try {
                await(Streams.openConnection(HOST, port)).writer().close();
                refused = null;
            } catch (Exception e) {   // await rethrows the connect's checked exception as is
                if (!(e instanceof java.net.SocketException)) {
                    throw new AssertionError("expected a refused or reset connection", e);
                }
                refused = e;
            }
        }
        return refused;
    }

    static long maxFileDescriptors() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            return os.getMaxFileDescriptorCount();
        }
        return -1;
    }

    static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}
