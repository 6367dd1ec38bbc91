package io.github.asyncio4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The state behind {@link Async#asCompleted}: futures move from {@code todo} to {@code done} as they finish, and
 * each await of {@link #next()} takes the earliest finished one. After the deadline, awaits that find nothing
 * done raise {@link TimeoutError}. Loop-confined.
 */
final class AsCompleted<T> {
    private final EventLoop loop;
    private final Set<Future<?>> todo = Collections.newSetFromMap(new IdentityHashMap<>());
    private final ArrayDeque<Future<? extends T>> done = new ArrayDeque<>();
    private final List<Future<Void>> waiters = new ArrayList<>(1);
    private final Consumer<Future<?>> onDone = this::onDone;
    private final TimerHandle timer;
    private boolean timedOut;
    private final int count;

    AsCompleted(EventLoop loop, Collection<? extends Awaitable<? extends T>> awaitables, double timeoutSeconds) {
        this.loop = loop;
        Set<Awaitable<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Awaitable<? extends T> a : awaitables) {
            if (!seen.add(a)) {
                continue;   // the same coroutine (or future) twice is one task, as in asyncio and gather
            }
            Future<? extends T> f = loop.ensureFuture(a);
            if (todo.add(f)) {
                f.addDoneCallback(onDone);
            }
        }
        count = todo.size();
        timer = Double.isInfinite(timeoutSeconds) || todo.isEmpty() ? null : loop.callLater(timeoutSeconds, this::onTimeout);
    }

    /** One awaitable per distinct future; the i-th await returns the i-th result to arrive. */
    List<Awaitable<T>> awaitables() {
        Awaitable<T> next = this::next;
        return Collections.nCopies(count, next);
    }

    @SuppressWarnings("unchecked")
    private void onDone(Future<?> f) {
        if (!todo.remove(f)) {
            return;
        }
        done.add((Future<? extends T>) f);
        if (todo.isEmpty() && timer != null) {
            timer.cancel();
        }
        wakeWaiters();
    }

    private void onTimeout() {
        timedOut = true;
        for (Future<?> f : todo) {
            f.removeDoneCallback(onDone);
        }
        todo.clear();
        wakeWaiters();
    }

    private void wakeWaiters() {
        for (Future<Void> w : waiters) {
            if (!w.isDone()) {
                w.setResult(null);
            }
        }
        waiters.clear();
    }

    private T next() {
        while (done.isEmpty()) {
            if (timedOut) {
                throw new TimeoutError("asCompleted(): the timeout passed before the next result");
            }
            if (todo.isEmpty()) {
                throw new IllegalStateException("asCompleted(): every result has been taken already");
            }
            Future<Void> w = loop.createFuture();
            waiters.add(w);
            w.await();
        }
        return done.poll().result();
    }
}
