package io.github.asyncio4j.examples;

import io.github.asyncio4j.Generator;
import io.github.asyncio4j.StopIteration;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Step 4 of the guide: a toy Future built on {@link Generator}. A coroutine waits for it with
 * {@code y.yieldFrom(future.iter())}: while the future is not done, {@link #iter()} hands the future itself to
 * whoever drives the coroutine, so the driver knows what to wait for. Not thread-safe; results only, no errors.
 */
public class ToyFuture<T> {
    private final String name;
    private final List<Runnable> callbacks = new ArrayList<>();
    private boolean done;
    private T result;

    public ToyFuture(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public boolean isDone() {
        return done;
    }

    public T result() {
        if (!done) {
            throw new IllegalStateException(name + " is not done yet");
        }
        return result;
    }

    /** Stores the result and runs the done callbacks, in the order they were added. */
    public void setResult(T value) {
        if (done) {
            throw new IllegalStateException(name + " is already done");
        }
        result = value;
        done = true;
        List<Runnable> toRun = List.copyOf(callbacks);
        callbacks.clear();
        toRun.forEach(Runnable::run);
    }

    /** Runs {@code callback} when the future is done (at once if it already is). */
    public void addDoneCallback(Runnable callback) {
        if (done) {
            callback.run();
        } else {
            callbacks.add(callback);
        }
    }

    /** Python's {@code Future.__iter__}: "tell the driver to resume me here" until the result is in. */
    public Generator<ToyFuture<T>, Object, T> iter() {
        return Generator.of(y -> {
            while (!done) {
                y.yield(this);
            }
            return result;
        });
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + (done ? " done: " + result : " pending") + "]";
    }

    static void run(PrintStream out) {
        ToyFuture<Integer> answer = new ToyFuture<>("answer");
        Generator<Object, Object, Integer> coro = Generator.of(y -> {
            out.println("  [coro] waiting for the answer");
            int a = y.yieldFrom(answer.iter());          // Python: a = yield from answer
            out.println("  [coro] got " + a);
            return a + 1;
        });
        Object first = coro.next();
        out.println("driver: the coroutine yielded " + first + "; the future itself? " + (first == answer));
        out.println("driver: resumed too early, it yields the future again: " + coro.next());
        answer.setResult(41);
        out.println("driver: answer.setResult(41) -> " + answer);
        try {
            coro.next();
        } catch (StopIteration end) {
            out.println("driver: resumed, the coroutine returned: StopIteration(" + end.value() + ")");
        }
    }

    public static void main(String[] args) {
        run(System.out);
    }
}
