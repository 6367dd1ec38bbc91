package io.github.asyncio4j.engine;

import java.lang.ref.Cleaner;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * The fallback engine: the body runs on its own virtual thread and the two sides hand control back and forth.
 * Used when the JVM does not export {@code jdk.internal.vm}. Same semantics as the fast engine, slower.
 *
 * <p>Invariant: {@code bodyTurn} says who may run; only the side whose turn it is touches the strand's state.
 * The volatile write of {@code bodyTurn} publishes {@code handoff} and everything the giver wrote before it.
 */
final class ThreadStrand extends Strand {
    private static final ThreadFactory THREADS = Thread.ofVirtual().name("asyncio4j-generator-", 0).factory();
    private static final Cleaner CLEANER = Cleaner.create(Thread.ofVirtual().name("asyncio4j-cleaner").factory());
    private static final int SPINS = 64;

    /** Thrown inside an abandoned body to unwind its thread; never seen outside this class. */
    private static final class Abandoned extends Error {
        Abandoned() {
            super("generator abandoned while suspended", null, false, false);
        }
    }

    /** State shared with the cleaner: must not reference the strand's owner. */
    private static final class Shared implements Runnable {
        final Runnable body;
        volatile boolean bodyTurn;
        volatile boolean done;
        volatile boolean abandoned;
        volatile Thread driver;
        volatile Thread thread;
        Object[] handoff;

        Shared(Runnable body) {
            this.body = body;
        }

        /** The cleaner's action: unwind a suspended body so its thread ends. */
        @Override
        public void run() {
            abandoned = true;
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    private final Shared s;

    ThreadStrand(Runnable body) {
        s = new Shared(body);
    }

    @Override
    public void resume() {
        Shared s = this.s;
        if (s.done) {
            throw new IllegalStateException("strand already finished");
        }
        s.driver = Thread.currentThread();
        s.handoff = CarrierLocal.capture();
        s.bodyTurn = true;
        Thread t = s.thread;
        if (t == null) {
            t = THREADS.newThread(this::runBody);
            s.thread = t;
            t.start();
        } else {
            LockSupport.unpark(t);
        }
        for (int i = 0; s.bodyTurn; i++) {
            if (i < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
        CarrierLocal.restore(s.handoff);
    }

    private void runBody() {
        Shared s = this.s;
        CarrierLocal.restore(s.handoff);
        try {
            s.body.run();
        } catch (Abandoned ignored) {
            return;
        } finally {
            s.done = true;
        }
        if (!s.abandoned) {
            giveTurnBack(s);
        }
    }

    private static void giveTurnBack(Shared s) {
        s.handoff = CarrierLocal.capture();
        s.bodyTurn = false;
        LockSupport.unpark(s.driver);
    }

    @Override
    public void suspend() {
        Shared s = this.s;
        if (Thread.currentThread() != s.thread) {
            throw new IllegalStateException("suspend() called outside the strand's body");
        }
        giveTurnBack(s);
        for (int i = 0; !s.bodyTurn; i++) {
            if (s.abandoned) {
                throw new Abandoned();
            }
            if (i < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
        CarrierLocal.restore(s.handoff);
    }

    @Override
    public boolean isCurrent() {
        return Thread.currentThread() == s.thread;
    }

    @Override
    public boolean isDone() {
        return s.done;
    }

    @Override
    public StackTraceElement[] stackTrace() {
        Thread t = s.thread;
        return t == null || s.bodyTurn ? new StackTraceElement[0] : fromSuspendPoint(t.getStackTrace());
    }

    @Override
    public void releaseWhenUnreachable(Object owner) {
        CLEANER.register(owner, s);
    }
}
