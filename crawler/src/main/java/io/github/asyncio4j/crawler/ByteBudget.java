package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Future;
import java.util.ArrayDeque;

/**
 * The bytes of page bodies a crawl keeps in memory at once ({@link Crawler#keepsBody}: a user's spider), bounded
 * softly: a fetch that would keep a body waits ({@link #awaitRoom}) while the bodies kept so far reach the limit, and
 * goes on when pages in flight give theirs back ({@link #release}). A fetch under way is never stopped, so the
 * crawl cannot deadlock on it; the limit can be passed by what the fetches under way still receive (each at most the
 * body limit). Loop thread only.
 *
 * <p>Invariant: {@link #used()} is the sum of what was {@link #add added} and not yet released; a waiter is woken
 * once the use is under the limit.
 */
final class ByteBudget {
    /** The default: room for a few pages at the default body limit, next to a crawl's records. */
    static final long DEFAULT_LIMIT = 64L << 20;

    private final long limit;
    private final ArrayDeque<Future<Void>> waiters = new ArrayDeque<>();
    private long used;

    ByteBudget(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("a byte budget must be positive: " + limit);
        }
        this.limit = limit;
    }

    /** Waits (in a task) until the bytes kept are under the limit. */
    void awaitRoom() {
        while (used >= limit) {
            Future<Void> turn = Async.getRunningLoop().createFuture();
            waiters.add(turn);
            try {
                await(turn);
            } finally {
                waiters.remove(turn);    // cancelled while waiting: no longer a waiter
            }
        }
    }

    /** Counts {@code n} more bytes kept. */
    void add(long n) {
        used += n;
    }

    /** Gives back {@code n} bytes; wakes the waiters once the use is under the limit. */
    void release(long n) {
        used -= n;
        if (used < limit) {
            for (Future<Void> w; (w = waiters.poll()) != null; ) {
                if (!w.isDone()) {
                    w.setResult(null);
                }
            }
        }
    }

    long used() {
        return used;
    }
}
