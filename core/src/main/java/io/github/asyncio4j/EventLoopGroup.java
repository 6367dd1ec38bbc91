package io.github.asyncio4j;

import io.github.asyncio4j.engine.CarrierLocal;
import io.github.asyncio4j.net.ConnectionHandler;
import io.github.asyncio4j.net.GroupServer;
import io.github.asyncio4j.net.StreamOptions;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Several event loops, each run by its own platform thread: how an asyncio4j program uses every core (Netty's
 * {@code EventLoopGroup}; in Python, one process per core). Work is spread by {@link #submit} (round robin over
 * the loops) and by {@link #startServer}, which serves each accepted connection on one of the loops.
 *
 * <p>Invariants: each loop runs on one thread for its whole life (the thread {@code asyncio4j-group-G-loop-I}),
 * so everything the loop owns stays single-threaded; a task runs on the loop that created it until it ends
 * (tasks never migrate); to hand work to another loop use {@link Async#runCoroutineThreadsafe} or
 * {@link EventLoop#callSoonThreadsafe}. Every public method is safe from any thread.
 *
 * <pre>{@code
 * try (var group = EventLoopGroup.create(Runtime.getRuntime().availableProcessors())) {
 *     CompletableFuture<String> r = group.submit(fetch(url));   // runs on one of the loops
 *     System.out.println(r.join());
 * }   // stops and joins every loop
 * }</pre>
 */
public final class EventLoopGroup implements AutoCloseable {
    private static final AtomicInteger GROUPS = new AtomicInteger();

    private final EventLoop[] loops;
    private final Thread[] threads;
    private final AtomicInteger nextIndex = new AtomicInteger();
    private final Object closeLock = new Object();
    private volatile boolean closed;

    private EventLoopGroup(int size) {
        int group = GROUPS.incrementAndGet();
        loops = new EventLoop[size];
        threads = new Thread[size];
        CountDownLatch running = new CountDownLatch(size);
        for (int i = 0; i < size; i++) {
            int index = i;
            threads[i] = Thread.ofPlatform().name("asyncio4j-group-" + group + "-loop-" + i).unstarted(() -> {
                EventLoop loop = EventLoop.create();
                loops[index] = loop;
                loop.callSoon(running::countDown);   // counted once the loop really runs
                try {
                    loop.runForever();
                } finally {
                    Async.finishLoop(loop, EventLoop.shutdownTimeout());
                }
            });
        }
        for (Thread t : threads) {
            t.start();
        }
        try {
            running.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting the event loop group", e);
        }
    }

    /**
     * Starts {@code loops} event loops, each on its own (non-daemon) thread, and returns when all of them run.
     *
     * @throws IllegalArgumentException if {@code loops} is not positive
     */
    public static EventLoopGroup create(int loops) {
        if (loops <= 0) {
            throw new IllegalArgumentException("an event loop group needs at least one loop, not " + loops);
        }
        return new EventLoopGroup(loops);
    }

    /** The number of loops. */
    public int size() {
        return loops.length;
    }

    /**
     * The {@code i}-th loop (from 0). Use it from other threads only through its thread-safe methods
     * ({@link EventLoop#callSoonThreadsafe}, {@link Async#runCoroutineThreadsafe}).
     *
     * @throws IndexOutOfBoundsException if {@code i} is not in {@code [0, size())}
     */
    public EventLoop loop(int i) {
        Objects.checkIndex(i, loops.length);
        return loops[i];
    }

    /** The loops, in index order. */
    public List<EventLoop> loops() {
        return List.of(loops);
    }

    /** The next loop in round-robin order. */
    public EventLoop next() {
        return loops[Math.floorMod(nextIndex.getAndIncrement(), loops.length)];
    }

    /**
     * Runs {@code coro} as a task on the {@link #next()} loop ({@link Async#runCoroutineThreadsafe}): cancelling
     * the returned future cancels the task.
     *
     * @throws IllegalStateException if the group is closed
     */
    public <T> CompletableFuture<T> submit(Coroutine<T> coro) {
        Objects.requireNonNull(coro, "coro");
        checkOpen();
        return Async.runCoroutineThreadsafe(coro, next());
    }

    /** {@link #startServer(ConnectionHandler, String, int, StreamOptions)} with the default options. */
    public CompletableFuture<GroupServer> startServer(ConnectionHandler handler, String host, int port) {
        return startServer(handler, host, port, StreamOptions.defaults());
    }

    /**
     * Starts a TCP server whose connections are served on the group's loops (each connection's handler task runs
     * on one loop for its whole life). By default one loop accepts and hands each connection to the next loop in
     * round-robin order; with {@link StreamOptions#withReusePort(boolean) withReusePort(true)} every loop has its
     * own listening socket on the same port and the kernel spreads the connections (Linux's {@code SO_REUSEPORT}).
     * See {@link GroupServer}.
     *
     * @throws IllegalStateException if the group is closed
     */
    public CompletableFuture<GroupServer> startServer(ConnectionHandler handler, String host, int port,
                                                      StreamOptions options) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        checkOpen();
        return GroupServer.start(List.of(loops), handler, host, port, options);
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops and joins every loop. Each loop first runs every callback handed to it before the close
     * ({@code callSoonThreadsafe}, {@code submit}), then, as {@link Async#run} does, cancels the tasks still
     * pending (their futures complete with a {@code CancellationException}), shuts its default executor down
     * (bounded by {@link EventLoop#shutdownTimeout()}) and closes. Idempotent.
     *
     * @throws IllegalStateException if called from one of the group's own loops (it would wait for itself)
     */
    @Override
    public void close() {
        Thread caller = CarrierLocal.carrierThread();   // a coroutine's thread is its loop's, on either engine
        for (Thread t : threads) {
            if (t == caller) {
                throw new IllegalStateException("an EventLoopGroup cannot be closed from one of its own loops");
            }
        }
        synchronized (closeLock) {
            if (!closed) {
                closed = true;
                for (EventLoop loop : loops) {
                    if (loop != null) {
                        loop.callSoonThreadsafeIfOpen(loop::stop);
                    }
                }
            }
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the event loop group is closed");
        }
    }

    @Override
    public String toString() {
        return "<EventLoopGroup size=" + loops.length + (closed ? " closed" : "") + ">";
    }
}
