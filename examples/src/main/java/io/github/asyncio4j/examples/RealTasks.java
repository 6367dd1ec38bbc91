package io.github.asyncio4j.examples;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.sleep;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.StopIteration;
import io.github.asyncio4j.Task;
import java.io.PrintStream;

/**
 * Step 7 of the guide: steps 4 and 5 again with asyncio4j's real {@link Future}, {@link Coroutine} and
 * {@link Task}. A coroutine awaiting a pending future yields a {@code Trap.WaitFuture} to its driver; a task is
 * that driver, and a future itself.
 */
public final class RealTasks {
    private RealTasks() {
    }

    /** A plain method that awaits: it suspends the coroutine that calls it (suspension is stackful). */
    static String download(Future<String> page) {
        return await(page);
    }

    static void run(PrintStream out) {
        out.println("1. a coroutine driven by hand, like ToyFuture's driver");
        try (EventLoop loop = EventLoop.create()) {
            Future<Integer> answer = loop.createFuture();
            Coroutine<Integer> coro = Coroutine.of(() -> await(answer) + 1);
            out.println("driver: coro.send(null) -> " + coro.send(null) + ", state " + coro.state());
            answer.setResult(41);
            try {
                coro.send(null);
            } catch (StopIteration end) {
                out.println("driver: after setResult(41): StopIteration(" + end.value() + ")");
            }
        }

        out.println("2. tasks drive coroutines, like ToyTask, on the event loop");
        String report = Async.run(Coroutine.of(() -> {
            EventLoop loop = Async.getRunningLoop();
            Future<String> page = loop.createFuture();
            Task<Integer> fetch = createTask(Coroutine.of(() -> {
                String body = download(page);
                out.println("  [fetch] got the page: " + body);
                return body.length();
            }), "fetch");
            Task<String> summary = createTask(
                    Coroutine.of(() -> "the page has " + await(fetch) + " characters"), "summary");
            await(sleep(0));                        // one loop iteration: both tasks run their first step
            out.println("main: " + fetch);
            out.println("main: " + summary);
            out.println("main: fetch is suspended in " + whereSuspended(fetch));
            loop.callLater(0.01, () -> page.setResult("<p>hello</p>"));
            return await(summary);
        }));
        out.println("main: " + report);
    }

    /** The innermost frame of this example in a suspended task's stack: where its coroutine stopped. */
    static String whereSuspended(Task<?> task) {
        return task.getStack().stream()
                .filter(frame -> frame.getClassName().equals(RealTasks.class.getName()))
                .findFirst()
                .map(frame -> "RealTasks." + frame.getMethodName() + "()")
                .orElse("(no frame of RealTasks)");
    }

    public static void main(String[] args) {
        run(System.out);
    }
}
