package io.github.asyncio4j.crawler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A thread that takes records from the loop without blocking it and writes them in batches: a batch starts with
 * the first record waiting and closes after {@code linger} milliseconds or {@code maxBatch} records, whichever
 * comes first, then goes to the {@link Sink} in one call. So a record is written at most {@code linger} ms plus
 * one write after it was submitted, and a slow disk makes batches larger, never the loop slower.
 *
 * <p>Invariant: records reach the sink in the order they were submitted, and what the sink wrote is a prefix of
 * what was submitted. A sink failure stops the writing (nothing after it is written, so the prefix holds) and is
 * kept, and thrown as a {@link CrawlWriteException} naming what was being written by the next {@link #submit} and
 * by {@link #close}: it is never lost.
 *
 * @param <T> the record type
 */
final class BatchWriter<T> implements AutoCloseable {
    /** Where batches go; runs on the writer thread only. */
    interface Sink<T> {
        /** Writes {@code batch} durably (or throws). */
        void write(List<T> batch) throws Exception;

        /** Called once on the writer thread after the last batch. */
        void close() throws Exception;
    }

    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Sink<T> sink;
    private final String what;
    private final long lingerNanos;
    private final int maxBatch;
    private final Thread thread;
    private volatile Exception failure;
    private boolean closed;

    /**
     * A writer thread called {@code name} writing to {@code sink}; {@code what} names the output in a failure's
     * message, as the user gave it ({@code "--state DIR"}).
     */
    BatchWriter(String name, String what, Sink<T> sink, long lingerMillis, int maxBatch) {
        this.sink = sink;
        this.what = what;
        this.lingerNanos = TimeUnit.MILLISECONDS.toNanos(lingerMillis);
        this.maxBatch = maxBatch;
        this.thread = Thread.ofPlatform().name(name).daemon().start(this::run);
    }

    /** Queues {@code record}; never blocks. @throws CrawlWriteException if writing has failed */
    void submit(T record) {
        rethrow();
        if (closed) {
            throw new IllegalStateException("the writer is closed");
        }
        queue.add(record);
    }

    /**
     * Writes what is queued, closes the sink and waits for the thread.
     * @throws CrawlWriteException if writing failed, now or before
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            queue.add(END);
            boolean interrupted = false;
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        rethrow();
    }

    private void rethrow() {
        Exception f = failure;
        if (f != null) {
            throw new CrawlWriteException(what + ": writing failed (" + ErrorText.of(f) + ")", f);
        }
    }

    @SuppressWarnings("unchecked")
    private void run() {
        List<T> batch = new ArrayList<>();
        boolean end = false;
        try {
            while (!end) {
                Object first = queue.take();
                if (first == END) {
                    break;
                }
                batch.add((T) first);
                long deadline = System.nanoTime() + lingerNanos;
                while (batch.size() < maxBatch) {
                    long left = deadline - System.nanoTime();
                    Object next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    if (next == END) {
                        end = true;
                        break;
                    }
                    batch.add((T) next);
                }
                if (failure == null) {
                    sink.write(batch);
                }
                batch.clear();
            }
        } catch (Exception e) {
            failure = e;
        } finally {
            try {
                sink.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
    }
}
