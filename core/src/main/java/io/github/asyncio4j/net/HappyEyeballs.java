package io.github.asyncio4j.net;

import io.github.asyncio4j.internal.Exceptions;
import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.TimerHandle;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Happy Eyeballs (RFC 8305), asyncio's {@code staggered_race} in {@code create_connection}: the addresses of a
 * host, their families interleaved (the resolver's first family first), are tried one after another; an attempt
 * starts when the one before has failed or has been pending for the delay, so a dead first address costs the
 * delay, not a TCP timeout. The first connection made wins; the others are cancelled and their sockets closed.
 * If every attempt fails, the first failure is thrown with the others attached as suppressed exceptions.
 * Cancelled, it cancels every attempt (closing their sockets).
 */
final class HappyEyeballs {
    private HappyEyeballs() {
    }

    /** {@code addresses} with address families alternating, each family in its own order (RFC 8305 section 4). */
    static List<InetSocketAddress> interleave(List<InetSocketAddress> addresses) {
        if (addresses.isEmpty()) {
            return addresses;
        }
        boolean firstIsV6 = addresses.get(0).getAddress() instanceof Inet6Address;
        List<InetSocketAddress> first = new ArrayList<>();
        List<InetSocketAddress> other = new ArrayList<>();
        for (InetSocketAddress a : addresses) {
            ((a.getAddress() instanceof Inet6Address) == firstIsV6 ? first : other).add(a);
        }
        List<InetSocketAddress> out = new ArrayList<>(addresses.size());
        for (int i = 0; i < Math.max(first.size(), other.size()); i++) {
            if (i < first.size()) {
                out.add(first.get(i));
            }
            if (i < other.size()) {
                out.add(other.get(i));
            }
        }
        return out;
    }

    /** Connects to one of {@code addresses} (in this order; see the class comment). */
    static SocketChannel connect(List<InetSocketAddress> addresses, StreamOptions options) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no addresses to connect to");
        }
        if (addresses.size() == 1) {
            return attempt(addresses.get(0), options);   // no race: no task
        }
        EventLoop loop = Async.getRunningLoop();
        double delay = options.happyEyeballsDelay().toNanos() * 1e-9;
        List<Task<SocketChannel>> attempts = new ArrayList<>(addresses.size());
        SocketChannel winner = null;
        try {
            int next = 0;
            int failed = 0;
            while (true) {
                if (next < addresses.size() && (next == 0 || failed == attempts.size())) {
                    start(loop, attempts, addresses.get(next++), options);   // the first, or all others failed
                }
                winner = firstSuccess(attempts);
                if (winner != null || (failed == attempts.size() && next == addresses.size())) {
                    break;
                }
                Future<Void> wake = loop.createFuture();
                boolean[] delayPassed = {false};
                TimerHandle timer = next < addresses.size()
                        ? loop.callLater(delay, () -> {
                            delayPassed[0] = true;
                            wakeUp(wake);
                        })
                        : null;
                java.util.function.Consumer<Future<SocketChannel>> onDone = done -> wakeUp(wake);
                for (Task<SocketChannel> t : attempts) {
                    t.addDoneCallback(onDone);
                }
                try {
                    await(wake);
                } finally {
                    if (timer != null) {
                        timer.cancel();
                    }
                    for (Task<SocketChannel> t : attempts) {
                        t.removeDoneCallback(onDone);
                    }
                }
                int nowFailed = (int) attempts.stream().filter(HappyEyeballs::failed).count();
                boolean newFailure = nowFailed > failed;
                failed = nowFailed;
                if (firstSuccess(attempts) == null && next < addresses.size() && failed < attempts.size()
                        && (delayPassed[0] || newFailure)) {
                    start(loop, attempts, addresses.get(next++), options);   // RFC 8305: on delay or failure
                }
            }
        } finally {
            for (Task<SocketChannel> t : attempts) {
                if (!t.isDone()) {
                    t.cancel();   // the attempt closes its own socket
                } else if (!failed(t) && t.result() != winner) {
                    Streams.closeQuietly(t.result());   // connected too, but lost the race
                }
            }
        }
        if (winner != null) {
            return winner;
        }
        Throwable first = attempts.get(0).exception();
        for (Task<SocketChannel> t : attempts.subList(1, attempts.size())) {
            first.addSuppressed(t.exception());
        }
        throw Exceptions.sneakyThrow(first);
    }

    private static void start(EventLoop loop, List<Task<SocketChannel>> attempts, InetSocketAddress address,
                              StreamOptions options) {
        attempts.add(loop.createTask(Coroutine.of(() -> attempt(address, options)), "happy eyeballs: " + address));
    }

    private static boolean failed(Task<SocketChannel> t) {
        return t.isDone() && (t.isCancelled() || t.exception() != null);
    }

    private static void wakeUp(Future<Void> wake) {
        if (!wake.isDone()) {
            wake.setResult(null);
        }
    }

    private static SocketChannel firstSuccess(List<Task<SocketChannel>> attempts) {
        for (Task<SocketChannel> t : attempts) {
            if (t.isDone() && !t.isCancelled() && t.exception() == null) {
                return t.result();
            }
        }
        return null;
    }

    /** One connection attempt, bounded by the options' connect timeout; closes its socket unless it succeeds. */
    static SocketChannel attempt(InetSocketAddress address, StreamOptions options) {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            if (options.tcpNoDelay()) {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            Duration timeout = options.connectTimeout();
            if (timeout == null) {
                await(Sockets.sockConnect(channel, address));
            } else {
                try {
                    await(Async.waitFor(Sockets.sockConnect(channel, address), timeout));
                } catch (TimeoutError e) {
                    SocketTimeoutException t = new SocketTimeoutException("connecting to " + address
                            + " timed out after " + timeout.toMillis() + " ms");
                    t.initCause(e);
                    throw t;
                }
            }
            return channel;
        } catch (Throwable e) {   // a failure, or CancelledError: the socket is ours to close
            Streams.closeQuietly(channel);
            throw Exceptions.sneakyThrow(e);
        }
    }
}
