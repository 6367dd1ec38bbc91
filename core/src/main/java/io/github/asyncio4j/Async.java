package io.github.asyncio4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Python's {@code asyncio} module: {@code import static io.github.asyncio4j.Async.*;} and write
 * {@code run(main())}, {@code await(sleep(0.1))}, {@code createTask(...)}, {@code gather(...)}.
 */
public final class Async {
    private Async() {
    }

    /**
     * {@code asyncio.run(main)}: runs {@code main} on a new event loop and returns its result; then cancels the
     * tasks it left behind (letting them run their cleanup), shuts the default executor down and closes the loop.
     *
     * <p>Ctrl-C, as Python 3.11's {@code asyncio.Runner}: while {@code main} runs, the first SIGINT cancels its task
     * (so its {@code finally} blocks and {@code catch (CancelledError e)} run, and {@code run} throws that
     * {@link CancelledError}, whose message says it was SIGINT); the handler is removed at once, so a second Ctrl-C
     * gets the JVM's default behaviour (exit status 130). The handler is installed through
     * {@link EventLoop#addSignalHandler}, so code in {@code main} may replace it on
     * {@link #getRunningLoop()}; it is not installed when another loop already handles SIGINT (a nested or
     * concurrent {@code run}) or when the JVM reserves the signal ({@code -Xrs}).
     *
     * <p>Shutdown is bounded: jobs still running in the default executor ({@link #toThread}) are waited for at
     * most {@link EventLoop#shutdownTimeout()} (300 s, or the system property {@code asyncio4j.shutdownTimeout}
     * in seconds), then a warning names them and their stacks, and {@code run} returns.
     *
     * @throws IllegalStateException if called from a running event loop
     */
    public static <T> T run(Coroutine<T> main) {
        return run(main, LoopClock.monotonic());
    }

    /**
     * {@link #run(Coroutine)} on a loop whose time runs on {@code clock}: {@code run(main, VirtualClock.autojumping())}
     * runs hours of timeouts and sleeps in no real time (tests).
     *
     * @throws IllegalStateException if called from a running event loop
     */
    public static <T> T run(Coroutine<T> main, LoopClock clock) {
        Objects.requireNonNull(main, "main");
        Objects.requireNonNull(clock, "clock");
        if (EventLoop.running() != null) {
            throw new IllegalStateException(
                    "Async.run() cannot be called from a running event loop; await the coroutine instead");
        }
        Duration shutdownTimeout = EventLoop.shutdownTimeout();
        EventLoop loop = EventLoop.create(clock);
        try {
            Task<T> task = loop.createTask(main);
            boolean handlesCtrlC = cancelOnCtrlC(loop, task);
            try {
                return loop.runUntilComplete(task);
            } finally {
                if (handlesCtrlC && !loop.isClosed()) {
                    loop.removeSignalHandler("INT");   // during shutdown, Ctrl-C gets the JVM's default at once
                }
            }
        } finally {
            finishLoop(loop, shutdownTimeout);
        }
    }

    /** The message of the {@link CancelledError} that {@link #run} throws after Ctrl-C. */
    static final String INTERRUPTED = "Async.run(): interrupted by SIGINT (Ctrl-C)";

    /** Installs {@link #run}'s SIGINT handler; false if it could not or should not be installed. */
    private static boolean cancelOnCtrlC(EventLoop loop, Task<?> main) {
        try {
            return loop.signals().addIfUnclaimed("INT", () -> {
                loop.removeSignalHandler("INT");   // the second Ctrl-C gets the JVM's default: exit 130
                main.cancel(INTERRUPTED);
            });
        } catch (IllegalArgumentException | LinkageError reservedOrNoJdkUnsupported) {
            return false;   // -Xrs, or a runtime image without jdk.unsupported: Ctrl-C keeps the JVM's default
        }
    }

    /**
     * The end of a loop's life, on its thread: cancels the tasks left (letting them clean up), closes the async
     * generators left open ({@link EventLoop#shutdownAsyncgens()}), shuts the default executor down waiting at most {@code shutdownTimeout}, and closes the loop. Used by {@link #run} and
     * {@link EventLoopGroup#close()}.
     */
    static void finishLoop(EventLoop loop, Duration shutdownTimeout) {
        try {
            for (int round = 0; round < 10 && !loop.allTasks().isEmpty(); round++) {
                cancelAllTasks(loop);   // again if cleanup (or a late callSoonThreadsafe) started new tasks
            }
            loop.runUntilComplete(loop.shutdownAsyncgens());
            loop.runUntilComplete(loop.shutdownDefaultExecutor(shutdownTimeout));
        } finally {
            loop.close();
        }
    }

    private static void cancelAllTasks(EventLoop loop) {
        Set<Task<?>> tasks = loop.allTasks();
        if (tasks.isEmpty()) {
            return;
        }
        for (Task<?> t : tasks) {
            t.cancel();
        }
        loop.runUntilComplete(Coroutine.of(() -> {
            for (Task<?> t : tasks) {
                try {
                    t.await();
                } catch (Throwable expected) {
                    // reported below
                }
            }
            return null;
        }));
        for (Task<?> t : tasks) {
            if (!t.isCancelled() && t.peekException() != null) {
                loop.callExceptionHandler(new ExceptionContext(
                        "unhandled exception during Async.run() shutdown", t.exception(), t, null));
            }
        }
    }

    /** {@code await x}: same as {@code awaitable.await()}. */
    public static <T> T await(Awaitable<T> awaitable) {
        return awaitable.await();
    }

    /** {@code asyncio.sleep(seconds)}: an awaitable that suspends the task; 0 (or less) yields once. */
    public static Awaitable<Void> sleep(double seconds) {
        if (Double.isNaN(seconds)) {
            throw new IllegalArgumentException("sleep(NaN)");
        }
        return seconds <= 0 ? Sleep.YIELD : new Sleep(seconds);
    }

    /**
     * {@link #sleep}'s awaitable: one trap. A class, not a lambda, so that a compiled coroutine yields its trap
     * itself ({@code GeneratorStateMachine.beginAwait}); {@code sleep(0)} is one shared instance.
     */
    static final class Sleep implements Awaitable<Void> {
        static final Sleep YIELD = new Sleep(0);
        private final double seconds;

        private Sleep(double seconds) {
            this.seconds = seconds;
        }

        @Override
        public Void await() {
            if (seconds <= 0) {
                Coroutine.awaitTrap("sleep()", Trap.YieldOnce.INSTANCE);
            } else {
                Coroutine.requireAwaitContext("sleep()");   // before the clock is read, as before
                Coroutine.yieldTrap(trap());
            }
            return null;
        }

        /** The trap: the next iteration, or the deadline on the running loop's clock. */
        Trap trap() {
            if (seconds <= 0) {
                return Trap.YieldOnce.INSTANCE;
            }
            // A coroutine driven by hand (no loop) has no loop clock: its deadline is on the monotonic one.
            EventLoop loop = EventLoop.running();
            double now = loop != null ? loop.time() : LoopClock.seconds(LoopClock.monotonic().nanoTime());
            return new Trap.Sleep(now + seconds);
        }
    }

    /** {@link #sleep(double)} with a {@link Duration}. */
    public static Awaitable<Void> sleep(Duration duration) {
        return sleep(LoopClock.seconds(duration));
    }

    /** {@code asyncio.create_task(coro)}: schedules {@code coro} on the running loop. */
    public static <T> Task<T> createTask(Coroutine<T> coro) {
        return getRunningLoop().createTask(coro);
    }

    /** {@code asyncio.create_task(coro, name=name)}: like {@link #createTask(Coroutine)}, with a task name. */
    public static <T> Task<T> createTask(Coroutine<T> coro, String name) {
        return getRunningLoop().createTask(coro, name);
    }

    /** {@code asyncio.ensure_future}: a future as it is; a coroutine (or other awaitable) wrapped in a new task. */
    public static <T> Future<T> ensureFuture(Awaitable<T> awaitable) {
        return getRunningLoop().ensureFuture(Objects.requireNonNull(awaitable, "awaitable"));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Combinators: gather, waitFor, wait, asCompleted, shield, timeouts

    /**
     * {@code asyncio.gather(*aws)}: runs the awaitables concurrently (coroutines become tasks) and completes with
     * their results in argument order. The first failure completes it with that exception (the others keep
     * running). A child cancelled from elsewhere completes it with that {@link CancelledError} as its exception
     * ({@code isCancelled()} is false), as in asyncio. Cancelling the returned future cancels every child, and the
     * gather ends cancelled ({@code isCancelled()} true) once a child reports its cancellation; asyncio sets a
     * {@code CancelledError} as the exception instead. Awaiting it raises {@code CancelledError} either way.
     */
    @SafeVarargs
    public static <T> Future<List<T>> gather(Awaitable<? extends T>... awaitables) {
        return gather(Arrays.asList(awaitables));
    }

    /** {@link #gather(Awaitable[])} over a list. */
    public static <T> Future<List<T>> gather(List<? extends Awaitable<? extends T>> awaitables) {
        return gatherAll(awaitables, false);
    }

    /**
     * {@code asyncio.gather(*aws, return_exceptions=True)}: like {@link #gather(Awaitable[])}, but a child's
     * exception (or {@link CancelledError}) takes its place in the results instead of failing the whole.
     */
    public static Future<List<Object>> gatherReturnExceptions(Awaitable<?>... awaitables) {
        return gatherReturnExceptions(Arrays.asList(awaitables));
    }

    /** {@link #gatherReturnExceptions(Awaitable[])} over a list. */
    public static Future<List<Object>> gatherReturnExceptions(List<? extends Awaitable<?>> awaitables) {
        return gatherAll(awaitables, true);
    }

    private static <T> Future<List<T>> gatherAll(List<? extends Awaitable<?>> awaitables, boolean returnExceptions) {
        Objects.requireNonNull(awaitables, "awaitables");
        EventLoop loop = getRunningLoop();
        if (awaitables.isEmpty()) {
            Future<List<T>> f = loop.createFuture();
            f.setResult(List.of());
            return f;
        }
        Map<Awaitable<?>, Future<?>> futures = new IdentityHashMap<>();
        List<Future<?>> children = new ArrayList<>(awaitables.size());
        for (Awaitable<?> a : awaitables) {
            children.add(futures.computeIfAbsent(Objects.requireNonNull(a, "awaitable"), loop::ensureFuture));
        }
        return new GatheringFuture<>(loop, children, returnExceptions);
    }

    /**
     * {@code asyncio.wait_for(aw, timeout)}: awaits {@code awaitable}; if {@code timeout} passes first, the work
     * is cancelled: inside it, the await in progress raises {@link CancelledError} (so its cleanup runs; an awaited
     * task or future is allowed to finish cancelling), and the caller gets {@link TimeoutError}. As in asyncio
     * 3.12: if the work ends with an exception of its own while being cancelled, that exception is raised; if it
     * catches the cancellation and returns a value, the value is returned. The deadline is level-triggered (see
     * {@link Timeout}): after it, every await of the work that suspends raises {@code CancelledError}, so a
     * {@code catch (Throwable)} in the work costs at most one more await. A real cancellation of the caller stays a
     * {@code CancelledError}. A null timeout waits forever; zero or less gives it no time: a future not done yet
     * is cancelled at once.
     */
    public static <T> Coroutine<T> waitFor(Awaitable<T> awaitable, Duration timeout) {
        Objects.requireNonNull(awaitable, "awaitable");
        return Coroutine.of(() -> {
            if (timeout == null) {
                return awaitable.await();
            }
            EventLoop loop = getRunningLoop();
            if (timeout.isNegative() || timeout.isZero()) {
                Future<T> f = loop.ensureFuture(awaitable);
                if (!f.isDone()) {
                    f.cancel();
                    awaitDone(f);
                }
                try {
                    return f.result();
                } catch (CancelledError e) {
                    TimeoutError t = new TimeoutError("waitFor(): timeout " + timeout + " left no time");
                    t.initCause(e);
                    throw t;
                }
            }
            String message = "waitFor(): timed out after " + timeout;
            double deadline = loop.time() + LoopClock.seconds(timeout);
            Timeout scope = new Timeout(currentTaskOrFail("waitFor()"), deadline, message, true);
            try (scope) {
                return awaitable.await();   // a value or an exception of the inner work wins, as in asyncio 3.12
            } catch (CancelledError e) {
                if (scope.reportsTimeout()) {
                    throw new TimeoutError(message, e);
                }
                throw e;
            }
        });
    }

    /** Suspends until {@code f} is done, without raising its exception or cancellation. */
    private static void awaitDone(Future<?> f) {
        if (f.isDone()) {
            return;
        }
        Future<Void> done = f.getLoop().createFuture();
        Consumer<Future<?>> wake = x -> {
            if (!done.isDone()) {
                done.setResult(null);
            }
        };
        f.addDoneCallback(wake);
        try {
            done.await();
        } finally {
            f.removeDoneCallback(wake);
        }
    }

    /** {@code asyncio.wait(fs)}: waits until every future is done; see {@link #wait(Collection, Duration, ReturnWhen)}. */
    public static <F extends Future<?>> Coroutine<WaitResult<F>> wait(Collection<? extends F> futures) {
        return wait(futures, null, ReturnWhen.ALL_COMPLETED);
    }

    /** {@code asyncio.wait(fs, return_when=...)} without a timeout. */
    public static <F extends Future<?>> Coroutine<WaitResult<F>> wait(Collection<? extends F> futures,
                                                                      ReturnWhen returnWhen) {
        return wait(futures, null, returnWhen);
    }

    /**
     * {@code asyncio.wait(fs, timeout, return_when)}: waits until {@code returnWhen} holds or {@code timeout}
     * (null: none) passes, and returns the futures split into done and pending. Raises nothing on timeout and
     * cancels nothing. (With {@code import static Async.*}, call it as {@code Async.wait(...)}: Java resolves a
     * bare {@code wait} to {@code Object.wait}.)
     * @throws IllegalArgumentException if {@code futures} is empty or holds a future of another loop
     */
    public static <F extends Future<?>> Coroutine<WaitResult<F>> wait(Collection<? extends F> futures,
                                                                      Duration timeout, ReturnWhen returnWhen) {
        Objects.requireNonNull(futures, "futures");
        Objects.requireNonNull(returnWhen, "returnWhen");
        if (futures.isEmpty()) {
            throw new IllegalArgumentException("wait() needs at least one future");
        }
        List<F> fs = List.copyOf(new LinkedHashSet<F>(futures));
        return Coroutine.of(() -> {
            EventLoop loop = getRunningLoop();
            int pending = 0;
            boolean satisfied = false;
            for (F f : fs) {
                if (f.getLoop() != loop) {
                    throw new IllegalArgumentException("wait(): the future is attached to a different loop: " + f);
                }
                if (!f.isDone()) {
                    pending++;
                } else if (returnWhen == ReturnWhen.FIRST_COMPLETED
                        || (returnWhen == ReturnWhen.FIRST_EXCEPTION && failed(f))) {
                    satisfied = true;
                }
            }
            if (pending > 0 && !satisfied) {
                waitUntil(loop, fs, pending, timeout, returnWhen);
            }
            Set<F> done = new LinkedHashSet<>();
            Set<F> notDone = new LinkedHashSet<>();
            for (F f : fs) {
                (f.isDone() ? done : notDone).add(f);
            }
            return new WaitResult<>(done, notDone);
        });
    }

    private static boolean failed(Future<?> f) {
        return !f.isCancelled() && f.exception() != null;
    }

    private static void waitUntil(EventLoop loop, List<? extends Future<?>> fs, int pending, Duration timeout,
                                  ReturnWhen returnWhen) {
        Future<Void> waiter = loop.createFuture();
        int[] remaining = {pending};
        Consumer<Future<?>> onDone = f -> {
            remaining[0]--;
            if (remaining[0] == 0 || returnWhen == ReturnWhen.FIRST_COMPLETED
                    || (returnWhen == ReturnWhen.FIRST_EXCEPTION && failed(f))) {
                if (!waiter.isDone()) {
                    waiter.setResult(null);
                }
            }
        };
        for (Future<?> f : fs) {
            if (!f.isDone()) {
                f.addDoneCallback(onDone);
            }
        }
        TimerHandle timer = timeout == null ? null : loop.callLater(LoopClock.seconds(timeout), () -> {
            if (!waiter.isDone()) {
                waiter.setResult(null);
            }
        });
        try {
            waiter.await();
        } finally {
            if (timer != null) {
                timer.cancel();
            }
            for (Future<?> f : fs) {
                f.removeDoneCallback(onDone);
            }
        }
    }

    /**
     * {@code asyncio.as_completed(aws)}: starts the awaitables (coroutines become tasks) and returns one awaitable
     * per distinct future; awaiting them in turn gives the results in the order they arrive:
     * {@code for (var next : asCompleted(tasks)) { use(await(next)); }}.
     */
    public static <T> List<Awaitable<T>> asCompleted(Collection<? extends Awaitable<? extends T>> awaitables) {
        return asCompleted(awaitables, null);
    }

    /** {@link #asCompleted(Collection)} with a deadline: awaits after it passes raise {@link TimeoutError}. */
    public static <T> List<Awaitable<T>> asCompleted(Collection<? extends Awaitable<? extends T>> awaitables,
                                                     Duration timeout) {
        Objects.requireNonNull(awaitables, "awaitables");
        double t = timeout == null ? Double.POSITIVE_INFINITY : LoopClock.seconds(timeout);
        return new AsCompleted<T>(getRunningLoop(), awaitables, t).awaitables();
    }

    /**
     * {@code asyncio.shield(aw)}: a future that follows {@code awaitable} but whose cancellation does not reach it:
     * cancelling the awaiting task cancels only the shield, and the work goes on.
     */
    public static <T> Future<T> shield(Awaitable<T> awaitable) {
        EventLoop loop = getRunningLoop();
        Future<T> inner = loop.ensureFuture(Objects.requireNonNull(awaitable, "awaitable"));
        if (inner.isDone()) {
            return inner;
        }
        Future<T> outer = new Shield<>(loop, inner);
        Consumer<Future<T>> copy = f -> {
            if (outer.isCancelled()) {
                if (!f.isCancelled()) {
                    f.exception();   // the shield's owner gave up on it: not "never retrieved"
                }
            } else if (f.isCancelled()) {
                outer.cancel();
            } else if (f.exception() != null) {
                outer.setException(f.exception());
            } else {
                outer.setResult(f.result());
            }
        };
        inner.addDoneCallback(copy);
        outer.addDoneCallback(o -> {
            if (!inner.isDone()) {
                inner.removeDoneCallback(copy);
            }
        });
        return outer;
    }

    /** The future {@link #shield} returns; it knows what it shields, for the await tree. */
    static final class Shield<T> extends Future<T> {
        final Future<T> inner;

        Shield(EventLoop loop, Future<T> inner) {
            super(loop);
            this.inner = inner;
        }
    }

    /**
     * {@code asyncio.timeout(delay)}: a scope that raises {@link TimeoutError} in the running task's block when
     * {@code delay} passes, and {@link CancelledError} at every later await inside it, so that a swallowing
     * {@code catch (Exception)} cannot stretch the deadline (null: no deadline, see {@link Timeout#reschedule}):
     * {@code try (var t = timeout(Duration.ofSeconds(1))) { ... }}.
     * @throws IllegalStateException outside a running task
     */
    public static Timeout timeout(Duration delay) {
        if (delay == null) {
            return timeoutAt(Double.POSITIVE_INFINITY);
        }
        EventLoop loop = getRunningLoop();
        return timeoutAt(loop.time() + LoopClock.seconds(delay), "timeout(" + delay + ") expired");
    }

    /** {@code asyncio.timeout_at(when)}: like {@link #timeout(Duration)}, with a deadline in loop time. */
    public static Timeout timeoutAt(double when) {
        return timeoutAt(when, "timeoutAt(" + when + ") expired");
    }

    private static Timeout timeoutAt(double when, String message) {
        return new Timeout(currentTaskOrFail("a timeout scope"), when, message, false);
    }

    private static Task<?> currentTaskOrFail(String what) {
        Task<?> task = getRunningLoop().currentTask();
        if (task == null) {
            throw new IllegalStateException(what + " must be entered inside a running task");
        }
        return task;
    }

    /** The task whose step is running, or null outside any task. @throws IllegalStateException if no loop runs */
    public static Task<?> currentTask() {
        return getRunningLoop().currentTask();
    }

    /** The running loop's tasks that are not done yet. */
    public static Set<Task<?>> allTasks() {
        return getRunningLoop().allTasks();
    }

    /** The event loop running on this thread. @throws IllegalStateException if there is none */
    public static EventLoop getRunningLoop() {
        EventLoop loop = EventLoop.running();
        if (loop == null) {
            throw new IllegalStateException("no running event loop");
        }
        return loop;
    }

    /**
     * {@code asyncio.to_thread(fn)}: a coroutine that runs the blocking {@code fn} on the loop's default executor,
     * with a copy of the caller's {@link ContextVar} values, and returns its result.
     */
    public static <T> Coroutine<T> toThread(Callable<T> fn) {
        Objects.requireNonNull(fn, "fn");
        return Coroutine.of(() -> {
            EventLoop loop = getRunningLoop();
            Context context = ContextVar.current().copy();
            return loop.runInExecutor(null, () -> ContextVar.callIn(context, fn)).await();
        });
    }

    /**
     * {@code asyncio.wrap_future}: a loop future that follows {@code cf} (completed on the loop's thread);
     * cancelling the loop future cancels {@code cf}.
     */
    public static <T> Future<T> wrapFuture(CompletableFuture<T> cf) {
        Objects.requireNonNull(cf, "future");
        EventLoop loop = getRunningLoop();
        Future<T> f = loop.createFuture();
        cf.whenComplete((value, error) -> {
            if (loop.isClosed()) {
                return;
            }
            loop.callSoonThreadsafe(() -> {
                if (f.isDone()) {
                    return;
                }
                if (cf.isCancelled()) {
                    f.cancel();
                } else if (error != null) {
                    f.setException(unwrap(error));
                } else {
                    f.setResult(value);
                }
            });
        });
        f.addDoneCallback(done -> {
            if (done.isCancelled()) {
                cf.cancel(true);
            }
        });
        return f;
    }

    /**
     * {@code asyncio.run_coroutine_threadsafe(coro, loop)}: schedules {@code coro} as a task on {@code loop} from
     * any thread (a servlet, a JDBC pool, another loop) and returns a {@link CompletableFuture} of its result.
     * Cancellation goes both ways: cancelling the returned future cancels the task (its coroutine sees
     * {@link CancelledError} at its await point), and a task that ends cancelled completes the future with a
     * {@link CancellationException}. The task's exception completes the future exceptionally.
     *
     * <p>The loop must be running (on its own thread, e.g. one of an {@link EventLoopGroup}); the task is created
     * in the loop's next iteration. If the loop stops and closes before then, the future is cancelled.
     *
     * @throws IllegalStateException if {@code loop} is closed or not running
     */
    public static <T> CompletableFuture<T> runCoroutineThreadsafe(Coroutine<T> coro, EventLoop loop) {
        Objects.requireNonNull(coro, "coro");
        Objects.requireNonNull(loop, "loop");
        if (loop.isClosed()) {
            throw new IllegalStateException("runCoroutineThreadsafe(): the event loop is closed: " + loop);
        }
        if (!loop.isRunning()) {
            throw new IllegalStateException("runCoroutineThreadsafe(): the event loop is not running (run it on "
                    + "its own thread, e.g. with an EventLoopGroup): " + loop);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.callSoonThreadsafe(new ThreadsafeSubmission<>(loop, coro, result));
        return result;
    }

    /** The loop-side half of {@link #runCoroutineThreadsafe}: makes the task and chains it to the future. */
    record ThreadsafeSubmission<T>(EventLoop loop, Coroutine<T> coro, CompletableFuture<T> result)
            implements Runnable, EventLoop.Abandonable {
        @Override
        public void run() {
            Task<T> task = loop.createTask(coro);
            task.addDoneCallback(t -> {
                if (t.isCancelled()) {
                    result.cancel(false);
                } else if (t.peekException() != null) {
                    result.completeExceptionally(t.exception());
                } else {
                    result.complete(t.result());
                }
            });
            result.whenComplete((value, error) -> {
                if (result.isCancelled() && !task.isDone()) {
                    if (loop.isOwnedByCaller()) {
                        task.cancel();
                    } else {
                        loop.callSoonThreadsafeIfOpen(task::cancel);
                    }
                }
            });
        }

        @Override
        public void abandon() {
            result.cancel(false);
            coro.close();
        }

        @Override
        public String toString() {
            return "runCoroutineThreadsafe(" + coro + ")";
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof CancellationException c) {
            return new CancelledError(c.getMessage());
        }
        return t;
    }
}
