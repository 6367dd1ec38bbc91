package io.github.asyncio4j.queue;

import java.util.Comparator;
import java.util.Objects;

/**
 * asyncio's PriorityQueue: a {@link Queue} whose {@code get} returns the least item, by a {@link Comparator} or
 * by the items' natural order. Items that compare equal come out in no guaranteed order (a binary heap, as in
 * Python); add a sequence number to the priority when ties must stay first in, first out. Without a comparator
 * the items must be {@link Comparable}: putting another item throws {@link ClassCastException} and leaves the
 * queue unchanged.
 */
public class PriorityQueue<T> extends Queue<T> {
    /** An unbounded queue in natural order. */
    public PriorityQueue() {
        this(0);
    }

    /** A queue in natural order holding at most {@code maxsize} items; 0 means unbounded. */
    public PriorityQueue(int maxsize) {
        super(maxsize, new java.util.PriorityQueue<>());
    }

    /** An unbounded queue ordered by {@code comparator}. */
    public PriorityQueue(Comparator<? super T> comparator) {
        this(0, comparator);
    }

    /** A queue ordered by {@code comparator} holding at most {@code maxsize} items; 0 means unbounded. */
    public PriorityQueue(int maxsize, Comparator<? super T> comparator) {
        super(maxsize, new java.util.PriorityQueue<>(Objects.requireNonNull(comparator, "comparator")));
    }
}
