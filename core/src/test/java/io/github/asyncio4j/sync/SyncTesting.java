package io.github.asyncio4j.sync;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.sleep;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.VirtualTime;
import java.util.concurrent.Callable;

/** Helpers for the sync and queue tests: runs on a fresh loop, and lets the ready queue drain deterministically. */
public final class SyncTesting {
    private SyncTesting() {
    }

    /** Runs {@code body} as the main coroutine of a fresh loop, on virtual time ({@link VirtualTime}). */
    public static <T> T run(Callable<T> body) {
        return VirtualTime.run(Coroutine.of(body));
    }

    /** Yields {@code n} times, so that tasks woken before (and what they wake) get to run their steps. */
    public static void yieldTimes(int n) {
        for (int i = 0; i < n; i++) {
            await(sleep(0));
        }
    }

    /** Enough yields for every chain of wake-ups in these tests to settle. */
    public static void settle() {
        yieldTimes(10);
    }

    /** Starts {@code body} as a task named {@code name}. */
    public static <T> Task<T> spawn(String name, Callable<T> body) {
        return Async.createTask(Coroutine.of(body), name);
    }

    /** Awaits {@code t} and returns true if it ended cancelled. */
    public static boolean endsCancelled(Task<?> t) {
        try {
            await(t);
            return false;
        } catch (CancelledError e) {
            return true;
        }
    }
}
