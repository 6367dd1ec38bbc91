package io.github.asyncio4j.queue;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.sleep;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import java.util.concurrent.Callable;

/** Helpers for the queue tests: a fresh loop per test, and deterministic settling through the ready queue. */
final class QueueTesting {
    private QueueTesting() {
    }

    static <T> T run(Callable<T> body) {
        return Async.run(Coroutine.of(body));
    }

    static void yieldTimes(int n) {
        for (int i = 0; i < n; i++) {
            await(sleep(0));
        }
    }

    /** Enough yields for every chain of wake-ups in these tests to settle. */
    static void settle() {
        yieldTimes(10);
    }

    static <T> Task<T> spawn(String name, Callable<T> body) {
        return Async.createTask(Coroutine.of(body), name);
    }

    static boolean endsCancelled(Task<?> t) {
        try {
            await(t);
            return false;
        } catch (CancelledError e) {
            return true;
        }
    }
}
