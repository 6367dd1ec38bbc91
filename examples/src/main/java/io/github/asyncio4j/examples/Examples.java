package io.github.asyncio4j.examples;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** {@code ./asyncio4j example [NAME]}: lists the runnable examples, or runs one. */
public final class Examples {
    /** Every example, by name, in the order the guide meets them. */
    static final Map<String, Example> ALL = new LinkedHashMap<>();

    record Example(String summary, Consumer<PrintStream> body) {
    }

    static {
        ALL.put("generator-state", new Example(
                "1. a generator stops at yield and resumes; state() says where it stands", GeneratorState::run));
        ALL.put("compiled-range", new Example(
                "1. the state machine the generator compiler makes of jumping_range's body", CompiledRange::run));
        ALL.put("jumping-range", new Example(
                "2. send() passes values into a suspended generator", JumpingRange::run));
        ALL.put("yield-from", new Example(
                "3. yieldFrom delegates to a sub-generator and returns its value", YieldFrom::run));
        ALL.put("toy-future", new Example(
                "4. a toy Future: awaiting it hands the future to the driver until done", ToyFuture::run));
        ALL.put("toy-task", new Example(
                "5. a toy Task: steps a coroutine with send, reacts to what it yields", ToyTask::run));
        ALL.put("toy-loop", new Example(
                "6. a toy event loop on Generator: ready queue, timers, selector, traps", ToyLoopExample::run));
        ALL.put("real-tasks", new Example(
                "7. steps 4 and 5 with asyncio4j's Future, Coroutine and Task", RealTasks::run));
        ALL.put("real-loop", new Example(
                "7. the toy loop's program on asyncio4j's event loop", RealLoop::run));
        ALL.put("sleepers", new Example(
                "8. several sleeping tasks at once, and cancelling one", Sleepers::run));
        ALL.put("workers", new Example(
                "8. a producer and three workers sharing a bounded Queue", Workers::run));
        ALL.put("echo", new Example(
                "8. a TCP echo server and three clients, on one thread", Echo::run));
        ALL.put("unix-echo", new Example(
                "9. the echo server on a Unix domain socket", UnixEcho::run));
        ALL.put("subprocess", new Example(
                "9. child processes: communicate, lines as an async generator, exit codes", SubprocessExample::run));
        ALL.put("websocket-chat", new Example(
                "9. a WebSocket chat room and two people talking in it", WebSocketChat::run));
        ALL.put("http2-fetch", new Example(
                "10. HTTP/2: many URLs of one origin fetched at once over one connection", Http2Fetch::run));
        ALL.put("demo", new Example("the short tour that ./asyncio4j demo prints", Demo::run));
    }

    private Examples() {
    }

    /** What {@code ./asyncio4j example} prints: every example's name and one line on what it shows. */
    static void list(PrintStream out) {
        out.println("examples (run one with ./asyncio4j example NAME; the guide is docs/guide.md):");
        ALL.forEach((name, e) -> out.printf("  %-17s %s%n", name, e.summary()));
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            list(System.out);
            return;
        }
        Example e = ALL.get(args[0]);
        if (e == null) {
            System.err.println("no example named '" + args[0] + "'; known: " + String.join(", ", ALL.keySet()));
            System.exit(2);
        }
        e.body().accept(System.out);
    }
}
