package io.github.asyncio4j.http;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimerHandle;
import java.time.Duration;

/**
 * Runs an awaitable under a deadline: when it expires the current task is cancelled at its await point and the
 * {@link CancelledError} is turned into an {@link HttpTimeoutException} naming the timeout (the cancellation
 * request is withdrawn with {@link Task#uncancel()}, so an outer scope or a real cancellation still sees its own).
 * Scopes nest. A null or zero timeout means none. Used only from inside a task.
 */
final class Timeouts {
    private Timeouts() {
    }

    static <T> T within(Duration timeout, HttpTimeoutException.Kind kind, String what, Awaitable<T> body) {
        if (timeout == null || timeout.isZero()) {
            return body.await();
        }
        Task<?> task = Async.currentTask();
        if (task == null) {
            throw new IllegalStateException("HTTP operations must run inside a task");
        }
        boolean[] expired = {false};
        TimerHandle timer = task.getLoop().callLater(timeout, () -> {
            expired[0] = true;
            task.cancel("HTTP " + kind + " timeout");
        });
        try {
            return body.await();
        } catch (CancelledError e) {
            if (expired[0] && task.uncancel() == 0) {
                throw new HttpTimeoutException(kind, timeout, what);
            }
            throw e;
        } finally {
            timer.cancel();
        }
    }
}
