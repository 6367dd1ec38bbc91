package io.github.asyncio4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The future {@link Async#gather} returns: done when every child is, with their results in argument order.
 * Without {@code returnExceptions} the first failure (or a child's cancellation from elsewhere, as a
 * {@link CancelledError} exception: {@code isCancelled()} false, as in asyncio) completes it at once and later
 * failures are marked retrieved. Cancelling it cancels the children; it ends cancelled (asyncio: with a
 * {@code CancelledError} exception) when the first of them reports its cancellation, or once all are done.
 */
final class GatheringFuture<T> extends Future<List<T>> {
    private final List<Future<?>> children;
    private final boolean returnExceptions;
    private int pending;
    private boolean cancelRequested;
    private String cancelRequestMessage;

    GatheringFuture(EventLoop loop, List<Future<?>> children, boolean returnExceptions) {
        super(loop);
        this.children = children;
        this.returnExceptions = returnExceptions;
        Set<Future<?>> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Future<?> f : children) {
            if (distinct.add(f)) {    // the same future given twice counts once, as in asyncio
                f.addDoneCallback(this::childDone);
            }
        }
        pending = distinct.size();
    }

    /** The futures gathered, in argument order (the await tree follows them). */
    List<Future<?>> children() {
        return children;
    }

    /** Cancels the children; true if any of them could be cancelled. */
    @Override
    public boolean cancel(String message) {
        if (isDone()) {
            return false;
        }
        boolean any = false;
        for (Future<?> f : children) {
            any |= f.cancel(message);
        }
        if (any) {
            cancelRequested = true;
            cancelRequestMessage = message;
        }
        return any;
    }

    private void childDone(Future<?> child) {
        pending--;
        if (isDone()) {
            if (!child.isCancelled()) {
                child.exception();   // seen by gather: not "never retrieved"
            }
            return;
        }
        if (!returnExceptions) {
            if (child.isCancelled()) {
                if (cancelRequested) {
                    super.cancel(cancelRequestMessage);    // gather was cancelled: it ends cancelled
                } else {
                    setException(child.makeCancelledError());
                }
                return;
            }
            Throwable e = child.exception();
            if (e != null) {
                setException(e);
                return;
            }
        }
        if (pending > 0) {
            return;
        }
        List<Object> results = new ArrayList<>(children.size());
        for (Future<?> f : children) {
            if (f.isCancelled()) {
                results.add(f.makeCancelledError());
            } else {
                Throwable e = f.exception();
                results.add(e != null ? e : f.peekResult());
            }
        }
        if (cancelRequested) {
            super.cancel(cancelRequestMessage);
        } else {
            @SuppressWarnings("unchecked")
            List<T> values = (List<T>) (List<?>) Collections.unmodifiableList(results);
            setResult(values);
        }
    }
}
