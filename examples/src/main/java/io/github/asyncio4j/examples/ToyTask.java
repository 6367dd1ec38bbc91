package io.github.asyncio4j.examples;

import io.github.asyncio4j.Generator;
import io.github.asyncio4j.StopIteration;
import java.io.PrintStream;

/**
 * Step 5 of the guide: a toy Task. It steps a coroutine with {@code send}, looks at what the coroutine yielded
 * and reacts: a {@link ToyFuture} means "wake me when it is done", anything else is refused by throwing an error
 * into the coroutine. A task is itself a future of the coroutine's return value, so tasks can wait for tasks.
 * No event loop yet: a step runs inside whatever completes the future the task waits for.
 */
public final class ToyTask<T> extends ToyFuture<T> {
    private final Generator<Object, Object, T> coro;
    private final PrintStream trace;

    public ToyTask(String name, Generator<Object, Object, T> coro, PrintStream trace) {
        super(name);
        this.coro = coro;
        this.trace = trace;
    }

    /** Runs the first step. */
    public ToyTask<T> start() {
        step(null);
        return this;
    }

    /** Resumes the coroutine once (with {@code error} raised at its yield, if not null) and reacts. */
    private void step(Throwable error) {
        Object yielded;
        try {
            yielded = (error == null) ? coro.send(null) : coro.throwInto(error);
        } catch (StopIteration end) {
            @SuppressWarnings("unchecked")
            T value = (T) end.value();
            trace.println("  task " + name() + ": the coroutine returned " + value);
            setResult(value);
            return;
        }
        if (yielded instanceof ToyFuture<?> future) {
            trace.println("  task " + name() + ": waits for " + future);
            future.addDoneCallback(() -> step(null));
        } else {
            trace.println("  task " + name() + ": refuses '" + yielded + "'");
            step(new IllegalArgumentException("a task can only wait for futures, not '" + yielded + "'"));
        }
    }

    static void run(PrintStream out) {
        ToyFuture<String> page = new ToyFuture<>("page");
        ToyTask<Integer> fetch = new ToyTask<>("fetch", Generator.of(y -> {
            try {
                y.yield("please sleep 1 s");             // not a future: the task throws an error in here
            } catch (IllegalArgumentException refused) {
                out.println("  [fetch] caught: " + refused.getMessage());
            }
            String body = y.yieldFrom(page.iter());
            out.println("  [fetch] got the page: " + body);
            return body.length();
        }), out).start();
        ToyTask<String> report = new ToyTask<>("report", Generator.of(y -> {
            int length = y.yieldFrom(fetch.iter());      // a task is a future: wait for it like one
            return "the page has " + length + " characters";
        }), out).start();
        out.println("main: both tasks wait; now the page arrives");
        page.setResult("<p>hello</p>");
        out.println("main: " + report.result());
    }

    public static void main(String[] args) {
        run(System.out);
    }
}
