package io.github.asyncio4j;

import java.lang.ref.Cleaner;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * An asynchronous generator (PEP 525): a body that can both {@code await} and {@code yield}, consumed with
 * {@code async for}.
 *
 * <pre>{@code
 * static AsyncGenerator<String> ticks(int n) {
 *     return AsyncGenerator.of(y -> {
 *         for (int i = 0; i < n; i++) {
 *             await(sleep(0.1));
 *             y.yield("tick " + i);
 *         }
 *     });
 * }
 * for (String t : ticks(3).each()) {     // async for t in ticks(3):   (inside a task)
 *     System.out.println(t);
 * }
 * }</pre>
 *
 * <p>How it runs: the body is a {@link Coroutine} that this generator drives by hand. Asking for the next element
 * resumes it; every trap it yields (a sleep, a future, I/O) is passed on to the task that asked, and its answer
 * passed back; a {@code yield} ends the step. So the body's awaits suspend the consumer's task, cancelling that
 * task raises {@link CancelledError} inside the body, and an exception from the body reaches the consumer.
 *
 * <p>Lifecycle: nothing runs until the first element is asked for. {@link #aclose()} raises {@link GeneratorExit}
 * at the suspended {@code yield} so its {@code finally} blocks run (and may await). A generator that is
 * abandoned before its end (for example by a {@code break}) is closed by its loop: when it is garbage collected,
 * or at the latest by {@link EventLoop#shutdownAsyncgens()}, which {@link Async#run} calls before it returns (as
 * Python's {@code loop.shutdown_asyncgens()}). One iteration at a time: asking for the next element while another
 * request is in progress is an {@link IllegalStateException}. Iterating it again after the end yields nothing.
 *
 * @param <T> the values it yields
 */
public final class AsyncGenerator<T> implements AsyncIterable<T> {
    private static final Cleaner FINALIZER = Cleaner.create();

    /** The generator's state, kept apart from this handle so the finaliser can close it after the handle is gone. */
    private final Body<T> body;
    private final AsyncIterator<T> iterator;

    private AsyncGenerator(AsyncGeneratorBody<T> fn) {
        this.body = new Body<>(fn);
        this.iterator = new AsyncIterator<>() {
            @Override
            public Awaitable<Boolean> hasNext() {
                return () -> advance();
            }

            @Override
            public T next() {
                return body.take();
            }
        };
    }

    /** An {@code async def} generator's call: creates the generator, runs nothing. */
    public static <T> AsyncGenerator<T> of(AsyncGeneratorBody<T> body) {
        return new AsyncGenerator<>(Objects.requireNonNull(body, "body"));
    }

    /** The generator's one iterator ({@code agen.__aiter__()} is {@code agen}): each call returns the same one. */
    @Override
    public AsyncIterator<T> asyncIterator() {
        return iterator;
    }

    /**
     * {@code await anext(agen)}: an awaitable of the next value.
     *
     * @throws NoSuchElementException (when awaited) if the generator has ended ({@code StopAsyncIteration})
     */
    public Awaitable<T> anext() {
        return () -> {
            if (!advance()) {
                throw new NoSuchElementException("the asynchronous generator has ended");
            }
            return body.take();
        };
    }

    /**
     * {@code await agen.aclose()}: raises {@link GeneratorExit} at the suspended {@code yield} and runs the body
     * until it finishes, awaiting what its {@code finally} blocks await. Closing a generator that has not started
     * or has ended does nothing.
     *
     * @throws IllegalStateException (when awaited) if the body yields again instead of finishing
     *                               ("async generator ignored GeneratorExit"), or if the generator is running
     */
    public Awaitable<Void> aclose() {
        return body::aclose;
    }

    /** True once the body has returned, failed or been closed. */
    public boolean isClosed() {
        return body.closed;
    }

    private boolean advance() {
        Coroutine.requireAwaitContext("an async generator");
        if (body.started == null && !body.closed) {
            EventLoop loop = EventLoop.running();
            body.started = loop;
            loop.asyncGeneratorStarted(body);
            FINALIZER.register(this, body.finalizer());
        }
        return body.advance();
    }

    @Override
    public String toString() {
        return "AsyncGenerator[" + (body.closed ? "CLOSED" : body.inner.state()) + "]";
    }

    /** The body, its coroutine and where the iteration stands. Never references the {@link AsyncGenerator}. */
    static final class Body<T> implements AsyncYielder<T> {
        private final Coroutine<Void> inner;
        private boolean running;
        private boolean ready;
        private T value;
        boolean closed;
        EventLoop started;

        /** What the body's coroutine yields to hand out a value (anything else it yields is a {@link Trap}). */
        private record Yielded(Object value) {
        }

        private static final Object END = new Object();

        Body(AsyncGeneratorBody<T> fn) {
            this.inner = Coroutine.of(() -> {
                fn.run(this);
                return null;
            });
            inner.claim();   // driven by hand below, never awaited: not a "never awaited" coroutine
        }

        @Override
        public void yield(T v) {
            Object sent = inner.frame.yieldRaw(new Yielded(v), false);
            assert sent == null;
        }

        @SuppressWarnings("unchecked")
        boolean advance() {
            if (ready) {
                return true;
            }
            if (closed) {
                return false;
            }
            Object y = step(null);
            if (y == END) {
                return false;
            }
            value = (T) ((Yielded) y).value();
            ready = true;
            return true;
        }

        T take() {
            if (!ready) {
                throw new NoSuchElementException("await hasNext() (to true) before next()");
            }
            ready = false;
            T v = value;
            value = null;
            return v;
        }

        /**
         * Resumes the body ({@code toThrow} raised at its suspension point, if not null) and runs it to its next
         * {@code yield} ({@link Yielded}) or its end ({@link #END}), passing every trap it yields on to the
         * calling task. Rethrows what the body throws.
         */
        private Object step(Throwable toThrow) {
            if (running) {
                throw new IllegalStateException("the asynchronous generator is already running");
            }
            running = true;
            try {
                Object y = inner.resume(null, toThrow);
                while (true) {
                    if (y == Frame.DONE) {
                        finish();
                        return END;
                    }
                    if (y instanceof Yielded) {
                        return y;
                    }
                    Object answer;
                    try {
                        answer = Coroutine.forwardTrap(y);
                    } catch (Throwable t) {
                        y = inner.resume(null, t);
                        continue;
                    }
                    y = inner.resume(answer, null);
                }
            } catch (Throwable t) {
                finish();
                throw t;
            } finally {
                running = false;
            }
        }

        private void finish() {
            closed = true;
            ready = false;
            value = null;
            EventLoop loop = started;
            if (loop != null) {
                loop.asyncGeneratorFinished(this);
            }
        }

        Void aclose() {
            Coroutine.requireAwaitContext("an async generator's aclose()");
            if (running) {
                throw new IllegalStateException("aclose(): the asynchronous generator is already running");
            }
            ready = false;
            value = null;
            switch (inner.state()) {
                case CREATED -> {
                    inner.close();
                    finish();
                    return null;
                }
                case CLOSED -> {
                    finish();
                    return null;
                }
                default -> {
                }
            }
            Object y;
            try {
                y = step(new GeneratorExit());
            } catch (GeneratorExit expected) {
                return null;
            }
            if (y == END) {
                return null;
            }
            throw new IllegalStateException("async generator ignored GeneratorExit");
        }

        /** Run by the garbage collector's thread when the handle is gone: closes an unfinished body on its loop. */
        Runnable finalizer() {
            return () -> {
                EventLoop loop = started;
                if (closed || loop == null || loop.isClosed()) {
                    return;
                }
                try {
                    loop.callSoonThreadsafe(() -> {
                        if (!closed && !running) {
                            loop.createTask(Coroutine.of(this::aclose), "aclose of an abandoned async generator");
                        }
                    });
                } catch (IllegalStateException closedMeanwhile) {
                    // the loop closed: nothing can run the finally blocks any more
                }
            };
        }
    }
}
