package io.github.asyncio4j;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A Python generator: a function whose frame lives on the heap, so it can stop at {@code yield} and resume
 * later. Created by {@link #of}; runs nothing until the first {@link #next()}.
 *
 * <pre>{@code
 * Generator<Integer, Integer, String> g = Generator.of(y -> {
 *     int index = 0;
 *     while (index < 5) {
 *         Integer jump = y.yield(index);
 *         index += (jump == null) ? 1 : jump;
 *     }
 *     return "done";
 * });
 * g.next(); g.send(2); g.next(); g.send(-1);   // 0, 2, 3, 2
 * for (int x : g) { }                          // 3, 4
 * }</pre>
 *
 * <p>States: {@code CREATED -> RUNNING <-> SUSPENDED -> CLOSED}. Not thread-safe: drive a generator from one
 * thread at a time. Exceptions thrown by the body reach the caller of {@code next}/{@code send}/{@code throwInto}
 * unchanged (checked ones included) and close the generator.
 *
 * @param <Y> yielded values
 * @param <S> values sent in
 * @param <R> the return value, handed out as {@link StopIteration#value()}
 */
public final class Generator<Y, S, R> implements Iterable<Y>, AutoCloseable {

    /** Python's {@code inspect.getgeneratorstate}. */
    public enum State {
        /** Created; the body has not started. */
        CREATED,
        /** The body is executing. */
        RUNNING,
        /** Stopped at a {@code yield}. */
        SUSPENDED,
        /** Returned, failed or closed. */
        CLOSED
    }

    final Frame<Y, S, R> frame;

    private Generator(GeneratorBody<Y, S, R> body) {
        GeneratorStateMachine machine = Compiled.machineFor(Objects.requireNonNull(body, "body"));
        this.frame = machine == null ? new Frame<>(body) : Frame.compiledGenerator(machine, body);
    }

    /** A call of a generator function: creates the generator, runs nothing. */
    public static <Y, S, R> Generator<Y, S, R> of(GeneratorBody<Y, S, R> body) {
        return new Generator<>(body);
    }

    /** {@code next(g)}: same as {@code send(null)}. */
    public Y next() {
        return send(null);
    }

    /**
     * {@code g.send(value)}: resumes the body, making its pending {@code yield} return {@code value}, and returns
     * the next yielded value.
     *
     * @throws StopIteration when the body returns (or the generator was already closed)
     * @throws IllegalStateException for a non-null value sent to a just-created generator, or when the
     *                               generator is already executing
     */
    @SuppressWarnings("unchecked")
    public Y send(S value) {
        Object y = frame.resume(value, null, this);
        if (y == Frame.DONE) {
            throw new StopIteration(frame.takeResult());
        }
        return (Y) y;
    }

    /**
     * {@code g.throw(t)}: raises {@code t} at the suspension point and returns the next yielded value. On a
     * just-created or closed generator, {@code t} is thrown straight back (and the generator is closed).
     */
    @SuppressWarnings("unchecked")
    public Y throwInto(Throwable t) {
        Objects.requireNonNull(t, "throwable");
        Object y = frame.resume(null, t, this);
        if (y == Frame.DONE) {
            throw new StopIteration(frame.takeResult());
        }
        return (Y) y;
    }

    /**
     * {@code g.close()}: raises {@link GeneratorExit} at the suspension point so {@code finally} blocks run
     * (through every level of {@code yieldFrom}). Closing a created or closed generator just marks it closed.
     *
     * @throws IllegalStateException "generator ignored GeneratorExit" if the body yields again
     */
    @Override
    public void close() {
        frame.close("generator", t -> frame.resume(null, t, this));
    }

    /** Where the generator stands. */
    public State state() {
        return frame.state();
    }

    /**
     * Where a suspended generator waits: the frames of its body, innermost (the {@code yield} call) first, without
     * the engine's own; empty unless {@link State#SUSPENDED}. Python shows this as {@code gi_frame}.
     */
    public List<StackTraceElement> getStack() {
        if (frame.state() != State.SUSPENDED) {
            return List.of();
        }
        return frame.bodyStack();
    }

    /**
     * True when this generator's body runs compiled to a state machine ({@code -Dasyncio4j.generators=compiled}
     * on JDK 24+, and a body the compiler could prove it handles), false when it runs on an engine's strand.
     */
    public boolean isCompiled() {
        return frame.isCompiled();
    }

    /**
     * The state machine the generator compiler makes of this generator's body, as a readable, javap-like listing
     * (its fields, then its {@code step} method), or a line saying why the body does not compile. Works whether or
     * not this generator runs compiled (on JDK 24+); a tool for learning and debugging, not for parsing.
     */
    public String compiledListing() {
        return Compiled.listing(frame.body());
    }

    /** {@code for x in g}: yields what the generator yields, until it returns. Sends {@code null} each step. */
    @Override
    public Iterator<Y> iterator() {
        return new Values();
    }

    /**
     * The for-each adapter. {@code hasNext} resumes the body once and keeps what it yielded for {@code next}, so a
     * for-each costs one resume per value; {@code hasNext} and {@code next} stay small enough to inline into the
     * caller's loop (the resume is the one call per value). Invariant: {@code pending} is {@link #NOT_FETCHED},
     * a fetched value not yet returned by {@code next}, or {@link Frame#DONE} for good once the body has ended.
     */
    private final class Values implements Iterator<Y> {
        private Object pending = NOT_FETCHED;

        @Override
        public boolean hasNext() {
            Object p = pending;
            if (p == NOT_FETCHED) {
                pending = p = frame.resume(null, null, Generator.this);
            }
            return p != Frame.DONE;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Y next() {
            Object p = pending;
            if (p == NOT_FETCHED) {
                p = frame.resume(null, null, Generator.this);
            }
            if (p == Frame.DONE) {
                pending = p;
                throw new NoSuchElementException("generator is exhausted");
            }
            pending = NOT_FETCHED;
            return (Y) p;
        }
    }

    /** {@link Values}'s marker for "nothing fetched yet". */
    private static final Object NOT_FETCHED = new Object();

    /** The yielded values as a sequential stream; closing the stream closes the generator. */
    public Stream<Y> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false)
                .onClose(this::close);
    }

    @Override
    public String toString() {
        return "Generator[" + frame.state() + "]";
    }
}
