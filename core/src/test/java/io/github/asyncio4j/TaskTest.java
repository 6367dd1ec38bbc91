package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.currentTask;
import static io.github.asyncio4j.Async.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tasks: stepping, results, and cancellation at every kind of await point. */
@Timeout(30)
class TaskTest {

    static <T> T run(Coroutine<T> c) {
        return VirtualTime.run(c);
    }

    @Test
    void aTaskRunsItsCoroutineAndHoldsItsResult() {
        String r = run(Coroutine.of(() -> {
            Task<String> t = createTask(Coroutine.of(() -> {
                await(sleep(0));
                return "child";
            }), "worker");
            assertThat(t.getName()).isEqualTo("worker");
            assertThat(t.isDone()).isFalse();
            String v = await(t);
            assertThat(t.isDone()).isTrue();
            assertThat(t.result()).isEqualTo("child");
            return v;
        }));
        assertThat(r).isEqualTo("child");
    }

    @Test
    void tasksInterleaveAtAwaitPointsInFifoOrder() {
        List<String> log = new ArrayList<>();
        run(Coroutine.of(() -> {
            List<Task<Void>> tasks = new ArrayList<>();
            for (String name : List.of("a", "b", "c")) {
                tasks.add(createTask(Coroutine.of(() -> {
                    for (int i = 0; i < 2; i++) {
                        log.add(name + i);
                        await(sleep(0));
                    }
                    return null;
                })));
            }
            for (Task<Void> t : tasks) {
                await(t);
            }
            return null;
        }));
        assertThat(log).containsExactly("a0", "b0", "c0", "a1", "b1", "c1");
    }

    @Test
    void defaultNamesAndSetName() {
        run(Coroutine.of(() -> {
            Task<?> t = createTask(Coroutine.of(() -> 1));
            assertThat(t.getName()).startsWith("Task-");
            t.setName("renamed");
            assertThat(t.getName()).isEqualTo("renamed");
            assertThat(t.toString()).contains("renamed");
            return await(t);
        }));
    }

    @Test
    void defaultNamesAreUniqueAndCountUpInEachLoopsCreationOrder() {
        EventLoop a = EventLoop.create();
        EventLoop b = EventLoop.create();
        Set<String> names = new HashSet<>();
        long[] last = {0, 0};
        int jumps = 0;
        int perLoop = 3000;   // a loop takes its numbers a block at a time: this crosses several blocks
        for (int i = 0; i < perLoop; i++) {
            for (int k = 0; k < 2; k++) {
                Task<Integer> t = (k == 0 ? a : b).createTask(Coroutine.of(() -> 1));
                assertThat(t.getName()).startsWith("Task-");
                long n = Long.parseLong(t.getName().substring("Task-".length()));
                assertThat(n).isGreaterThan(last[k]);
                if (k == 0 && i > 0 && n != last[0] + 1) {
                    jumps++;    // a new block: the other loop holds the numbers between
                }
                last[k] = n;
                assertThat(names.add(t.getName())).as("a unique name").isTrue();
            }
        }
        assertThat(jumps).isBetween(1, 4);   // else consecutive, as asyncio's one counter
        for (EventLoop loop : List.of(a, b)) {
            loop.runUntilComplete(Coroutine.of(() -> null));   // the tasks, queued first, finish first
            assertThat(loop.allTasks()).isEmpty();
            loop.close();
        }
    }

    /**
     * A task is one object besides its coroutine: creating one makes no step handle, waker, context or name (it
     * was 160 bytes with them), and that object is 56 bytes with compressed oops (64 before its context and rare
     * state shared one field). An allocation count does not depend on load.
     */
    @Test
    void creatingATaskAllocatesTheTaskAlone() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        EventLoop loop = EventLoop.create();
        int n = 5_000;
        double perTask = 0;
        for (int round = 0; round < 3; round++) {   // the first rounds warm up (and grow the ready queue)
            List<Coroutine<Integer>> coros = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                coros.add(Coroutine.of(() -> 1));   // made outside a running loop: nothing tracks them
            }
            long before = mx.getCurrentThreadAllocatedBytes();
            for (Coroutine<Integer> c : coros) {
                loop.createTask(c);
            }
            perTask = (mx.getCurrentThreadAllocatedBytes() - before) / (double) n;
            loop.runUntilComplete(Coroutine.of(() -> null));   // the tasks, queued first, finish first
            assertThat(loop.allTasks()).isEmpty();
        }
        loop.close();
        assertThat(perTask).as("bytes allocated per createTask").isLessThan(64);
    }

    @Test
    void currentTaskAndAllTasks() {
        run(Coroutine.of(() -> {
            Task<?> main = currentTask();
            assertThat(main).isNotNull();
            Task<Task<?>> child = createTask(Coroutine.of(Async::currentTask));
            assertThat(Async.allTasks()).contains(main, child);
            assertThat(await(child)).isSameAs(child);
            assertThat(Async.allTasks()).containsExactly(main);
            return null;
        }));
        assertThatThrownBy(Async::currentTask).hasMessageContaining("no running event loop");
    }

    /**
     * {@code allTasks} holds every task that is not done, wherever it is: waiting for its first step in the ready
     * queue (a task is linked into the loop's live list only when it first suspends), running its first step,
     * suspended, or cancelled but not yet stepped; a task that ended in its first step is in none of them.
     */
    @Test
    void allTasksHoldsEveryTaskThatIsNotDoneWhereverItIs() {
        run(Coroutine.of(() -> {
            Task<?> main = currentTask();
            Future<Void> gate = Async.getRunningLoop().createFuture();
            Task<Set<Task<?>>> sawInItsFirstStep = createTask(Coroutine.of(() -> Set.copyOf(Async.allTasks())));
            Task<Void> waiting = createTask(Coroutine.of(() -> {
                await(gate);
                return null;
            }));
            Task<Integer> quick = createTask(Coroutine.of(() -> 1));
            Task<Integer> cancelledFirst = createTask(Coroutine.of(() -> 2));
            cancelledFirst.cancel();
            assertThat(Async.allTasks()).containsExactlyInAnyOrder(main, sawInItsFirstStep, waiting, quick,
                    cancelledFirst);
            assertThat(Async.getRunningLoop().taskCount()).isEqualTo(5);
            await(sleep(0));    // one iteration: each child took its first step, in order
            assertThat(sawInItsFirstStep.result()).containsExactlyInAnyOrder(main, sawInItsFirstStep, waiting,
                    quick, cancelledFirst);
            assertThat(cancelledFirst.isCancelled()).isTrue();
            assertThat(Async.allTasks()).containsExactlyInAnyOrder(main, waiting);
            assertThat(Async.getRunningLoop().taskCount()).isEqualTo(2);
            gate.setResult(null);
            await(waiting);
            assertThat(Async.allTasks()).containsExactly(main);
            assertThat(Async.getRunningLoop().taskCount()).isEqualTo(1);
            return null;
        }));
    }

    @Test
    void aTaskDoesNotSupportSetResultOrSetException() {
        run(Coroutine.of(() -> {
            Task<Integer> t = createTask(Coroutine.of(() -> 1));
            assertThatThrownBy(() -> t.setResult(2)).hasMessageContaining("does not support setResult");
            assertThatThrownBy(() -> t.setException(new IOException()))
                    .hasMessageContaining("does not support setException");
            return await(t);
        }));
    }

    @Test
    void aTaskCannotAwaitItself() {
        Throwable e = run(Coroutine.of(() -> {
            Task<?>[] self = new Task<?>[1];
            self[0] = createTask(Coroutine.of(() -> await(self[0])));
            try {
                await(self[0]);
                return null;
            } catch (IllegalStateException expected) {
                return expected;
            }
        }));
        assertThat(e).hasMessageContaining("cannot await on itself");
    }

    @Test
    void awaitingAFutureOfAnotherLoopIsAnError() {
        try (EventLoop other = EventLoop.create()) {
            Future<String> foreign = other.createFuture();
            assertThatThrownBy(() -> run(Coroutine.of(() -> await(foreign))))
                    .hasMessageContaining("attached to a different loop");
        }
    }

    // ---- cancellation at each await point ---------------------------------------------------------------

    @Test
    void cancelWhileSleepingRaisesAtTheAwaitAndRunsFinally() {
        List<String> log = new ArrayList<>();
        run(Coroutine.of(() -> {
            Task<Void> t = createTask(Coroutine.of(() -> {
                try {
                    await(sleep(100));
                    log.add("not reached");
                } catch (CancelledError e) {
                    log.add("cancelled: " + e.getMessage());
                    throw e;
                } finally {
                    log.add("finally");
                }
                return null;
            }));
            await(sleep(0));
            assertThat(t.cancel("stop it")).isTrue();
            assertThat(t.cancelling()).isEqualTo(1);
            assertThatThrownBy(() -> await(t)).isInstanceOf(CancelledError.class);
            assertThat(t.isCancelled()).isTrue();
            assertThatThrownBy(t::result).isInstanceOf(CancelledError.class).hasMessage("stop it");
            assertThat(t.cancel()).isFalse(); // already done
            return null;
        }));
        assertThat(log).containsExactly("cancelled: stop it", "finally");
    }

    @Test
    void cancelWhileAwaitingAFutureCancelsTheFuture() {
        run(Coroutine.of(() -> {
            Future<String> f = Async.getRunningLoop().createFuture();
            Task<String> t = createTask(Coroutine.of(() -> await(f)));
            await(sleep(0));
            t.cancel();
            assertThatThrownBy(() -> await(t)).isInstanceOf(CancelledError.class);
            assertThat(f.isCancelled()).isTrue();
            return null;
        }));
    }

    @Test
    void cancelWhileAwaitingAnotherTaskCancelsThatTask() {
        run(Coroutine.of(() -> {
            Task<String> inner = createTask(Coroutine.of(() -> {
                await(sleep(100));
                return "inner";
            }));
            Task<String> outer = createTask(Coroutine.of(() -> await(inner)));
            await(sleep(0));
            outer.cancel();
            assertThatThrownBy(() -> await(outer)).isInstanceOf(CancelledError.class);
            assertThat(inner.isCancelled()).isTrue();
            return null;
        }));
    }

    @Test
    void cancelBeforeTheFirstStepMeansTheCoroutineNeverRuns() {
        AtomicBoolean ran = new AtomicBoolean();
        run(Coroutine.of(() -> {
            Task<Void> t = createTask(Coroutine.of(() -> {
                ran.set(true);
                return null;
            }));
            t.cancel();
            assertThatThrownBy(() -> await(t)).isInstanceOf(CancelledError.class);
            return null;
        }));
        assertThat(ran).isFalse();
    }

    @Test
    void cancelWhileWaitingInTheReadyQueue() {
        List<String> log = new ArrayList<>();
        run(Coroutine.of(() -> {
            Task<Void> t = createTask(Coroutine.of(() -> {
                log.add("started");
                try {
                    await(sleep(0)); // yields once; cancelled while queued
                    log.add("not reached");
                } catch (CancelledError e) {
                    log.add("cancelled");
                    throw e;
                }
                return null;
            }));
            await(sleep(0)); // t runs to its sleep(0)
            t.cancel();
            assertThatThrownBy(() -> await(t)).isInstanceOf(CancelledError.class);
            return null;
        }));
        assertThat(log).containsExactly("started", "cancelled");
    }

    @Test
    void cancelWhileWaitingForIoLeavesNoRegistration() throws IOException {
        Pipe pipe = Pipe.open();
        try (var source = pipe.source(); var sink = pipe.sink()) {
            run(Coroutine.of(() -> {
                EventLoop loop = Async.getRunningLoop();
                Task<Void> t = createTask(Coroutine.of(() -> {
                    Coroutine.yieldTrap(new Trap.IoWait(source, SelectionKey.OP_READ));
                    return null;
                }));
                await(sleep(0));
                assertThat(t.awaiting()).hasToString("<IoWait readable " + source + ">");
                t.cancel();
                assertThatThrownBy(() -> await(t)).isInstanceOf(CancelledError.class);
                assertThat(loop.removeReader(source)).isFalse();
                return null;
            }));
        }
    }

    @Test
    void ioWaitResumesWhenTheChannelIsReady() throws IOException {
        Pipe pipe = Pipe.open();
        try (var source = pipe.source(); var sink = pipe.sink()) {
            String r = run(Coroutine.of(() -> {
                Task<String> reader = createTask(Coroutine.of(() -> {
                    Coroutine.yieldTrap(new Trap.IoWait(source, SelectionKey.OP_READ));
                    return "readable";
                }));
                await(sleep(0.01));
                assertThat(reader.isDone()).isFalse();
                sink.write(java.nio.ByteBuffer.wrap(new byte[] {1}));
                return await(reader);
            }));
            assertThat(r).isEqualTo("readable");
        }
    }

    @Test
    void aCoroutineThatCatchesCancellationCanReturnAValue() {
        run(Coroutine.of(() -> {
            Task<String> t = createTask(Coroutine.of(() -> {
                try {
                    await(sleep(100));
                    return "slept";
                } catch (CancelledError e) {
                    currentTask().uncancel();
                    return "recovered";
                }
            }));
            await(sleep(0));
            t.cancel();
            assertThat(await(t)).isEqualTo("recovered");
            assertThat(t.isCancelled()).isFalse();
            assertThat(t.cancelling()).isZero();
            return null;
        }));
    }

    @Test
    void cancellingCountsRequestsAndUncancelWithdrawsThem() {
        run(Coroutine.of(() -> {
            Task<Void> t = createTask(Coroutine.of(() -> {
                await(sleep(100));
                return null;
            }));
            await(sleep(0));
            t.cancel();
            t.cancel();
            assertThat(t.cancelling()).isEqualTo(2);
            assertThat(t.uncancel()).isEqualTo(1);
            assertThatThrownBy(() -> await(t)).isInstanceOf(CancelledError.class);
            return null;
        }));
    }

    @Test
    void aTaskThatCancelsItselfIsCancelledAtItsNextAwait() {
        List<String> log = new ArrayList<>();
        run(Coroutine.of(() -> {
            Task<Void> t = createTask(Coroutine.of(() -> {
                currentTask().cancel("self");
                log.add("still running");
                try {
                    await(sleep(100));
                } catch (CancelledError e) {
                    log.add("cancelled " + e.getMessage());
                    throw e;
                }
                return null;
            }));
            assertThatThrownBy(() -> await(t)).isInstanceOf(CancelledError.class);
            return null;
        }));
        assertThat(log).containsExactly("still running", "cancelled self");
    }

    @Test
    void cancelledRightBeforeReturningMeansCancelled() {
        run(Coroutine.of(() -> {
            Task<String> t = createTask(Coroutine.of(() -> {
                currentTask().cancel();
                return "value";
            }));
            assertThatThrownBy(() -> await(t)).isInstanceOf(CancelledError.class);
            assertThat(t.isCancelled()).isTrue();
            return null;
        }));
    }

    @Test
    void catchExceptionDoesNotSwallowCancellation() {
        List<String> log = new ArrayList<>();
        run(Coroutine.of(() -> {
            Task<Void> t = createTask(Coroutine.of(() -> {
                try {
                    await(sleep(100));
                } catch (Exception e) {
                    log.add("swallowed");
                }
                return null;
            }));
            await(sleep(0));
            t.cancel();
            assertThatThrownBy(() -> await(t)).isInstanceOf(CancelledError.class);
            return null;
        }));
        assertThat(log).isEmpty();
    }

    @Test
    void aFailingTaskKeepsItsExceptionType() {
        assertThatThrownBy(() -> run(Coroutine.of(() -> {
            Task<Void> t = createTask(Coroutine.of(() -> {
                await(sleep(0));
                throw new IOException("disk");
            }));
            try {
                await(t);
            } finally {
                assertThat(t.exception()).isExactlyInstanceOf(IOException.class);
            }
            return null;
        }))).isExactlyInstanceOf(IOException.class).hasMessage("disk");
    }

    @Test
    void getStackShowsWhereASuspendedTaskWaits() {
        run(Coroutine.of(() -> {
            Task<Void> t = createTask(Coroutine.of(() -> {
                waitHere();
                return null;
            }), "sleeper");
            await(sleep(0));
            assertThat(t.getStack()).anySatisfy(e -> assertThat(e.getMethodName()).isEqualTo("waitHere"));
            String dump = Async.getRunningLoop().dumpTasks(e -> e.getClassName().endsWith("TaskTest"));
            assertThat(dump).contains("name='sleeper'").contains("waitHere");
            assertThat(Async.getRunningLoop().dumpTasks()).contains("name='sleeper'").doesNotContain("waitHere");
            t.cancel();
            return null;
        }));
    }

    private static void waitHere() {
        await(sleep(100));
    }

    @Test
    void theTaskDumpShowsTheAwaitTree() {
        run(Coroutine.of(() -> {
            Task<Void> leaf = createTask(Coroutine.of(() -> {
                await(sleep(100));
                return null;
            }), "leaf");
            Task<Void> middle = createTask(Coroutine.of(() -> await(leaf)), "middle");
            await(sleep(0));
            String dump = Async.getRunningLoop().dumpTasks();
            int m = dump.indexOf("name='middle'");
            int l = dump.indexOf("  <Task pending name='leaf'");
            assertThat(m).isNotNegative();
            assertThat(l).isGreaterThan(m);
            middle.cancel();
            return null;
        }));
    }
}
