package io.github.asyncio4j;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
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
     * @throws IllegalStateException if called from a running event loop
     */
    public static <T> T run(Coroutine<T> main) {
        Objects.requireNonNull(main, "main");
        if (EventLoop.running() != null) {
            throw new IllegalStateException(
                    "Async.run() cannot be called from a running event loop; await the coroutine instead");
        }
        EventLoop loop = EventLoop.create();
        try {
            return loop.runUntilComplete(main);
        } finally {
            try {
                cancelAllTasks(loop);
                loop.runUntilComplete(loop.shutdownDefaultExecutor());
            } finally {
                loop.close();
            }
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
        return () -> {
            Coroutine.requireAwaitContext("sleep()");
            if (seconds <= 0) {
                Coroutine.yieldTrap(Trap.YieldOnce.INSTANCE);
            } else {
                Coroutine.yieldTrap(new Trap.Sleep(System.nanoTime() * 1e-9 + seconds));
            }
            return null;
        };
    }

    public static Awaitable<Void> sleep(Duration duration) {
        return sleep(duration.toNanos() * 1e-9);
    }

    /** {@code asyncio.create_task(coro)}: schedules {@code coro} on the running loop. */
    public static <T> Task<T> createTask(Coroutine<T> coro) {
        return getRunningLoop().createTask(coro);
    }

    public static <T> Task<T> createTask(Coroutine<T> coro, String name) {
        return getRunningLoop().createTask(coro, name);
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
