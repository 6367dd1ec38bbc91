package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A bounded executor shutdown that names what is stuck; never-awaited coroutines reported without debug mode. */
@Timeout(60)
class ShutdownAndNeverAwaitedTest {

    @Test
    void aStuckToThreadJobDoesNotKeepRunFromReturningAndIsNamed() throws Exception {
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger("io.github.asyncio4j");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        CountDownLatch stuck = new CountDownLatch(1);
        String before = System.getProperty("asyncio4j.shutdownTimeout");
        System.setProperty("asyncio4j.shutdownTimeout", "0.2");
        try {
            String r = Async.run(Coroutine.of(() -> {
                Async.createTask(Async.toThread(() -> {
                    stuck.await();   // a DNS lookup that never answers
                    return null;
                }));
                await(sleep(0.01));
                return "main done";
            }));
            assertThat(r).isEqualTo("main done");
        } finally {
            stuck.countDown();
            logger.removeHandler(capture);
            if (before == null) {
                System.clearProperty("asyncio4j.shutdownTimeout");
            } else {
                System.setProperty("asyncio4j.shutdownTimeout", before);
            }
        }
        assertThat(logged).anySatisfy(rec -> assertThat(rec.getMessage())
                .contains("did not finish its jobs within PT0.2S")
                .contains("thread 'asyncio4j-executor-")
                .contains("CountDownLatch.await"));
    }

    @Test
    void theShutdownTimeoutPropertyIsChecked() {
        String before = System.getProperty("asyncio4j.shutdownTimeout");
        try {
            System.setProperty("asyncio4j.shutdownTimeout", "soon");
            assertThatThrownBy(EventLoop::shutdownTimeout).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("asyncio4j.shutdownTimeout").hasMessageContaining("'soon'");
            System.setProperty("asyncio4j.shutdownTimeout", "1.5");
            assertThat(EventLoop.shutdownTimeout()).isEqualTo(Duration.ofMillis(1500));
            System.clearProperty("asyncio4j.shutdownTimeout");
            assertThat(EventLoop.shutdownTimeout()).isEqualTo(Duration.ofSeconds(300));
        } finally {
            if (before == null) {
                System.clearProperty("asyncio4j.shutdownTimeout");
            } else {
                System.setProperty("asyncio4j.shutdownTimeout", before);
            }
        }
        EventLoop loop = EventLoop.create();
        try {
            assertThatThrownBy(() -> loop.shutdownDefaultExecutor(Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        } finally {
            loop.close();
        }
    }

    @Test
    void aNeverAwaitedCoroutineIsReportedOnceWithoutDebugMode() {
        List<ExceptionContext> reports = new CopyOnWriteArrayList<>();
        Async.run(Coroutine.of(() -> {
            EventLoop loop = Async.getRunningLoop();
            assertThat(loop.getDebug()).isFalse();
            loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
            Coroutine.of(() -> "forgotten");                    // created, never awaited
            Coroutine<String> later = Coroutine.of(() -> "awaited in a later iteration");
            await(Coroutine.of(() -> "awaited at once"));
            Async.createTask(Coroutine.of(() -> "a task")).await();
            await(sleep(0.001));
            assertThat(await(later)).isEqualTo("awaited in a later iteration");
            Coroutine.of(() -> "closed on purpose").close();    // closed: not a mistake
            for (int i = 0; i < 400 && reports.isEmpty(); i++) {
                System.gc();
                await(sleep(0.01));
            }
            for (int i = 0; i < 10; i++) {
                System.gc();
                await(sleep(0.01));
            }
            return null;
        }));
        assertThat(reports).singleElement().satisfies(ctx -> {
            assertThat(ctx.message()).contains("was never awaited").contains("-Dasyncio4j.debug=true");
            assertThat(ctx.exception()).isNull();
        });
    }

    @Test
    void manyCoroutinesInOneStepAreAllTracked() {
        List<ExceptionContext> reports = new CopyOnWriteArrayList<>();
        Async.run(Coroutine.of(() -> {
            Async.getRunningLoop().setExceptionHandler((l, ctx) -> reports.add(ctx));
            for (int i = 0; i < 10_000; i++) {
                Coroutine.of(() -> "forgotten");   // more than the fresh list holds: swept early
            }
            for (int i = 0; i < 400 && reports.size() < 10_000; i++) {
                System.gc();
                await(sleep(0.01));
            }
            return null;
        }));
        assertThat(reports).hasSize(10_000);
    }
}
