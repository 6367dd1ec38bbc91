package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** No exception is lost: what nobody awaited is reported through the loop's exception handler. */
@Timeout(60)
class ErrorReportingTest {

    /** Runs the loop, collecting garbage, until {@code reports} has {@code n} entries (bounded, not timed). */
    private static void collectUntil(List<ExceptionContext> reports, int n) {
        for (int i = 0; i < 400 && reports.size() < n; i++) {
            System.gc();
            await(sleep(0.01));
        }
    }

    /** A few more rounds of collection, so that a wrong extra report would have the chance to show up. */
    private static void collectMore() {
        for (int i = 0; i < 10; i++) {
            System.gc();
            await(sleep(0.01));
        }
    }

    @Test
    void aFailedTaskNobodyAwaitedIsReportedWhenCollected() {
        List<ExceptionContext> reports = new CopyOnWriteArrayList<>();
        Async.run(Coroutine.of(() -> {
            Async.getRunningLoop().setExceptionHandler((loop, ctx) -> reports.add(ctx));
            Task<?> retrieved = createTask(Coroutine.of(() -> {
                throw new IllegalStateException("seen by someone");
            }));
            createTask(Coroutine.of(() -> {
                throw new IllegalStateException("nobody looked");
            }));
            await(sleep(0));
            assertThat(retrieved.exception()).hasMessage("seen by someone");
            retrieved = null;
            collectUntil(reports, 1);
            collectMore();
            return null;
        }));
        assertThat(reports).singleElement().satisfies(ctx -> {
            assertThat(ctx.message()).contains("exception was never retrieved");
            assertThat(ctx.exception()).hasMessage("nobody looked");
        });
    }

    @Test
    void debugModeReportsACoroutineThatWasNeverAwaited() {
        List<ExceptionContext> reports = new CopyOnWriteArrayList<>();
        Async.run(Coroutine.of(() -> {
            EventLoop loop = Async.getRunningLoop();
            loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
            loop.setDebug(true);
            Coroutine.of(() -> "forgotten"); // created, never awaited
            Async.await(Coroutine.of(() -> "awaited"));
            collectUntil(reports, 1);
            collectMore();
            return null;
        }));
        assertThat(reports).singleElement().satisfies(ctx -> {
            assertThat(ctx.message()).contains("was never awaited");
            assertThat(ctx.exception().getStackTrace()).isNotEmpty(); // where it was created
        });
    }

    @Test
    void debugModeReportsSlowCallbacks() {
        Logger logger = Logger.getLogger("io.github.asyncio4j");
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                warnings.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(h);
        try {
            try (EventLoop loop = EventLoop.create()) {
                loop.setDebug(true);
                loop.setSlowCallbackDuration(0.01);
                loop.callSoon(() -> {
                    long until = System.nanoTime() + 30_000_000;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                });
                loop.callSoon(loop::stop);
                loop.runForever();
            }
        } finally {
            logger.removeHandler(h);
        }
        assertThat(warnings).anySatisfy(w -> assertThat(w).startsWith("Executing Handle").contains("took"));
    }
}
