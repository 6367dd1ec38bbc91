package io.github.asyncio4j.queue;

import java.util.ArrayDeque;
import java.util.Collections;

/** asyncio's LifoQueue: a {@link Queue} whose {@code get} returns the most recently put item (a stack). */
public class LifoQueue<T> extends Queue<T> {
    /** An unbounded LIFO queue. */
    public LifoQueue() {
        this(0);
    }

    /** A LIFO queue holding at most {@code maxsize} items; 0 means unbounded. */
    public LifoQueue(int maxsize) {
        super(maxsize, Collections.asLifoQueue(new ArrayDeque<>()));
    }
}
