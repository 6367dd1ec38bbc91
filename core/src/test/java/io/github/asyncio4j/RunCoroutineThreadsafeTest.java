package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.runCoroutineThreadsafe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code Async.runCoroutineThreadsafe}: other threads submit coroutines to a running loop. */
@Timeout(60)
class RunCoroutineThreadsafeTest {

    @Test
    void theResultAndTheExceptionReachTheCompletableFuture() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            EventLoop loop = group.loop(0);
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            CompletableFuture<String> ok = runCoroutineThreadsafe(Coroutine.of(() -> {
                ranOn.set(io.github.asyncio4j.engine.CarrierLocal.carrierThread());
                await(Async.sleep(0));
                return "done";
            }), loop);
            assertThat(ok.get(30, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(ranOn.get().getName()).contains("loop-0");

            CompletableFuture<Object> failed = runCoroutineThreadsafe(Coroutine.of(() -> {
                throw new IllegalStateException("boom");
            }), loop);
            assertThatThrownBy(() -> failed.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class)
                    .hasRootCauseMessage("boom");
        }
    }

    @Test
    void cancellingTheCompletableFutureCancelsTheTask() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<String> sawCancel = new CompletableFuture<>();
            CompletableFuture<Void> cf = runCoroutineThreadsafe(Coroutine.of(() -> {
                Future<Void> never = Async.getRunningLoop().createFuture();
                started.countDown();
                try {
                    return never.await();
                } catch (CancelledError e) {
                    sawCancel.complete("cleanup ran");
                    throw e;
                }
            }), group.loop(0));
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(cf.cancel(true)).isTrue();
            assertThat(sawCancel.get(30, TimeUnit.SECONDS)).isEqualTo("cleanup ran");
        }
    }

    @Test
    void aTaskCancelledOnTheLoopCancelsTheCompletableFuture() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            CompletableFuture<Void> cf = runCoroutineThreadsafe(Coroutine.of(() -> {
                Async.currentTask().cancel();
                await(Async.sleep(0));   // the cancellation is raised here
                return null;
            }), group.loop(0));
            assertThatThrownBy(() -> cf.get(30, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
            assertThat(cf.isCancelled()).isTrue();
        }
    }

    @Test
    void manyThreadsSubmitAtOnceAndEveryTaskRunsOnTheLoopThread() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            EventLoop loop = group.loop(0);
            int threads = 8;
            int each = 200;
            List<CompletableFuture<Integer>> all = java.util.Collections.synchronizedList(new ArrayList<>());
            int[] counter = {0};   // touched only on the loop thread: no lock, no atomics
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> submitters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                submitters.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < each; i++) {
                        all.add(runCoroutineThreadsafe(Coroutine.of(() -> {
                            assertThat(loop.isOwnedByCaller()).isTrue();
                            await(Async.sleep(0));
                            return ++counter[0];
                        }), loop));
                    }
                }));
            }
            go.countDown();
            for (Thread t : submitters) {
                t.join();
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertThat(all).hasSize(threads * each);
            assertThat(all.stream().map(CompletableFuture::join).distinct().count()).isEqualTo(threads * each);
        }
    }

    @Test
    void aClosedOrStoppedLoopIsAClearError() {
        EventLoop notRunning = EventLoop.create();
        try {
            assertThatThrownBy(() -> runCoroutineThreadsafe(Coroutine.of(() -> 1), notRunning))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("not running");
        } finally {
            notRunning.close();
        }
        assertThatThrownBy(() -> runCoroutineThreadsafe(Coroutine.of(() -> 1), notRunning))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aSubmissionTheLoopNeverRanIsCancelledWhenTheLoopCloses() {
        EventLoop loop = EventLoop.create();
        Coroutine<Integer> coro = Coroutine.of(() -> 1);
        CompletableFuture<Integer> cf = new CompletableFuture<>();
        loop.callSoonThreadsafe(new Async.ThreadsafeSubmission<>(loop, coro, cf));
        loop.close();
        assertThat(cf.isCancelled()).isTrue();
        assertThat(coro.isClaimed()).isTrue();   // closed, so never reported as "never awaited"
    }
}
