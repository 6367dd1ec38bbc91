package io.github.asyncio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Generator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Every example runs with its output asserted, so the guide cannot rot. */
class ExamplesTest {

    static String output(Consumer<PrintStream> example) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            example.accept(out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static List<String> lines(Consumer<PrintStream> example) {
        return output(example).lines().toList();
    }

    @Test
    void generatorStateFollowsCreatedSuspendedClosed() {
        assertThat(lines(GeneratorState::run)).containsExactly(
                "created:       state CREATED (nothing has run yet)",
                "  [body] starts with n = 2",
                "next() -> 2     state SUSPENDED",
                "  [body] resumed, left = 2",
                "next() -> 1     state SUSPENDED",
                "  [body] resumed, left = 1",
                "  [body] finally block runs",
                "next() -> StopIteration(liftoff)  state CLOSED",
                "  [body] starts with n = 3",
                "a second one, suspended at its first yield: state SUSPENDED",
                "it waits at GeneratorState.java:23",
                "  [body] finally block runs",
                "close() -> state CLOSED");
    }

    @Test
    void compiledRangeListsTheStateMachineOfJumpingRange() {
        List<String> listing = lines(CompiledRange::run);
        if (Runtime.version().feature() < 24) {
            assertThat(listing).containsExactly("not compiled: the compiler needs JDK 24 or newer");
            return;
        }
        assertThat(listing.get(0)).startsWith("state machine of io.github.asyncio4j.examples.JumpingRange.lambda$");
        // upTo (slot 0, captured) and index (slot 2) are the fields; one yield: states 0 (start) and 1.
        assertThat(listing).contains("  int l0I", "  int l2I", "      tableswitch {0: L2, 1: L1, default: L0}",
                "      putfield l2I", "      putfield state", "      invokevirtual JumpingRange$$Generator.returned");
        assertThat(listing).doesNotContain("      putfield l0I"); // never written, so never spilled
    }

    @Test
    void jumpingRangePrintsTheSeedsSequence() {
        assertThat(lines(JumpingRange::run)).containsExactly("0", "2", "3", "2", "3", "4");
    }

    @Test
    void yieldFromForwardsSendsAndReturnsTheSubGeneratorsValue() {
        assertThat(lines(YieldFrom::run)).containsExactly(
                "next()     -> 0   (the first adder's running total)",
                "send(1)    -> 1",
                "send(2)    -> 3",
                "  first returns 3",
                "next()     -> 0   (null ended the first adder; the second starts at 0)",
                "send(10)   -> 10",
                "  second returns 10",
                "next()     -> 3010   (first * 1000 + second: both return values came back)");
    }

    @Test
    void toyFutureHandsItselfToTheDriverUntilDone() {
        assertThat(lines(ToyFuture::run)).containsExactly(
                "  [coro] waiting for the answer",
                "driver: the coroutine yielded ToyFuture[answer pending]; the future itself? true",
                "driver: resumed too early, it yields the future again: ToyFuture[answer pending]",
                "driver: answer.setResult(41) -> ToyFuture[answer done: 41]",
                "  [coro] got 41",
                "driver: resumed, the coroutine returned: StopIteration(42)");
    }

    @Test
    void toyTaskStepsItsCoroutineAndReactsToWhatItYields() {
        assertThat(lines(ToyTask::run)).containsExactly(
                "  task fetch: refuses 'please sleep 1 s'",
                "  [fetch] caught: a task can only wait for futures, not 'please sleep 1 s'",
                "  task fetch: waits for ToyFuture[page pending]",
                "  task report: waits for ToyTask[fetch pending]",
                "main: both tasks wait; now the page arrives",
                "  [fetch] got the page: <p>hello</p>",
                "  task fetch: the coroutine returned 12",
                "  task report: the coroutine returned the page has 12 characters",
                "main: the page has 12 characters");
    }

    /** The lines both loops print for the same program, between their own first and last lines. */
    static final List<String> LOOP_PROGRAM = List.of(
            "a: sleeping 0.1 s",
            "reader: waiting for data on the pipe",
            "writer: sleeping 0.2 s",
            "a: awake",
            "writer: wrote 'ping'",
            "reader: read 'ping'");

    @Test
    void toyLoopRunsTimersIoAndSpawnTraps() {
        List<String> expected = new ArrayList<>();
        expected.add("main: starting three tasks");
        expected.add("main: returns");
        expected.addAll(LOOP_PROGRAM);
        expected.add("loop: no task left");
        assertThat(lines(ToyLoopExample::run)).containsExactlyElementsOf(expected);
    }

    @Test
    void toyLoopStaysWellUnder100Lines() throws IOException {
        Path source = Path.of("src/main/java/io/github/asyncio4j/examples/ToyLoop.java");
        assertThat(Files.readAllLines(source)).hasSizeLessThan(100);
    }

    @Test
    void toyLoopPassesOnAFailingTasksException() {
        ToyLoop loop = new ToyLoop();
        loop.spawn(Generator.of(y -> {
            y.yield(new ToyLoop.Sleep(0.001));
            throw new IllegalStateException("task failed");
        }));
        assertThatThrownBy(loop::run).isInstanceOf(IllegalStateException.class).hasMessage("task failed");
    }

    @Test
    void realTasksShowTrapsTaskStatesAndWhereATaskIsSuspended() {
        assertThat(lines(RealTasks::run)).containsExactly(
                "1. a coroutine driven by hand, like ToyFuture's driver",
                "driver: coro.send(null) -> WaitFuture[future=<Future pending>], state SUSPENDED",
                "driver: after setResult(41): StopIteration(42)",
                "2. tasks drive coroutines, like ToyTask, on the event loop",
                "main: <Task pending name='fetch' wait_for=<Future pending>>",
                "main: <Task pending name='summary' wait_for=<Task 'fetch'>>",
                "main: fetch is suspended in RealTasks.download()",
                "  [fetch] got the page: <p>hello</p>",
                "main: the page has 12 characters");
    }

    @Test
    void realLoopPrintsWhatTheToyLoopPrints() {
        List<String> expected = new ArrayList<>();
        expected.add("main: starting three tasks");
        expected.addAll(LOOP_PROGRAM);
        expected.add("main: all three tasks are done");
        assertThat(lines(RealLoop::run)).containsExactlyElementsOf(expected);
    }

    @Test
    void sleepersOverlapAndTheCancelledOneCleansUp() {
        assertThat(lines(Sleepers::run)).containsExactly(
                "toast: start (0.1 s)",
                "eggs: start (0.2 s)",
                "tea: start (0.3 s)",
                "dishes: start (60.0 s)",
                "toast: done",
                "eggs: done",
                "tea: done",
                "main: served in the order awaited: [tea, toast, eggs]",
                "main: nobody waits 60 s for the dishes: cancel()",
                "dishes: cancelled while sleeping; cleaning up",
                "main: dishes.isCancelled() = true");
    }

    @Test
    void workersShareABoundedQueueUntilShutdown() {
        assertThat(lines(Workers::run)).containsExactly(
                "main: 3 workers, a queue of at most 3 jobs, 9 jobs to do",
                "main: all 9 jobs are queued; join() waits until they are done",
                "main: every job is done; shutdown() ends the workers' loops",
                "main: the workers did 9 jobs in all",
                "results: {1=1, 2=4, 3=9, 4=16, 5=25, 6=36, 7=49, 8=64, 9=81}",
                "most jobs in progress at once: 3");
    }

    @Test
    void webSocketChatRelaysEveryLineToTheRoom() {
        assertThat(lines(WebSocketChat::run)).containsExactly(
                "server: a chat room on 127.0.0.1",
                "ann <- * ann joined",
                "ann <- * bob joined",
                "bob <- * bob joined",
                "ann -> hi bob",
                "ann <- ann: hi bob",
                "bob <- ann: hi bob",
                "bob -> hello ann, bye",
                "ann <- bob: hello ann, bye",
                "bob <- bob: hello ann, bye",
                "ann <- * bob left",
                "ann's close code: 1000, bob's: 1000",
                "server: closed, every connection finished");
    }

    @Test
    void echoServerAnswersThreeClients() {
        assertThat(lines(Echo::run)).containsExactly(
                "server: listening on 127.0.0.1",
                "ann heard back: [hello from ann, bye from ann]",
                "bob heard back: [hello from bob, bye from bob]",
                "cy heard back: [hello from cy, bye from cy]",
                "server: closed, every connection finished");
    }

    @Test
    void http2FetchUsesOneConnectionForFiftyUrls() {
        assertThat(lines(Http2Fetch::run)).containsExactly(
                "fetched 50 URLs: {HTTP/2 200=50}, 341 body bytes",
                "first: page 1; last: page 50",
                "connections the server accepted: 1",
                "server: closed");
    }

    @Test
    void unixEchoServesOverASocketFileAndRemovesIt() {
        assertThat(lines(UnixEcho::run)).containsExactly(
                "server: listening on echo.sock (a socket file: true)",
                "client heard back: hello over a Unix socket",
                "client heard back: bye",
                "server: closed; socket file left behind: false");
    }

    @Test
    void subprocessesCommunicateAndStream() {
        assertThat(lines(SubprocessExample::run)).containsExactly(
                "sort: apple fig pear (exit 0)",
                "printf said: one",
                "printf said: two",
                "printf said: three",
                "printf exited with 0",
                "sh: stderr 'to stderr', exit 3");
    }

    @Test
    void demoShowsEachStep() {
        String out = output(Demo::run);
        assertThat(out).contains("state CREATED -> next() = first -> state SUSPENDED")
                .contains("   0 2 3 2 3 4")
                .contains("outer yields [1, 2, 300]")
                .contains("coro.send(null) -> WaitFuture[future=<Future pending>]")
                .contains("after setResult(41): StopIteration(42)")
                .contains("   sleeper-1 starts\n   sleeper-2 starts\n   sleeper-3 starts\n"
                        + "   sleeper-1 wakes\n   sleeper-2 wakes\n   sleeper-3 wakes")
                .contains("results in the order awaited (last created first): sleeper-3, sleeper-2, sleeper-1");
    }

    @Test
    void theListingNamesEveryExampleWithItsSummary() {
        List<String> listing = lines(Examples::list);
        assertThat(listing).hasSize(Examples.ALL.size() + 1);
        Examples.ALL.forEach((name, e) -> assertThat(listing).as(name)
                .anyMatch(line -> line.startsWith("  " + name + " ") && line.endsWith(e.summary())));
    }

    @Test
    void everyRegisteredExampleIsOneOfThoseTestedAbove() {
        // A new example must get its own output test here, and then its name in this list.
        assertThat(Examples.ALL.keySet()).containsExactly("generator-state", "compiled-range", "jumping-range",
                "yield-from", "toy-future", "toy-task", "toy-loop", "real-tasks", "real-loop", "sleepers", "workers",
                "echo", "unix-echo", "subprocess", "websocket-chat", "http2-fetch", "demo");
    }
}
