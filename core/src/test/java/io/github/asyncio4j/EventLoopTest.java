package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EventLoopTest {
    EventLoop loop;

    @BeforeEach
    void setUp() {
        loop = EventLoop.create(VirtualClock.autojumping());
    }

    @AfterEach
    void tearDown() {
        if (!loop.isClosed() && !loop.isRunning()) {
            loop.close();
        }
    }

    @Test
    void callSoonRunsCallbacksInFifoOrder() {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            loop.callSoon(() -> order.add(n));
        }
        loop.callSoon(loop::stop);
        loop.runForever();
        assertThat(order).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void callbacksScheduledDuringAnIterationRunInTheNextOne() {
        List<String> order = new ArrayList<>();
        loop.callSoon(() -> {
            order.add("a");
            loop.callSoon(() -> order.add("scheduled by a"));
            loop.stop(); // stop ends the loop after this iteration: what a schedules must not run yet
        });
        loop.callSoon(() -> order.add("b"));
        loop.runForever();
        assertThat(order).containsExactly("a", "b");
        loop.callSoon(loop::stop);
        loop.runForever();
        assertThat(order).containsExactly("a", "b", "scheduled by a");
    }

    @Test
    void timersFireInDeadlineOrderTiesInFifoOrder() {
        List<String> order = new ArrayList<>();
        double base = loop.time() + 0.02;
        loop.callAt(base + 0.01, () -> order.add("late"));
        loop.callAt(base, () -> order.add("tie-1"));
        loop.callAt(base, () -> order.add("tie-2"));
        loop.callAt(base - 0.01, () -> order.add("early"));
        loop.callAt(base, () -> order.add("tie-3"));
        loop.callAt(base + 0.02, loop::stop);
        loop.runForever();
        assertThat(order).containsExactly("early", "tie-1", "tie-2", "tie-3", "late");
    }

    @Test
    void callLaterRunsNoEarlierThanItsDelay() {
        double start = loop.time();
        double[] ranAt = new double[1];
        loop.callLater(0.03, () -> {
            ranAt[0] = loop.time();
            loop.stop();
        });
        loop.runForever();
        assertThat(ranAt[0] - start).isGreaterThanOrEqualTo(0.03 - 1e-6);
    }

    @Test
    void cancelledHandlesAndTimersDoNotRun() {
        List<String> ran = new ArrayList<>();
        Handle h = loop.callSoon(() -> ran.add("soon"));
        TimerHandle t = loop.callLater(0.001, () -> ran.add("timer"));
        h.cancel();
        t.cancel();
        assertThat(h.cancelled()).isTrue();
        assertThat(t.cancelled()).isTrue();
        loop.callLater(0.02, loop::stop);
        loop.runForever();
        assertThat(ran).isEmpty();
    }

    @Test
    void manyCancelledTimersAreDropped() {
        List<TimerHandle> timers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            timers.add(loop.callLater(100, () -> {
                throw new AssertionError("cancelled timer ran");
            }));
        }
        timers.forEach(TimerHandle::cancel);
        loop.callSoon(loop::stop);
        loop.runForever();
        assertThat(loop.toString()).contains("timers=0");
    }

    @Test
    void callSoonThreadsafeWakesABlockedLoop() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        loop.callSoon(blocked::countDown);
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                blocked.await();
                Thread.sleep(20); // let the loop block in select with nothing to do
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            loop.callSoonThreadsafe(loop::stop);
        });
        loop.runForever(); // returns only if the other thread's callback woke it
        other.join();
    }

    @Test
    void usingTheLoopFromAnotherThreadIsAnError() throws Exception {
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                loop.callSoon(() -> { });
            } catch (Throwable e) {
                error.set(e);
            }
        });
        t.join();
        assertThat(error.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("callSoonThreadsafe");
    }

    @Test
    void theRunningLoopIsOnlyTheRunningThreadsAndOnlyWhileItRuns() throws Exception {
        assertThat(EventLoop.running()).isNull();
        AtomicReference<EventLoop> seenByOtherThread = new AtomicReference<>(loop);
        EventLoop seenInside = loop.runUntilComplete(Coroutine.of(() -> {
            Thread t = Thread.ofPlatform().start(() -> seenByOtherThread.set(EventLoop.running()));
            t.join();
            return Async.getRunningLoop();
        }));
        assertThat(seenInside).isSameAs(loop);
        assertThat(seenByOtherThread.get()).isNull();
        assertThat(EventLoop.running()).isNull();
        assertThatThrownBy(Async::getRunningLoop).hasMessage("no running event loop");

        EventLoop next = EventLoop.create(VirtualClock.autojumping());
        try {
            assertThat(next.runUntilComplete(Coroutine.of(Async::getRunningLoop))).isSameAs(next);
        } finally {
            next.close();
        }
        assertThat(EventLoop.running()).isNull();
    }

    @Test
    void aClosedLoopRefusesWork() {
        loop.close();
        assertThat(loop.isClosed()).isTrue();
        assertThatThrownBy(() -> loop.callSoon(() -> { })).hasMessageContaining("closed");
        assertThatThrownBy(loop::runForever).hasMessageContaining("closed");
        assertThatThrownBy(() -> loop.runUntilComplete(Coroutine.of(() -> 1))).hasMessageContaining("closed");
        loop.close(); // idempotent
    }

    @Test
    void runningARunningLoopOrClosingItIsAnError() {
        List<Throwable> errors = new ArrayList<>();
        loop.callSoon(() -> {
            try {
                loop.runForever();
            } catch (IllegalStateException e) {
                errors.add(e);
            }
            try {
                loop.close();
            } catch (IllegalStateException e) {
                errors.add(e);
            }
            loop.stop();
        });
        loop.runForever();
        assertThat(errors).extracting(Throwable::getMessage)
                .containsExactly("This event loop is already running", "Cannot close a running event loop");
    }

    @Test
    void anotherLoopCannotRunInsideARunningOne() {
        String msg = loop.runUntilComplete(Coroutine.of(() -> {
            try (EventLoop inner = EventLoop.create()) {
                inner.runUntilComplete(Coroutine.of(() -> 1));
                return "ran";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        }));
        assertThat(msg).contains("another loop is running");
        String run = loop.runUntilComplete(Coroutine.of(() -> {
            try {
                Async.run(Coroutine.of(() -> 1));
                return "ran";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        }));
        assertThat(run).contains("cannot be called from a running event loop");
    }

    @Test
    void runUntilCompleteReturnsTheResultOrThrowsTheExceptionUnchanged() {
        assertThat(loop.runUntilComplete(Coroutine.of(() -> {
            await(sleep(0.001));
            return 42;
        }))).isEqualTo(42);
        assertThatThrownBy(() -> loop.runUntilComplete(Coroutine.of(() -> {
            await(sleep(0));
            throw new IOException("io");
        }))).isExactlyInstanceOf(IOException.class).hasMessage("io");
        Future<String> f = loop.createFuture();
        loop.callLater(0.001, () -> f.setResult("from future"));
        assertThat(loop.runUntilComplete(f)).isEqualTo("from future");
        Awaitable<String> custom = () -> "custom " + await(sleep(0));
        assertThat(loop.runUntilComplete(custom)).isEqualTo("custom null");
    }

    @Test
    void stoppingBeforeTheAwaitableCompletesIsReported() {
        loop.callSoon(loop::stop);
        assertThatThrownBy(() -> loop.runUntilComplete(Coroutine.of(() -> {
            await(sleep(10));
            return 1;
        }))).isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped before");
    }

    @Test
    void anExceptionInACallbackGoesToTheHandlerAndTheLoopGoesOn() {
        List<ExceptionContext> reports = new ArrayList<>();
        loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
        List<String> ran = new ArrayList<>();
        loop.callSoon(() -> {
            throw new IllegalArgumentException("bad callback");
        });
        loop.callSoon(() -> ran.add("next"));
        loop.callSoon(loop::stop);
        loop.runForever();
        assertThat(ran).containsExactly("next");
        assertThat(reports).singleElement().satisfies(ctx -> {
            assertThat(ctx.exception()).hasMessage("bad callback");
            assertThat(ctx.message()).contains("Exception in callback");
            assertThat(ctx.handle()).isNotNull();
        });
    }

    @Test
    void aFailingExceptionHandlerDoesNotBreakTheLoop() {
        loop.setExceptionHandler((l, ctx) -> {
            throw new IllegalStateException("handler broken");
        });
        List<String> ran = new ArrayList<>();
        loop.callSoon(() -> {
            throw new IllegalArgumentException("bad");
        });
        loop.callSoon(() -> ran.add("still running"));
        loop.callSoon(loop::stop);
        loop.runForever();
        assertThat(ran).containsExactly("still running");
    }

    @Test
    void readersAndWritersFireOnReadiness() throws IOException {
        Pipe pipe = Pipe.open();
        try (var source = pipe.source(); var sink = pipe.sink()) {
            List<String> events = new ArrayList<>();
            sink.configureBlocking(false);
            loop.addWriter(sink, () -> {
                events.add("writable");
                loop.removeWriter(sink);
                try {
                    sink.write(ByteBuffer.wrap(new byte[] {7}));
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            loop.addReader(source, () -> {
                ByteBuffer b = ByteBuffer.allocate(8);
                try {
                    source.read(b);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
                events.add("read " + b.get(0));
                assertThat(loop.removeReader(source)).isTrue();
                loop.stop();
            });
            loop.runForever();
            assertThat(events).containsExactly("writable", "read 7");
            assertThat(loop.removeReader(source)).isFalse();
            assertThat(loop.removeWriter(sink)).isFalse();
        }
    }

    @Test
    void runInExecutorAndToThreadRunOffTheLoopThread() {
        Thread loopThread = Thread.currentThread();
        String r = Async.run(Coroutine.of(() -> {
            Thread t1 = await(Async.getRunningLoop().runInExecutor(null, Thread::currentThread));
            Thread t2 = await(Async.toThread(Thread::currentThread));
            return (t1 != loopThread) + " " + (t2 != loopThread);
        }));
        assertThat(r).isEqualTo("true true");
        assertThatThrownBy(() -> Async.run(Coroutine.of(() -> await(Async.toThread(() -> {
            throw new IOException("blocking call failed");
        }))))).isExactlyInstanceOf(IOException.class).hasMessage("blocking call failed");
    }

    @Test
    void wrapFutureFollowsACompletableFuture() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        String r = Async.run(Coroutine.of(() -> {
            Thread.ofPlatform().start(() -> cf.complete("done elsewhere"));
            return await(Async.wrapFuture(cf));
        }));
        assertThat(r).isEqualTo("done elsewhere");

        CompletableFuture<String> failing = CompletableFuture.failedFuture(new IOException("cf failed"));
        assertThatThrownBy(() -> Async.run(Coroutine.of(() -> await(Async.wrapFuture(failing)))))
                .isExactlyInstanceOf(IOException.class);

        CompletableFuture<String> never = new CompletableFuture<>();
        Async.run(Coroutine.of(() -> {
            Future<String> f = Async.wrapFuture(never);
            f.cancel();
            await(sleep(0));
            return null;
        }));
        assertThat(never.isCancelled()).isTrue();
    }

    @Test
    void toCompletableFutureCompletesFromTheLoop() throws Exception {
        Future<Integer> f = loop.createFuture();
        CompletableFuture<Integer> cf = f.toCompletableFuture();
        loop.callLater(0.001, () -> f.setResult(5));
        loop.runUntilComplete(f);
        assertThat(cf.get(5, TimeUnit.SECONDS)).isEqualTo(5);

        Future<Integer> g = loop.createFuture();
        CompletableFuture<Integer> cg = g.toCompletableFuture();
        cg.cancel(false);
        loop.runUntilComplete(Coroutine.of(() -> await(sleep(0.01))));
        assertThat(g.isCancelled()).isTrue();
    }

    @Test
    void asyncRunCancelsLeftoverTasksAndRunsTheirCleanup() {
        List<String> log = new ArrayList<>();
        Async.run(Coroutine.of(() -> {
            Async.createTask(Coroutine.of(() -> {
                try {
                    await(sleep(100));
                } catch (CancelledError e) {
                    log.add("leftover cancelled");
                    throw e;
                } finally {
                    log.add("leftover finally");
                }
                return null;
            }));
            await(sleep(0));
            return null;
        }));
        assertThat(log).containsExactly("leftover cancelled", "leftover finally");
    }

    @Test
    void timeIsMonotonic() {
        double a = loop.time();
        double b = loop.time();
        assertThat(b).isGreaterThanOrEqualTo(a);
    }
}
