package io.github.asyncio4j.junit;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.gatherReturnExceptions;
import static io.github.asyncio4j.Async.sleep;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.ExceptionContext;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.VirtualClock;
import java.util.ArrayList;
import java.util.List;

/**
 * One test's event loop, in debug mode: runs the test body as the loop's main coroutine, then checks that the
 * body left nothing behind. Invariant: every report that reaches the loop's exception handler while the test
 * runs, and every task still running when the body returns, becomes part of the test's failure.
 */
final class TestLoop {
    private static final int SETTLE_ATTEMPTS = 50;

    /** The test body, as JUnit hands it over. */
    @FunctionalInterface
    interface Body {
        /** Runs the test method. */
        void run() throws Throwable;
    }

    private final EventLoop loop;
    private final List<ExceptionContext> reports = new ArrayList<>();

    /** A fresh loop in debug mode; on an autojumping {@link VirtualClock} if {@code virtualTime}. */
    TestLoop(boolean virtualTime) {
        loop = virtualTime ? EventLoop.create(VirtualClock.autojumping()) : EventLoop.create();
        loop.setDebug(true);
        loop.setExceptionHandler((l, context) -> reports.add(context));
    }

    EventLoop loop() {
        return loop;
    }

    /**
     * Runs {@code body} as the main coroutine, then cancels what it left running, shuts the default executor down,
     * collects garbage so that never-awaited coroutines and never-retrieved exceptions are reported, and closes
     * the loop. Throws the body's own failure (with the leftovers as suppressed errors), or an
     * {@link AssertionError} listing the leftovers.
     */
    void run(Body body) throws Throwable {
        Throwable failure = null;
        List<String> problems = new ArrayList<>();
        try {
            try {
                loop.runUntilComplete(Coroutine.of(() -> {
                    runBody(body);
                    return null;
                }));
            } catch (Throwable t) {
                failure = t;
            }
            cancelLeftovers(problems);
            loop.runUntilComplete(loop.shutdownDefaultExecutor());
            collectGarbage();
            for (ExceptionContext report : reports) {
                problems.add(describe(report));
            }
        } catch (Throwable checkFailed) {
            if (failure == null) {
                throw checkFailed;
            }
            failure.addSuppressed(checkFailed);   // the body's own failure is never lost
            throw failure;
        } finally {
            loop.close();
        }
        if (problems.isEmpty()) {
            if (failure != null) {
                throw failure;
            }
            return;
        }
        AssertionError leftovers = new AssertionError("@AsyncioTest: " + String.join("\n", problems));
        for (ExceptionContext report : reports) {
            if (report.exception() != null) {
                leftovers.addSuppressed(report.exception());
            }
        }
        if (failure != null) {
            failure.addSuppressed(leftovers);
            throw failure;
        }
        throw leftovers;
    }

    private static void runBody(Body body) throws Exception {
        try {
            body.run();
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("the test threw a Throwable that is neither an Exception nor an Error", t);
        }
    }

    /** Tasks the body left running are a failure; they are cancelled, and what else they raise is reported. */
    private void cancelLeftovers(List<String> problems) {
        List<Task<?>> left = List.copyOf(loop.allTasks());
        if (left.isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>();
        for (Task<?> t : left) {
            names.add(t + " running " + t.getCoro());
            t.cancel();
        }
        problems.add("the test left " + left.size() + (left.size() == 1 ? " task" : " tasks") + " running: "
                + String.join(", ", names));
        List<Object> outcomes = loop.runUntilComplete(Coroutine.of(() -> await(gatherReturnExceptions(left))));
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i) instanceof Throwable e && !(e instanceof CancelledError)) {
                problems.add("task '" + left.get(i).getName() + "' raised " + e + " when cancelled");
            }
        }
    }

    /**
     * Lets the loop's cleaners report what the test dropped (never-awaited coroutines, never-retrieved
     * exceptions). Two rounds: each drops a sentinel coroutine and a sentinel failed future, then collects
     * garbage and runs the loop until both sentinels' reports have come through the same cleaners and the same
     * hand-off to the loop as everyone else's; the second round starts only after the first round's collection
     * was fully handed to the cleaners. Bounded ({@value #SETTLE_ATTEMPTS} collections a round); a report still
     * missed makes a test pass, never fail. The sentinels' reports are removed from {@link #reports}.
     */
    private void collectGarbage() throws InterruptedException {
        for (int round = 0; round < 2; round++) {
            loop.runUntilComplete(Coroutine.of(() -> {
                dropSentinels();
                return null;
            }));
            int seen = 0;
            for (int attempt = 0; attempt < SETTLE_ATTEMPTS && seen < 2; attempt++) {
                System.gc();
                Thread.sleep(attempt == 0 ? 1 : 20);    // the cleaner threads hand reports over with callSoonThreadsafe
                loop.runUntilComplete(sleep(0));
                seen += removeSentinelReports();
            }
        }
        Thread.sleep(1);
        loop.runUntilComplete(sleep(0));
    }

    /** A coroutine never awaited and a future whose exception is never retrieved, both dropped at once. */
    private void dropSentinels() {
        Coroutine.of(new SentinelBody());
        loop.<Void>createFuture().setException(new SentinelError());
    }

    private int removeSentinelReports() {
        int before = reports.size();
        reports.removeIf(r -> r.exception() instanceof SentinelError
                || r.message() != null && r.message().contains(SentinelBody.class.getName()));
        return before - reports.size();
    }

    /** The body of the sentinel coroutine; its name is in the never-awaited report. */
    private static final class SentinelBody implements java.util.concurrent.Callable<Void> {
        @Override
        public Void call() {
            return null;
        }
    }

    /** The exception of the sentinel future. */
    private static final class SentinelError extends RuntimeException {
        SentinelError() {
            super("asyncio4j-junit's garbage sentinel", null, false, false);
        }
    }

    /** One line per report, naming the coroutine by where it was created, or the task by its repr. */
    private static String describe(ExceptionContext report) {
        String message = report.message() == null ? "unhandled exception in the event loop" : report.message();
        StringBuilder b = new StringBuilder(message);
        if (report.future() != null && !message.contains(report.future().toString())) {
            b.append(" (").append(report.future()).append(')');
        }
        Throwable e = report.exception();
        if (e != null && message.contains("never awaited")) {
            StackTraceElement site = firstUserFrame(e);
            if (site != null) {
                b.append(", created at ").append(site);
            }
        } else if (e != null) {
            b.append(": ").append(e);
        }
        return b.toString();
    }

    /** The first frame outside asyncio4j's core and this extension: the user's code that made the coroutine. */
    private static StackTraceElement firstUserFrame(Throwable createdAt) {
        String core = "io.github.asyncio4j.";
        for (StackTraceElement f : createdAt.getStackTrace()) {
            String c = f.getClassName();
            boolean ours = c.startsWith(core) && c.indexOf('.', core.length()) < 0
                    || c.startsWith(core + "engine.")
                    || c.startsWith(TestLoop.class.getName()) || c.startsWith(AsyncioExtension.class.getName());
            if (!ours) {
                return f;
            }
        }
        return null;
    }
}
