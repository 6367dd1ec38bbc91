package io.github.asyncio4j.http;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.Timeout;
import io.github.asyncio4j.TimeoutError;
import java.time.Duration;

/**
 * Runs an awaitable in an {@link Async#timeout} scope and turns the scope's expiry into an
 * {@link HttpTimeoutException} that names the timeout. Scopes nest (a read timeout inside the total one): each
 * converts only its own expiry. A zero timeout means none. Used only from inside a task.
 */
final class Timeouts {
    private Timeouts() {
    }

    static <T> T within(Duration timeout, HttpTimeoutException.Kind kind, String what, Awaitable<T> body) {
        if (timeout == null || timeout.isZero()) {
            return body.await();
        }
        Timeout scope = Async.timeout(timeout);
        try (scope) {
            return body.await();
        } catch (TimeoutError e) {
            if (scope.expired()) {
                throw new HttpTimeoutException(kind, timeout, what);
            }
            throw e;
        }
    }

    /**
     * A total timeout as a point in the loop's time, for work spread over several awaits of the caller's (the
     * reads of a streamed body): each runs {@link #within} the same deadline.
     */
    record Deadline(double when, Duration timeout, String what) {
        <T> T within(Awaitable<T> body) {
            if (when == Double.POSITIVE_INFINITY) {
                return body.await();
            }
            Timeout scope = Async.timeoutAt(when);
            try (scope) {
                return body.await();
            } catch (TimeoutError e) {
                if (scope.expired()) {
                    throw new HttpTimeoutException(HttpTimeoutException.Kind.TOTAL, timeout, what);
                }
                throw e;
            }
        }
    }
}
