package io.github.asyncio4j;

import io.github.asyncio4j.engine.CarrierLocal;
import io.github.asyncio4j.internal.Log;
import io.github.asyncio4j.net.Protocol;
import io.github.asyncio4j.net.ProtocolConnection;
import io.github.asyncio4j.net.Protocols;
import io.github.asyncio4j.net.Server;
import io.github.asyncio4j.net.Sockets;
import io.github.asyncio4j.net.StreamOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.net.InetSocketAddress;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * asyncio's event loop: a ready queue of callbacks, a heap of timers and a {@link Selector}, run by one thread.
 * {@link #runOnce()} is one iteration; a {@link Task}'s step is one callback in it.
 *
 * <p>Thread rules: one loop per thread. Everything here is confined to the thread that runs the loop (before it
 * first runs: the thread that created it); calling from another thread is an {@link IllegalStateException},
 * except {@link #callSoonThreadsafe}, {@link #time()}, {@link #isRunning()}, {@link #isClosed()} and
 * {@link #dumpTasks()}.
 */
public final class EventLoop implements AutoCloseable {
    private static final CarrierLocal<EventLoop> RUNNING = new CarrierLocal<>();
    private static final Cleaner NEVER_AWAITED = Cleaner.create();
    /** Timers due within this many seconds of now fire in this iteration: the clock's reading is not exact. */
    private static final double CLOCK_RESOLUTION = 1e-6;
    /**
     * Cancelled timers stay in the heap until due; once more than this many are dead and they are over half of the
     * heap, it is rebuilt without them (CPython's {@code _MIN_SCHEDULED_TIMER_HANDLES}): memory stays bounded when
     * timeouts are mostly cancelled, and a small heap is never rebuilt for a handful.
     */
    private static final int MIN_CANCELLED_TIMERS_TO_PURGE = 100;
    private static final AtomicInteger LOOPS = new AtomicInteger();
    /** The task numbers handed out to loops so far, in blocks of {@link #TASK_NUMBER_BLOCK} (see {@link #nextTaskNumber}). */
    private static final AtomicLong TASK_NUMBERS = new AtomicLong();
    private static final int TASK_NUMBER_BLOCK = 1024;
    /** Whether the JFR events can be used at all (the {@code jdk.jfr} module is present). */
    private static final boolean JFR = jfrAvailable();

    /** What runs in the next iteration, in order: {@link Handle}s, and {@link Task}s whose step is due (see {@link #fire}). */
    private final ArrayDeque<Object> ready = new ArrayDeque<>();
    private final PriorityQueue<TimerHandle> timers = new PriorityQueue<>();
    private int cancelledTimers;
    private long timerSequence;
    private final ConcurrentLinkedQueue<Handle> threadsafe = new ConcurrentLinkedQueue<>();
    private volatile boolean wakeupPending;
    private final Selector selector;
    /** {@link #selected}, made once: the selector's action for every ready key. */
    private final Consumer<SelectionKey> onSelected = this::selected;
    private int ioRegistrations;

    private final LoopClock clock;
    /** The clock's time does not pass by itself: before blocking, the loop checks that it is really idle. */
    private final boolean virtualClock;
    /** Work handed to threads ({@link #runInExecutor}, the executor's shutdown) whose result has not come back. */
    private int threadJobs;

    private volatile Thread owner;
    private volatile boolean running;
    private boolean stopping;
    private volatile boolean closed;
    private boolean debug = Boolean.getBoolean("asyncio4j.debug");
    private double slowCallbackDuration = 0.1;
    private ExceptionHandler exceptionHandler;
    private ExecutorService defaultExecutor;
    /** The default executor's running jobs, by thread: what a bounded shutdown names when it gives up. */
    private final java.util.concurrent.ConcurrentHashMap<Thread, String> executorJobs =
            new java.util.concurrent.ConcurrentHashMap<>();
    private LoopSignals signals;
    private final String name = "loop-" + LOOPS.incrementAndGet();
    private boolean everRun;
    /** The JMX object name while registered (an {@code ObjectName}; Object keeps java.management optional). */
    volatile Object mbeanName;
    private long slowCallbacks;
    /** Open JFR task-lifetime events, while that event is enabled. */
    private java.util.Map<Task<?>, Object> taskEvents;

    /** The task whose step is running, or null. */
    Task<?> currentTask;
    /**
     * The running thread's coroutine slot, looked up when {@link #runForever} starts and dropped when it ends: a
     * task's step is driven on that thread, so it needs no thread-local look-up of its own.
     */
    Coroutine.Current coroutineSlot;
    /** The plans of the coroutine bodies made on this loop, when compiled coroutines are on (else null). */
    final Compiled.PlanCache coroutinePlans = Compiled.coroutinesEnabled() ? new Compiled.PlanCache() : null;
    /** The context of the running callback or task step. */
    Context currentContext;
    /** Async generators that started on this loop and have not finished ({@code loop._asyncgens}). */
    private final Set<AsyncGenerator.Body<?>> asyncgens = new LinkedHashSet<>();
    /**
     * The live (not done) tasks that have suspended at least once, linked through {@link Task#prevLive}. A task is
     * linked at its first suspension ({@link #linkLive}), not at its creation: until then it is in the ready queue
     * or running, where {@link #allTasks} finds it, and most short tasks end in their first step without ever being
     * linked. (Linking is a store of a young task into this long-lived loop, which under G1 costs a memory fence;
     * measured, compiled coroutines: spawn + complete 39-40 -> 35.6 ns in JMH, CPU medians 32.6-41.7 -> 30.6-31.9
     * ns in {@code LoopCpuTime spawn}; docs/DESIGN.md, "Compiled coroutines".)
     */
    private Task<?> liveTasks;
    /** Coroutines made during this iteration, not yet checked for being awaited (see {@link #trackNew}). */
    private Coroutine<?>[] fresh = new Coroutine<?>[16];
    private int freshCount;
    private static final int MAX_FRESH = 4096;
    /** Tasks made and not done, linked or not. */
    private int liveTaskCount;
    /** The last task number taken from this loop's block, and the block's last; equal when the block is used up. */
    private long taskNumber, taskNumberLimit;

    private EventLoop(LoopClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.virtualClock = clock.isVirtual();
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for the event loop", e);
        }
        owner = CarrierLocal.carrierThread();
    }

    /** A new event loop on the {@linkplain LoopClock#monotonic() real clock}, owned by the calling thread until it runs. */
    public static EventLoop create() {
        return new EventLoop(LoopClock.monotonic());
    }

    /**
     * A new event loop whose {@link #time()} and timers run on {@code clock} (a {@link VirtualClock} in tests),
     * owned by the calling thread until it runs.
     */
    public static EventLoop create(LoopClock clock) {
        return new EventLoop(clock);
    }

    /** The loop running on this (logical) thread, or null. */
    static EventLoop running() {
        EventLoop last = lastStarted;
        if (last != null && last.runningOn == Thread.currentThread()) {
            return last;     // the usual case, one loop per thread: no thread-local look-up
        }
        return RUNNING.get();
    }

    /**
     * The loop whose run started last in the process, for {@link #running()}'s fast path. Read without
     * synchronization: any loop it gives is checked by {@link #runningOn}.
     */
    private static EventLoop lastStarted;
    /**
     * The thread (itself, not a strand's logical one) running {@link #runForever}, null when not running. Written
     * only by that thread, when the run starts and when it ends: so a thread finds itself here only while it runs
     * this loop, whatever stale value it reads.
     */
    private Thread runningOn;

    /** The loop's time: its {@linkplain #clock() clock} in seconds; every deadline is in this time. Safe from any thread. */
    public double time() {
        return LoopClock.seconds(clock.nanoTime());
    }

    /** The clock this loop was created with. Safe from any thread. */
    public LoopClock clock() {
        return clock;
    }

    /** True while {@link #runForever()} or {@link #runUntilComplete} runs. Safe from any thread. */
    public boolean isRunning() {
        return running;
    }

    /** True once {@link #close()} was called. Safe from any thread. */
    public boolean isClosed() {
        return closed;
    }

    /** True in debug mode (see {@link #setDebug}). */
    public boolean getDebug() {
        return debug;
    }

    /**
     * Debug mode: reports where a never-awaited coroutine was created (such coroutines are reported always), and
     * callbacks slower than
     * {@link #setSlowCallbackDuration} (0.1 s by default). Also on with {@code -Dasyncio4j.debug=true}.
     */
    public void setDebug(boolean enabled) {
        checkThread();
        debug = enabled;
    }

    /** In debug mode, callbacks and task steps that take at least {@code seconds} are logged. */
    public void setSlowCallbackDuration(double seconds) {
        checkThread();
        slowCallbackDuration = seconds;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Running

    /** Runs until {@code awaitable} is done and returns its result (or throws its exception). */
    public <T> T runUntilComplete(Awaitable<T> awaitable) {
        Objects.requireNonNull(awaitable, "awaitable");
        checkClosed();
        checkCanRun();
        Future<T> future = ensureFuture(awaitable);
        java.util.function.Consumer<Future<T>> stopper = f -> stop();
        future.addDoneCallback(stopper);
        try {
            runForever();
        } finally {
            future.removeDoneCallback(stopper);
        }
        if (!future.isDone()) {
            throw new IllegalStateException("Event loop stopped before the awaitable completed");
        }
        return future.result();
    }

    /** Runs until {@link #stop()} is called. */
    public void runForever() {
        checkClosed();
        checkCanRun();
        owner = CarrierLocal.carrierThread();
        running = true;
        RUNNING.set(this);
        runningOn = Thread.currentThread();
        lastStarted = this;
        coroutineSlot = Coroutine.currentSlot();
        if (!everRun) {
            everRun = true;
            try {
                LoopMBeans.started(this);
            } catch (LinkageError noJavaManagement) {
                // JMX is optional
            }
        }
        try {
            while (true) {
                runOnce();
                if (stopping) {
                    break;
                }
            }
        } finally {
            stopping = false;
            running = false;
            currentTask = null;
            currentContext = null;
            coroutineSlot = null;
            runningOn = null;
            if (lastStarted == this) {
                lastStarted = null;   // a stopped loop is not kept reachable (a race only costs a fast-path miss)
            }
            RUNNING.set(null);
        }
    }

    /** Stops the loop after the current iteration (callbacks already ready still run once). */
    public void stop() {
        checkThread();
        stopping = true;
    }

    /** Closes the loop: drops pending callbacks, closes the selector, shuts the default executor down. */
    @Override
    public void close() {
        checkThread();
        if (running) {
            throw new IllegalStateException("Cannot close a running event loop");
        }
        if (closed) {
            return;
        }
        closed = true;
        if (signals != null) {
            signals.close();
        }
        if (everRun) {
            try {
                LoopMBeans.closed(this);
            } catch (LinkageError noJavaManagement) {
                // JMX is optional
            }
        }
        if (freshCount > 0) {
            sweepFresh();
        }
        ready.clear();
        timers.clear();
        abandonThreadsafe();
        try {
            selector.close();
        } catch (IOException e) {
            Log.asyncio4j().log(System.Logger.Level.WARNING, "closing the selector failed", e);
        }
        ExecutorService ex = defaultExecutor;
        if (ex != null) {
            ex.shutdown();
        }
    }

    /**
     * One iteration of the loop: poll I/O (without blocking if anything is ready), move due timers to the ready
     * queue, then run exactly the callbacks that are ready now; callbacks they schedule wait for the next one.
     */
    private void runOnce() {
        while (!timers.isEmpty() && timers.peek().cancelled()) {
            timers.poll().scheduled = false;
            cancelledTimers--;
        }
        long timeout;   // nanoseconds of real time; -1: until woken
        if (!ready.isEmpty() || stopping) {
            timeout = 0;
        } else {
            timeout = timers.isEmpty() ? -1 : nanosUntil(timers.peek().when());
            if (timeout != 0) {
                timeout = idleTimeout(timeout);
            }
        }
        poll(timeout);

        if (!timers.isEmpty()) {   // (the clock is read only when there are timers)
            double end = time() + CLOCK_RESOLUTION;
            while (!timers.isEmpty() && timers.peek().when() <= end) {
                TimerHandle t = timers.poll();
                t.scheduled = false;
                if (t.cancelled()) {
                    cancelledTimers--;
                } else {
                    ready.add(t);
                }
            }
        }

        for (int n = ready.size(); n > 0; n--) {
            run(ready.poll());
        }
        if (freshCount > 0) {
            sweepFresh();
        }
    }

    /** Nanoseconds of loop time until {@code when}, at least 0. */
    private long nanosUntil(double when) {
        return Math.max(0, (long) Math.ceil((when - time()) * 1e9));
    }

    /**
     * How long the loop, with no callback ready, may really block when its next timer is due in
     * {@code timerNanos} (-1: no timer): the clock decides ({@link LoopClock#beforeBlock}). A virtual clock is
     * asked only when the loop is idle: I/O polled without blocking found nothing, and no thread job is running.
     */
    private long idleTimeout(long timerNanos) {
        if (!virtualClock) {
            return clock.beforeBlock(timerNanos);
        }
        poll(0);
        if (!ready.isEmpty()) {
            return 0;
        }
        if (threadJobs > 0) {
            return -1;   // the job's result wakes the loop (callSoonThreadsafe); time must not jump past it
        }
        return clock.beforeBlock(timerNanos);
    }

    /** Runs one entry of the ready queue ({@link #fire}), timed in debug mode, reporting what it throws. */
    private void run(Object entry) {
        try {
            if (debug) {
                // Real time, not the loop's clock: a slow callback is slow for the machine, whatever the clock says.
                long start = System.nanoTime();
                fire(entry);
                double took = LoopClock.seconds(System.nanoTime() - start);
                if (took >= slowCallbackDuration) {
                    slowCallbacks++;
                    Log.asyncio4j().log(System.Logger.Level.WARNING,
                            String.format("Executing %s took %.3f seconds", describe(entry), took));
                }
            } else if (JFR && LoopEvents.slowCallbackEnabled()) {
                if (LoopEvents.fireTimed(entry, this)) {
                    slowCallbacks++;
                }
            } else {
                fire(entry);
            }
        } catch (Throwable t) {
            callExceptionHandler(new ExceptionContext("Exception in callback " + describe(entry), t,
                    entry instanceof Task<?> task ? task : null, entry instanceof Handle h ? h : null));
        } finally {
            currentContext = null;
        }
    }

    /**
     * Runs an entry of the ready queue: a task's step (the task is its own entry, so a step costs no handle; the
     * step sets the task's context) or a handle's callback in the handle's context.
     */
    void fire(Object entry) {
        if (entry instanceof Task<?> task) {
            task.step();
        } else {
            Handle h = (Handle) entry;
            currentContext = h.context;
            h.fire();
        }
    }

    /** An entry of the ready queue as reports name it. */
    static String describe(Object entry) {
        return entry instanceof Task<?> task ? "step of " + task : String.valueOf(entry);
    }

    /** Waits for I/O up to {@code timeout} real nanoseconds (negative: no limit) and schedules the ready callbacks. */
    private void poll(long timeout) {
        if (timeout == 0 && ioRegistrations == 0) {
            drainThreadsafe();
            return;
        }
        try {
            if (timeout == 0 || !threadsafe.isEmpty()) {
                selector.selectNow(onSelected);
            } else if (timeout < 0) {
                selector.select(onSelected);
            } else {
                selector.select(onSelected, Math.max(1, (timeout + 999_999) / 1_000_000));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("selector failed", e);
        }
        wakeupPending = false;
        drainThreadsafe();
    }

    /**
     * Schedules the callbacks of one ready key. Called by the selector during {@link #poll} (the action-taking
     * {@code select}: no selected-key set, so no allocation per ready key and no iterator per poll).
     */
    private void selected(SelectionKey key) {
        IoRegistration reg = (IoRegistration) key.attachment();
        int readyOps;
        try {
            readyOps = key.readyOps();
        } catch (CancelledKeyException e) {
            return;
        }
        if ((readyOps & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0 && reg.reader != null) {
            addReady(reg.reader);
        }
        if ((readyOps & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0 && reg.writer != null) {
            addReady(reg.writer);
        }
    }

    private void addReady(Handle h) {
        if (!h.cancelled()) {
            ready.add(h);
        }
    }

    private void drainThreadsafe() {
        Handle h;
        while ((h = threadsafe.poll()) != null) {
            ready.add(h);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Scheduling callbacks

    /** Runs {@code callback} in the next iteration (FIFO). */
    public Handle callSoon(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        checkThread();
        checkClosed();
        Handle h = new Handle(this, callback, contextForCallback());
        ready.add(h);
        return h;
    }

    /** Runs {@code callback} after {@code delaySeconds}. Timers fire in deadline order; ties in FIFO order. */
    public TimerHandle callLater(double delaySeconds, Runnable callback) {
        return callAt(time() + delaySeconds, callback);
    }

    /** {@link #callLater(double, Runnable)} with a {@link Duration}. */
    public TimerHandle callLater(Duration delay, Runnable callback) {
        return callLater(LoopClock.seconds(delay), callback);
    }

    /** Runs {@code callback} at loop time {@code when} (see {@link #time()}). */
    public TimerHandle callAt(double when, Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        checkThread();
        checkClosed();
        return scheduleTimer(when, callback, contextForCallback());
    }

    /** The one method other threads may call: runs {@code callback} on the loop's thread, waking it if needed. */
    public Handle callSoonThreadsafe(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        checkClosed();
        Handle h = new Handle(this, callback, null);
        threadsafe.add(h);
        if (closed && threadsafe.remove(h)) {   // close() drained the queue before our add: nobody will run it
            throw new IllegalStateException("Event loop is closed");
        }
        if (!wakeupPending) {
            wakeupPending = true;
            selector.wakeup();
        }
        return h;
    }

    /**
     * {@link #callSoonThreadsafe}, unless the loop is closed (or closes meanwhile): then nothing runs and false is
     * returned. For callers on other threads that race with {@link #close()}.
     */
    boolean callSoonThreadsafeIfOpen(Runnable callback) {
        if (closed) {
            return false;
        }
        try {
            callSoonThreadsafe(callback);
            return true;
        } catch (IllegalStateException closedMeanwhile) {
            return false;
        }
    }

    /**
     * A callback handed over by {@link #callSoonThreadsafe} that has something to release if the loop closes
     * before running it (e.g. a {@code CompletableFuture} to cancel): {@link #close()} calls {@link #abandon()}.
     */
    interface Abandonable {
        /** The loop closed before the callback ran; called on the closing thread. */
        void abandon();
    }

    /** Drops the callbacks other threads handed over, letting each release what it holds. */
    private void abandonThreadsafe() {
        Handle h;
        while ((h = threadsafe.poll()) != null) {
            if (h.callback instanceof Abandonable a) {
                try {
                    a.abandon();
                } catch (RuntimeException e) {
                    Log.asyncio4j().log(System.Logger.Level.WARNING, "abandoning " + h + " failed", e);
                }
            }
        }
    }

    /** Called by the garbage collector's thread: hands a report over to the loop, or logs if it is closed. */
    void reportFromAnyThread(ExceptionContext context) {
        if (closed) {
            defaultExceptionHandler(context);
            return;
        }
        try {
            callSoonThreadsafe(() -> callExceptionHandler(context));
        } catch (IllegalStateException closedMeanwhile) {
            defaultExceptionHandler(context);
        }
    }

    TimerHandle scheduleTimer(double when, Runnable callback, Context context) {
        TimerHandle t = new TimerHandle(this, when, timerSequence++, callback, context);
        timers.add(t);
        return t;
    }

    void timerCancelled(TimerHandle t) {
        if (t.scheduled) {
            cancelledTimers++;
            if (cancelledTimers > MIN_CANCELLED_TIMERS_TO_PURGE && cancelledTimers * 2 > timers.size()) {
                timers.removeIf(Handle::cancelled);   // rebuilds the heap without the dead timers
                cancelledTimers = 0;
            }
        }
    }

    /** Puts a task's step in the ready queue: the task itself is the entry. */
    void scheduleStep(Task<?> task) {
        ready.add(task);
    }

    private Context contextForCallback() {
        Context c = currentContext;
        return c == null || c.isEmpty() ? null : c.copy();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Futures and tasks

    /** A new pending future attached to this loop. */
    public <T> Future<T> createFuture() {
        checkThread();
        return new Future<>(this);
    }

    /** Wraps {@code coro} in a task scheduled to start in the next iteration. */
    public <T> Task<T> createTask(Coroutine<T> coro) {
        return createTask(coro, null);
    }

    /** Wraps {@code coro} in a named task; it inherits a copy of the caller's {@link ContextVar} values. */
    public <T> Task<T> createTask(Coroutine<T> coro, String name) {
        Objects.requireNonNull(coro, "coro");
        checkThread();
        checkClosed();
        Context parent = currentContext;   // copied only when it holds a value: most tasks never make one
        Task<T> task = new Task<>(this, coro, name, parent == null || parent.isEmpty() ? null : parent.copy());
        int n = freshCount;
        if (n > 0 && fresh[n - 1] == coro) {
            fresh[n - 1] = null;     // createTask(Coroutine.of(...)): claimed at once, nothing left to check
            freshCount = n - 1;
        }
        liveTaskCount++;
        if (JFR && LoopEvents.taskEnabled()) {
            taskEvents = LoopEvents.taskStarted(taskEvents, task);
        }
        scheduleStep(task);
        return task;
    }

    /**
     * The number of a new task's default name ("Task-N"): unique in the process and increasing in each loop's
     * creation order. A loop takes the numbers from a shared counter a block at a time, so a spawn costs no atomic
     * operation; with one loop they are 1, 2, 3, ... as in asyncio.
     */
    long nextTaskNumber() {
        if (taskNumber == taskNumberLimit) {
            taskNumberLimit = TASK_NUMBERS.addAndGet(TASK_NUMBER_BLOCK);
            taskNumber = taskNumberLimit - TASK_NUMBER_BLOCK;
        }
        return ++taskNumber;
    }

    /**
     * Links {@code task}, which has just suspended and has no {@code prevLive} (its step tests that, so a linked
     * task other than the head costs no call), into the live list, unless it is the list's head already.
     */
    void linkLive(Task<?> task) {
        if (liveTasks == task) {
            return;
        }
        task.nextLive = liveTasks;
        if (liveTasks != null) {
            liveTasks.prevLive = task;
        }
        liveTasks = task;
    }

    void taskFinished(Task<?> task) {
        if (task.prevLive != null) {
            task.prevLive.nextLive = task.nextLive;
        } else if (liveTasks == task) {
            liveTasks = task.nextLive;
        }   // else never linked: it ended in its first step
        if (task.nextLive != null) {
            task.nextLive.prevLive = task.prevLive;
        }
        task.prevLive = null;
        task.nextLive = null;
        liveTaskCount--;
        if (taskEvents != null) {
            LoopEvents.taskFinished(taskEvents, task, this);
        }
    }

    /**
     * Tasks of this loop that are not done yet ({@code asyncio.all_tasks}): those that have suspended (the live
     * list), those waiting in the ready queue for their first step, and the running one.
     */
    public Set<Task<?>> allTasks() {
        checkThread();
        Set<Task<?>> all = new LinkedHashSet<>();
        for (Task<?> t = liveTasks; t != null; t = t.nextLive) {
            all.add(t);
        }
        for (Object entry : ready) {
            if (entry instanceof Task<?> t && !t.isDone()) {
                all.add(t);
            }
        }
        Task<?> running = currentTask;
        if (running != null && !running.isDone()) {
            all.add(running);
        }
        return all;
    }

    /** The task whose step is running, or null ({@code asyncio.current_task}). */
    public Task<?> currentTask() {
        checkThread();
        return currentTask;
    }

    /** Makes {@code task} the current one, its context the current context (null: it has none yet). */
    Task<?> enterTask(Task<?> task) {
        Task<?> previous = currentTask;
        currentTask = task;
        currentContext = task.contextOrNull();
        return previous;
    }

    /** The running task's context, made now if it had none (a {@link ContextVar} is used); null outside a task. */
    Context currentTaskContext() {
        Task<?> task = currentTask;
        if (task == null) {
            return null;
        }
        Context c = task.context();
        currentContext = c;
        return c;
    }

    void leaveTask(Task<?> previous) {
        currentTask = previous;
    }

    /** Makes a future of {@code awaitable}: a task for a coroutine or another awaitable, the future itself. */
    @SuppressWarnings("unchecked")
    <T> Future<T> ensureFuture(Awaitable<T> awaitable) {
        if (awaitable instanceof Future<?> f) {
            if (f.loop != this) {
                throw new IllegalArgumentException("the future is attached to a different loop: " + f);
            }
            return (Future<T>) f;
        }
        if (awaitable instanceof Coroutine<T> c) {
            return createTask(c);
        }
        return createTask(Coroutine.of(awaitable::await));
    }

    /**
     * Runs {@code fn} on {@code executor} (null: the loop's default executor) and returns a future of its result,
     * completed on the loop's thread. Cancelling the future does not interrupt {@code fn}.
     */
    public <T> Future<T> runInExecutor(Executor executor, Callable<T> fn) {
        Objects.requireNonNull(fn, "fn");
        checkThread();
        checkClosed();
        Executor ex = executor != null ? executor : defaultExecutor();
        Future<T> future = new Future<>(this);
        boolean tracked = executor == null;
        ex.execute(() -> {
            T value;
            if (tracked) {
                executorJobs.put(Thread.currentThread(), String.valueOf(fn));
            }
            try {
                value = fn.call();
            } catch (Throwable t) {
                completeFromThread(future, null, t);
                return;
            } finally {
                if (tracked) {
                    executorJobs.remove(Thread.currentThread());
                }
            }
            completeFromThread(future, value, null);
        });
        threadJobs++;
        return future;
    }

    /** Hands a thread job's outcome to the loop's thread; ends the job there (see {@link #threadJobs}). */
    private <T> void completeFromThread(Future<T> future, T value, Throwable error) {
        if (closed) {
            return;
        }
        callSoonThreadsafe(() -> {
            threadJobs--;
            if (future.isDone()) {
                return;
            }
            if (error != null) {
                future.setException(error);
            } else {
                future.setResult(value);
            }
        });
    }

    private ExecutorService defaultExecutor() {
        if (defaultExecutor == null) {
            int max = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
            AtomicInteger n = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(max, max, 10, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, "asyncio4j-executor-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            pool.allowCoreThreadTimeOut(true);
            defaultExecutor = pool;
        }
        return defaultExecutor;
    }

    /**
     * Shuts the default executor down and waits (in a thread, not blocking the loop) for its jobs to finish,
     * without a time limit ({@code loop.shutdown_default_executor()}). See {@link #shutdownDefaultExecutor(Duration)}.
     */
    public Coroutine<Void> shutdownDefaultExecutor() {
        return shutdownDefaultExecutor(null);
    }

    /**
     * {@code loop.shutdown_default_executor(timeout)}: shuts the default executor down and waits (in a thread, not
     * blocking the loop) at most {@code timeout} (null: no limit) for its running jobs. If some are still running
     * then, it logs a warning naming each stuck job with its thread's name and stack, and finishes anyway: the
     * executor's threads are daemons, so a stuck job (a DNS lookup, a hung socket) never keeps the JVM alive.
     * {@link Async#run} calls this with {@link #shutdownTimeout()}.
     */
    public Coroutine<Void> shutdownDefaultExecutor(Duration timeout) {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("shutdownDefaultExecutor(): negative timeout " + timeout);
        }
        return Coroutine.of(() -> {
            ExecutorService ex = defaultExecutor;
            if (ex == null) {
                return null;
            }
            ex.shutdown();
            Future<Void> done = new Future<>(this);
            threadJobs++;
            Thread.ofPlatform().daemon().name("asyncio4j-executor-shutdown").start(() -> {
                try {
                    boolean finished = timeout == null
                            ? ex.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS)
                            : ex.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
                    if (!finished) {
                        Log.asyncio4j().log(System.Logger.Level.WARNING, describeStuckJobs(timeout));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                completeFromThread(done, null, null);
            });
            return done.await();
        });
    }

    /** The warning of a bounded shutdown that gave up: each still running job, its thread and its stack. */
    String describeStuckJobs(Duration timeout) {
        StringBuilder b = new StringBuilder("The default executor did not finish its jobs within ").append(timeout)
                .append("; not waiting any longer. Still running:");
        executorJobs.forEach((thread, job) -> {
            b.append("\n  thread '").append(thread.getName()).append("' running ").append(job);
            for (StackTraceElement e : thread.getStackTrace()) {
                b.append("\n      at ").append(e);
            }
        });
        return b.toString();
    }

    /** The default bound of {@link Async#run}'s executor shutdown: 300 seconds, as asyncio's. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(300);

    /**
     * How long {@link Async#run} waits for the default executor's jobs when it finishes: the system property
     * {@code asyncio4j.shutdownTimeout} in seconds (a decimal number, e.g. {@code 5} or {@code 0.5}), else
     * {@link #DEFAULT_SHUTDOWN_TIMEOUT}.
     *
     * @throws IllegalArgumentException if the property is not a non-negative number of seconds
     */
    public static Duration shutdownTimeout() {
        String value = System.getProperty("asyncio4j.shutdownTimeout");
        if (value == null || value.isBlank()) {
            return DEFAULT_SHUTDOWN_TIMEOUT;
        }
        double seconds;
        try {
            seconds = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            seconds = Double.NaN;
        }
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("system property asyncio4j.shutdownTimeout must be a number of "
                    + "seconds (e.g. 300 or 0.5), not '" + value + "'");
        }
        return Duration.ofNanos((long) (seconds * 1e9));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Signals

    /**
     * {@code loop.add_signal_handler(sig, callback)}: runs {@code callback} on this loop's thread whenever the
     * process receives the signal ({@code "INT"}, {@code "TERM"}, {@code "HUP"}, ...; a {@code "SIG"} prefix is
     * allowed). Adding a handler for a signal that has one replaces the callback. The JVM's previous handler is
     * put back by {@link #removeSignalHandler} or {@link #close()}. Works through {@code sun.misc.Signal} (bound by method handles)
     * (module {@code jdk.unsupported}), needs no flags, and on Windows only knows the signals the JVM maps there.
     *
     * @throws IllegalArgumentException for an unknown signal name, or one the JVM reserves for itself
     *         ({@code QUIT}, {@code KILL}, ...; with {@code -Xrs} also {@code INT}, {@code TERM}, {@code HUP})
     */
    public void addSignalHandler(String name, Runnable callback) {
        checkThread();
        checkClosed();
        signals().add(name, callback);
    }

    /**
     * {@code loop.remove_signal_handler(sig)}: removes this loop's callback for the signal and puts the JVM's
     * previous handler back; returns false if there was none.
     *
     * @throws IllegalArgumentException for an unknown signal name
     */
    public boolean removeSignalHandler(String name) {
        checkThread();
        return signals().remove(name);
    }

    LoopSignals signals() {
        if (signals == null) {
            signals = new LoopSignals(this);
        }
        return signals;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Async generators

    /** Holds the state of a started async generator (not its handle, which may be collected) until it ends. */
    void asyncGeneratorStarted(AsyncGenerator.Body<?> body) {
        checkThread();
        asyncgens.add(body);
    }

    void asyncGeneratorFinished(AsyncGenerator.Body<?> body) {
        asyncgens.remove(body);
    }

    /**
     * {@code loop.shutdown_asyncgens()}: closes every async generator that started on this loop and has not
     * finished (their {@code finally} blocks run, concurrently); an error from one is reported to the exception
     * handler. {@link Async#run} awaits it before closing the loop.
     */
    public Coroutine<Void> shutdownAsyncgens() {
        return Coroutine.of(() -> {
            List<AsyncGenerator.Body<?>> open = new ArrayList<>(asyncgens);
            asyncgens.clear();
            List<Task<Void>> closing = new ArrayList<>(open.size());
            for (AsyncGenerator.Body<?> body : open) {
                closing.add(createTask(Coroutine.of(body::aclose)));
            }
            for (int i = 0; i < closing.size(); i++) {
                try {
                    closing.get(i).await();
                } catch (Throwable e) {
                    callExceptionHandler(new ExceptionContext(
                            "an error occurred during closing of an asynchronous generator", e, closing.get(i), null));
                }
            }
            return null;
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // Connections served by protocols

    /**
     * {@code loop.create_connection(protocol_factory, host, port)}: connects (trying each address of
     * {@code host}) and hands the connection to a {@link Protocol} made by {@code protocolFactory}; an awaitable
     * of the {@code (transport, protocol)} pair, finished after the protocol's {@code connectionMade}.
     *
     * @throws IllegalArgumentException if the port is out of range
     */
    public <P extends Protocol> Awaitable<ProtocolConnection<P>> createConnection(Supplier<P> protocolFactory,
                                                                                 String host, int port) {
        return createConnection(protocolFactory, host, port, StreamOptions.defaults());
    }

    /** {@link #createConnection(Supplier, String, int)} with options (TLS, timeouts, ...). */
    public <P extends Protocol> Awaitable<ProtocolConnection<P>> createConnection(Supplier<P> protocolFactory,
                                                                                 String host, int port,
                                                                                 StreamOptions options) {
        return onThisLoop(Protocols.createConnection(protocolFactory, host, port, options));
    }

    /**
     * {@code loop.create_server(protocol_factory, host, port)}: listens on {@code host:port} (null or empty host:
     * all interfaces; port 0: an ephemeral port) and gives each accepted connection a new {@link Protocol} from
     * {@code protocolFactory}. No task per connection: the fastest server the loop can run.
     *
     * @throws IllegalArgumentException if the port is out of range
     */
    public Awaitable<Server> createServer(Supplier<? extends Protocol> protocolFactory, String host, int port) {
        return createServer(protocolFactory, host, port, StreamOptions.defaults());
    }

    /** {@link #createServer(Supplier, String, int)} with options (TLS, backlog, ...). */
    public Awaitable<Server> createServer(Supplier<? extends Protocol> protocolFactory, String host, int port,
                                          StreamOptions options) {
        return onThisLoop(Protocols.createServer(protocolFactory, host, port, options));
    }

    /**
     * {@code loop.getaddrinfo(host, port)}: an awaitable of the socket addresses of {@code host}, resolved off the
     * loop's thread (see {@link Sockets#getaddrinfo}).
     *
     * @throws IllegalArgumentException if {@code host} is empty or the port is out of range
     */
    public Awaitable<List<InetSocketAddress>> getaddrinfo(String host, int port) {
        return onThisLoop(Sockets.getaddrinfo(host, port));
    }

    /** {@code awaitable}, checked to be awaited on this loop. */
    private <T> Awaitable<T> onThisLoop(Awaitable<T> awaitable) {
        return () -> {
            if (RUNNING.get() != this) {
                throw new IllegalStateException("this loop's I/O must be awaited in a task of this loop: " + this);
            }
            return awaitable.await();
        };
    }

    // ---------------------------------------------------------------------------------------------------------
    // I/O readiness

    /** Calls {@code callback} whenever {@code channel} is readable (or acceptable), until removed. */
    public void addReader(SelectableChannel channel, Runnable callback) {
        register(channel, true, new Handle(this, Objects.requireNonNull(callback, "callback"), null));
    }

    /** Calls {@code callback} whenever {@code channel} is writable (or, connecting, connected), until removed. */
    public void addWriter(SelectableChannel channel, Runnable callback) {
        register(channel, false, new Handle(this, Objects.requireNonNull(callback, "callback"), null));
    }

    /** Stops watching {@code channel} for reading; returns whether it was watched. */
    public boolean removeReader(SelectableChannel channel) {
        return unregister(channel, true);
    }

    /** Stops watching {@code channel} for writing; returns whether it was watched. */
    public boolean removeWriter(SelectableChannel channel) {
        return unregister(channel, false);
    }

    /** Interests of one channel; the attachment of its selection key. */
    private static final class IoRegistration {
        Handle reader;
        Handle writer;
    }

    private void register(SelectableChannel channel, boolean read, Handle handle) {
        Objects.requireNonNull(channel, "channel");
        checkThread();
        checkClosed();
        try {
            if (channel.isBlocking()) {
                channel.configureBlocking(false);
            }
            SelectionKey key = channel.keyFor(selector);
            IoRegistration reg;
            if (key == null || !key.isValid()) {
                reg = new IoRegistration();
                key = channel.register(selector, 0, reg);
            } else {
                reg = (IoRegistration) key.attachment();
            }
            boolean hadInterest = reg.reader != null || reg.writer != null;
            if (read) {
                if (reg.reader != null) {
                    reg.reader.cancel();
                }
                reg.reader = handle;
            } else {
                if (reg.writer != null) {
                    reg.writer.cancel();
                }
                reg.writer = handle;
            }
            if (!hadInterest) {
                ioRegistrations++;
            }
            key.interestOps(interestOps(channel, reg));
        } catch (ClosedChannelException e) {
            throw new IllegalArgumentException("channel is closed: " + channel, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean unregister(SelectableChannel channel, boolean read) {
        Objects.requireNonNull(channel, "channel");
        checkThread();
        if (closed) {
            return false;
        }
        SelectionKey key = channel.keyFor(selector);
        if (key == null) {
            return false;
        }
        IoRegistration reg = (IoRegistration) key.attachment();
        Handle h = read ? reg.reader : reg.writer;
        if (h == null) {
            return false;
        }
        h.cancel();
        if (read) {
            reg.reader = null;
        } else {
            reg.writer = null;
        }
        if (reg.reader == null && reg.writer == null) {
            ioRegistrations--;
        }
        if (key.isValid()) {
            key.interestOps(interestOps(channel, reg));
        }
        return true;
    }

    private static int interestOps(SelectableChannel channel, IoRegistration reg) {
        int ops = 0;
        int valid = channel.validOps();
        if (reg.reader != null) {
            ops |= (valid & SelectionKey.OP_ACCEPT) != 0 ? SelectionKey.OP_ACCEPT : SelectionKey.OP_READ;
        }
        if (reg.writer != null) {
            boolean connecting = channel instanceof SocketChannel sc && sc.isConnectionPending();
            ops |= connecting ? SelectionKey.OP_CONNECT : SelectionKey.OP_WRITE;
        }
        return ops & valid;
    }

    /** A task's one-shot wait for channel readiness ({@link Trap.IoWait}); aborting it unregisters the interest. */
    final class IoWaiter implements Runnable, Wait {
        private final SelectableChannel channel;
        private final boolean read;
        private final Task<?> task;

        IoWaiter(SelectableChannel channel, boolean read, Task<?> task) {
            this.channel = channel;
            this.read = read;
            this.task = task;
        }

        @Override
        public void run() {
            unregister(channel, read);
            task.step();
        }

        @Override
        public boolean abort(String reason) {
            unregister(channel, read);
            scheduleStep(task);
            return false;
        }

        @Override
        public Object target() {
            return this;
        }

        @Override
        public String toString() {
            return "<IoWait " + (read ? "readable " : "writable ") + channel + ">";
        }
    }

    IoWaiter waitForIo(SelectableChannel channel, int ops, Task<?> task) {
        boolean read = (ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0;
        IoWaiter w = new IoWaiter(channel, read, task);
        register(channel, read, new Handle(this, w, task.contextOrNull()));
        return w;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Errors

    /** Replaces the handler for errors nobody else sees (null restores the default, which logs). */
    public void setExceptionHandler(ExceptionHandler handler) {
        checkThread();
        exceptionHandler = handler;
    }

    /** The handler set by {@link #setExceptionHandler}, or null for the default. */
    public ExceptionHandler getExceptionHandler() {
        return exceptionHandler;
    }

    /** Reports an error through the handler; a handler that fails is logged, never propagated. */
    public void callExceptionHandler(ExceptionContext context) {
        ExceptionHandler h = exceptionHandler;
        if (h == null) {
            defaultExceptionHandler(context);
            return;
        }
        try {
            h.handle(this, context);
        } catch (Throwable t) {
            Log.asyncio4j().log(System.Logger.Level.ERROR, "Unhandled error in exception handler", t);
            defaultExceptionHandler(context);
        }
    }

    /** Logs the report at ERROR level through {@code System.Logger} "io.github.asyncio4j". */
    public void defaultExceptionHandler(ExceptionContext context) {
        Log.asyncio4j().log(System.Logger.Level.ERROR, context.describe(), context.exception());
    }

    /**
     * Every coroutine made on this loop's thread is reported if it is collected without ever being awaited. In
     * debug mode it goes to the cleaner at once, with where it was created. Otherwise, to keep creation cheap
     * (most coroutines are awaited or wrapped in a task right away), it goes into {@code fresh}, and only those
     * still unclaimed at the end of the loop iteration (or when {@code fresh} fills) are handed to the cleaner.
     * A coroutine wrapped in a task right after it was made ({@code createTask(Coroutine.of(...))}) is taken off
     * {@code fresh} by {@link #createTask}, so the sweep has nothing to check and {@code fresh} stays small.
     */
    void trackNew(Coroutine<?> coro) {
        if (debug) {
            NEVER_AWAITED.register(coro, coro.neverAwaitedCheck(this, new Throwable("coroutine created here")));
            return;
        }
        if (freshCount == fresh.length) {
            if (fresh.length < MAX_FRESH) {
                fresh = Arrays.copyOf(fresh, fresh.length * 2);
            } else {
                sweepFresh();
            }
        }
        fresh[freshCount++] = coro;
    }

    /** Hands the coroutines made since the last sweep and not awaited yet to the cleaner. */
    private void sweepFresh() {
        Coroutine<?>[] f = fresh;
        for (int i = 0, n = freshCount; i < n; i++) {
            Coroutine<?> c = f[i];
            f[i] = null;
            if (!c.isClaimed()) {
                NEVER_AWAITED.register(c, c.neverAwaitedCheck(this, null));
            }
        }
        freshCount = 0;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Checks

    /** True when the caller runs on the loop's thread. */
    boolean isOwnedByCaller() {
        return CarrierLocal.carrierThread() == owner;
    }

    void checkThread() {
        Thread current = CarrierLocal.carrierThread();
        if (current != owner) {
            throw new IllegalStateException("EventLoop used from thread '" + current.getName()
                    + "', but it belongs to thread '" + owner.getName()
                    + "'; other threads must use callSoonThreadsafe");
        }
    }

    private void checkClosed() {
        if (closed) {
            throw new IllegalStateException("Event loop is closed");
        }
    }

    private void checkCanRun() {
        if (running) {
            throw new IllegalStateException("This event loop is already running");
        }
        if (RUNNING.get() != null) {
            throw new IllegalStateException("Cannot run the event loop while another loop is running");
        }
        Thread current = CarrierLocal.carrierThread();
        if (current != owner) {
            owner = current;   // not running: the loop moves to the thread that runs it
        }
    }

    /** How long {@link #dumpTasks()} called from another thread waits for the loop to answer. */
    public static final Duration DUMP_TASKS_WAIT = Duration.ofSeconds(5);

    /**
     * The await tree of the live tasks: each task under the task that waits for it, through a direct await,
     * {@code gather}, {@code shield}, a {@link TaskGroup} or {@code waitFor} (see the labels), with the innermost
     * user frame where each waits. Safe from any thread: from another thread the tree is built on the loop's
     * thread between two callbacks and handed back, waiting at most {@link #DUMP_TASKS_WAIT}.
     */
    public String dumpTasks() {
        return dumpTasks(DUMP_TASKS_WAIT);
    }

    /**
     * {@link #dumpTasks()}, waiting at most {@code maxWait} for the loop when called from another thread. If the
     * loop does not answer in time (a callback blocks it) the text says so and shows the loop thread's stack
     * instead of hanging; a loop that is closed or not running says that.
     */
    public String dumpTasks(Duration maxWait) {
        return dumpTasks(maxWait, EventLoop::isOutsideAsyncio4j);
    }

    /**
     * {@link #dumpTasks()}, showing for each task its innermost frame that {@code showFrame} accepts (code inside
     * the library, such as its own tests, can pick its frames this way).
     */
    public String dumpTasks(Predicate<StackTraceElement> showFrame) {
        return dumpTasks(DUMP_TASKS_WAIT, showFrame);
    }

    /** {@link #dumpTasks(Duration)} with {@link #dumpTasks(Predicate)}'s frame filter. */
    public String dumpTasks(Duration maxWait, Predicate<StackTraceElement> showFrame) {
        Objects.requireNonNull(maxWait, "maxWait");
        Objects.requireNonNull(showFrame, "showFrame");
        if (closed) {
            return "(the event loop is closed)\n";
        }
        if (isOwnedByCaller()) {
            return new AwaitTree(new ArrayList<>(allTasks())).render(showFrame);
        }
        if (!running) {
            return "(the event loop is not running: its tasks can only be dumped from its own thread)\n";
        }
        java.util.concurrent.CompletableFuture<String> tree = new java.util.concurrent.CompletableFuture<>();
        if (!callSoonThreadsafeIfOpen(() -> tree.complete(new AwaitTree(new ArrayList<>(allTasks())).render(showFrame)))) {
            return "(the event loop is closed)\n";
        }
        try {
            return tree.get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            Thread t = owner;
            StringBuilder b = new StringBuilder("(the event loop did not answer within ").append(maxWait)
                    .append(": a callback is blocking it; its thread '").append(t.getName()).append("' is at:\n");
            for (StackTraceElement frame : t.getStackTrace()) {
                b.append("    at ").append(frame).append('\n');
            }
            return b.append(")\n").toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted while waiting for the event loop)\n";
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("building the await tree failed", e.getCause());
        }
    }

    /** Core's own classes: the loop, the engines, streams, locks and queues (not http's, not the crawler's). */
    private static final java.util.regex.Pattern CORE_CLASS =
            java.util.regex.Pattern.compile("io\\.github\\.asyncio4j\\.(engine\\.|net\\.|sync\\.|queue\\.)?[A-Z][^.]*");

    /**
     * The default frame filter of {@link #dumpTasks()}: the innermost frame outside core's own packages, so a
     * task of the crawler or of the HTTP client shows where in that code it waits.
     */
    private static boolean isOutsideAsyncio4j(StackTraceElement e) {
        return !CORE_CLASS.matcher(e.getClassName()).matches();
    }

    private static boolean jfrAvailable() {
        try {
            return LoopEvents.available();
        } catch (LinkageError noJdkJfr) {
            return false;
        }
    }

    // Monitoring (JMX): read from other threads without locks, so a moment's approximation.

    /** The loop's name in monitoring ({@code loop-N}). */
    String name() {
        return name;
    }

    String ownerName() {
        return owner.getName();
    }

    int taskCount() {
        return liveTaskCount;
    }

    int readyCount() {
        return ready.size();
    }

    int timerCount() {
        return timers.size();
    }

    long slowCallbackCount() {
        return slowCallbacks;
    }

    @Override
    public String toString() {
        return "<EventLoop running=" + running + " closed=" + closed + " debug=" + debug
                + " ready=" + ready.size() + " timers=" + timers.size() + " tasks=" + liveTaskCount + ">";
    }
}
