package io.github.asyncio4j.queue;

import io.github.asyncio4j.AsyncIterable;
import io.github.asyncio4j.AsyncIterator;
import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.internal.Waiters;
import io.github.asyncio4j.internal.Waiters.Waiter;
import io.github.asyncio4j.sync.Event;
import java.util.ArrayDeque;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * asyncio's Queue: first in, first out, between tasks of one event loop; bounded when {@code maxsize > 0}.
 *
 * <pre>{@code
 * await(queue.put(job));          // waits while the queue is full
 * Job job = await(queue.get());   // waits while it is empty
 * queue.taskDone();               // after handling job; await(queue.join()) waits for every job
 * for (Job j : queue.each()) { }  // async for: ends once the queue is shut down and drained
 * }</pre>
 *
 * <p>Waiting putters and getters are woken first come, first served, one per freed slot or new item; a woken
 * task re-checks the queue and, if another task took the slot or item first, waits again at the head of the
 * line. A waiter that is cancelled leaves no trace: it takes no item and no slot, and a wake-up that reached it
 * just before the cancellation is passed on to the next waiter.
 *
 * <p>{@link #shutdown(boolean)} follows Python 3.13: puts fail with {@link QueueShutDown} from then on; gets
 * drain what is left, then fail; {@code shutdown(true)} also discards the items left (counting them as done
 * for {@link #join()}). Tasks blocked in {@code put}/{@code get} are woken and get {@code QueueShutDown}.
 * Items may not be null. Loop-confined: not thread-safe; the queue binds to the loop of its first waiter.
 */
public class Queue<T> implements AsyncIterable<T> {
    private final int maxsize;
    private final java.util.Queue<T> items;
    private final Waiters getters = new Waiters(this);
    private final Waiters putters = new Waiters(this);
    private final Event finished = new Event();
    private final Awaitable<T> get = this::getAwait;
    private int unfinishedTasks;
    private boolean isShutdown;

    /** An unbounded queue. */
    public Queue() {
        this(0);
    }

    /** A queue holding at most {@code maxsize} items; 0 means unbounded. @throws IllegalArgumentException if {@code maxsize < 0} */
    public Queue(int maxsize) {
        this(maxsize, new ArrayDeque<>());
    }

    /** For the subclasses: {@code items} decides the order in which items come out. */
    Queue(int maxsize, java.util.Queue<T> items) {
        if (maxsize < 0) {
            throw new IllegalArgumentException("Queue maxsize must be >= 0 (0 means unbounded), got " + maxsize);
        }
        this.maxsize = maxsize;
        this.items = items;
        finished.set();
    }

    /** The bound; 0 means unbounded. */
    public int maxsize() {
        return maxsize;
    }

    /** The number of items in the queue. */
    public int qsize() {
        return items.size();
    }

    /** True if the queue holds no item. */
    public boolean empty() {
        return items.isEmpty();
    }

    /** True if the queue is bounded and holds {@code maxsize} items. */
    public boolean full() {
        return maxsize > 0 && items.size() >= maxsize;
    }

    /** True once {@link #shutdown} was called. */
    public boolean isShutdown() {
        return isShutdown;
    }

    /**
     * An awaitable that puts {@code item} in the queue, waiting while it is full.
     *
     * @throws NullPointerException if {@code item} is null
     * @throws QueueShutDown (when awaited) if the queue is shut down, also while waiting
     */
    public Awaitable<Void> put(T item) {
        Objects.requireNonNull(item, "item (a queue cannot hold null)");
        return () -> putAwait(item);
    }

    /**
     * Puts {@code item} without waiting.
     *
     * @throws QueueFull if the queue is full
     * @throws QueueShutDown if the queue is shut down
     */
    public void putNowait(T item) {
        Objects.requireNonNull(item, "item (a queue cannot hold null)");
        if (isShutdown) {
            throw new QueueShutDown("put on a shut-down queue");
        }
        if (full()) {
            throw new QueueFull("putNowait() on a full queue (maxsize " + maxsize + ")");
        }
        items.add(item);
        unfinishedTasks++;
        finished.clear();
        getters.wakeOne();
    }

    /**
     * An awaitable that takes the next item, waiting while the queue is empty.
     *
     * @throws QueueShutDown (when awaited) if the queue is shut down and empty, also while waiting
     */
    public Awaitable<T> get() {
        return get;
    }

    /**
     * Takes the next item without waiting.
     *
     * @throws QueueEmpty if the queue is empty
     * @throws QueueShutDown if the queue is empty and shut down
     */
    public T getNowait() {
        T item = items.poll();
        if (item == null) {
            if (isShutdown) {
                throw new QueueShutDown("get from a shut-down, empty queue");
            }
            throw new QueueEmpty("getNowait() on an empty queue");
        }
        putters.wakeOne();
        return item;
    }

    /**
     * Marks one item taken with {@code get} as handled; when every item put has been handled, {@link #join()}
     * returns.
     *
     * @throws IllegalStateException if called more times than items were put
     */
    public void taskDone() {
        if (unfinishedTasks <= 0) {
            throw new IllegalStateException("taskDone() called too many times");
        }
        if (--unfinishedTasks == 0) {
            finished.set();
        }
    }

    /** An awaitable that waits until every item put so far has been marked {@link #taskDone() done}. */
    public Awaitable<Void> join() {
        return finished.untilSet();
    }

    /** Same as {@code shutdown(false)}. */
    public void shutdown() {
        shutdown(false);
    }

    /**
     * Shuts the queue down: later puts raise {@link QueueShutDown}, and so do gets once the queue is empty;
     * tasks blocked in {@code put} or {@code get} are woken to raise it. With {@code immediate}, the items left
     * are discarded and each counts as a {@link #taskDone()} (so {@link #join()} returns once the items already
     * taken are done).
     */
    public void shutdown(boolean immediate) {
        isShutdown = true;
        if (immediate) {
            while (items.poll() != null) {
                if (unfinishedTasks > 0) {
                    unfinishedTasks--;
                }
            }
            if (unfinishedTasks == 0) {
                finished.set();
            }
        }
        getters.wakeAll();
        putters.wakeAll();
    }

    /**
     * A consumer's iterator: {@code hasNext()} awaits {@link #get()} and ends (false) when the queue is shut down
     * and empty. It does not call {@link #taskDone()}; the consumer does, as with {@code get}.
     */
    @Override
    public AsyncIterator<T> asyncIterator() {
        return new QueueIterator();
    }

    private Void putAwait(T item) {
        boolean retry = false;
        while (full()) {
            if (isShutdown) {
                throw new QueueShutDown("put on a shut-down queue");
            }
            Waiter putter = putters.add(null, retry);   // at the head for a task that was woken but lost its turn
            try {
                putter.await();
            } catch (Throwable t) {
                putter.cancel();    // no-op if it was woken
                putters.remove(putter);
                if (putter.granted() && !full()) {
                    putters.wakeOne();      // woken for a free slot we will not use: pass it on
                }
                throw t;
            }
            retry = true;
        }
        putNowait(item);
        return null;
    }

    private T getAwait() {
        boolean retry = false;
        while (items.isEmpty()) {
            if (isShutdown) {
                throw new QueueShutDown("get from a shut-down, empty queue");
            }
            Waiter getter = getters.add(null, retry);   // at the head for a task that was woken but lost its turn
            try {
                getter.await();
            } catch (Throwable t) {
                getter.cancel();    // no-op if it was woken
                getters.remove(getter);
                if (getter.granted() && !items.isEmpty()) {
                    getters.wakeOne();      // woken for an item we will not take: pass it on
                }
                throw t;
            }
            retry = true;
        }
        return getNowait();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(getClass().getSimpleName()).append("[maxsize=").append(maxsize)
                .append(", qsize=").append(items.size());
        int g = getters.pending();
        int p = putters.pending();
        if (g > 0) {
            b.append(", getters=").append(g);
        }
        if (p > 0) {
            b.append(", putters=").append(p);
        }
        if (unfinishedTasks > 0) {
            b.append(", unfinished=").append(unfinishedTasks);
        }
        if (isShutdown) {
            b.append(", shut down");
        }
        return b.append(']').toString();
    }

    /** The queue's {@link AsyncIterator}: one element taken ahead by {@code hasNext()}. */
    private final class QueueIterator implements AsyncIterator<T> {
        private final Awaitable<Boolean> hasNext = this::advance;
        private T next;

        @Override
        public Awaitable<Boolean> hasNext() {
            return hasNext;
        }

        @Override
        public T next() {
            T item = next;
            if (item == null) {
                throw new NoSuchElementException("next() without a successful await(hasNext()) before it");
            }
            next = null;
            return item;
        }

        private Boolean advance() {
            if (next != null) {
                return Boolean.TRUE;
            }
            try {
                next = getAwait();
                return Boolean.TRUE;
            } catch (QueueShutDown end) {
                return Boolean.FALSE;
            }
        }
    }
}
