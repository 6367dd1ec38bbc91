package io.github.asyncio4j;

import java.util.IdentityHashMap;
import java.util.Map;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * The loop's JDK Flight Recorder events, off unless a recording enables them:
 * {@code io.github.asyncio4j.SlowCallback} (a callback or task step that ran at least the threshold, 100 ms by
 * default) and {@code io.github.asyncio4j.Task} (a task's life, from creation to its end). Enable them with e.g.
 * {@code -XX:StartFlightRecording:io.github.asyncio4j.Task#enabled=true,io.github.asyncio4j.SlowCallback#enabled=true}
 * or in a JMC template. When off, the loop pays one check of a static flag per callback and per task.
 *
 * <p>Invariant: no event class is loaded before the JVM has a flight recorder (started with the JVM, by
 * {@code jcmd JFR.start}, or by a {@code Recording} in-process). Loading a {@link Event} subclass makes JFR
 * instrument it, which costs a short-lived program (the crawler) about 0.3 s of CPU at start-up; a
 * {@link FlightRecorderListener} raises {@link #recorder} when a recorder is initialised, and only then are the
 * events touched. Held by {@code FlightRecorderEventsTest}.
 *
 * <p>Only {@link EventLoop} calls this class, and only if {@link #available()} (the {@code jdk.jfr} module may be
 * absent from a trimmed runtime image).
 */
final class LoopEvents {
    /** True once this JVM has a flight recorder; until then the events are off and their classes not loaded. */
    private static volatile boolean recorder;

    static {
        FlightRecorder.addListener(new FlightRecorderListener() {
            @Override
            public void recorderInitialized(FlightRecorder r) {
                recorder = true;
            }
        });
    }

    private LoopEvents() {
    }

    /**
     * Initialises this class (its listener); true. Throws a {@link LinkageError} instead if the {@code jdk.jfr}
     * module is absent, which {@link EventLoop} takes as "no events".
     */
    static boolean available() {
        return true;
    }

    static boolean slowCallbackEnabled() {
        return recorder && Events.SLOW.isEnabled();
    }

    /** Runs a ready-queue entry ({@link EventLoop#fire}) timed; returns true if it was slow (and the event, if enabled, recorded). */
    static boolean fireTimed(Object entry, EventLoop loop) {
        SlowCallback e = new SlowCallback();
        e.begin();
        loop.fire(entry);
        e.end();
        if (e.shouldCommit()) {
            e.callback = EventLoop.describe(entry);
            e.loop = loop.name();
            e.commit();
            return true;
        }
        return false;
    }

    static boolean taskEnabled() {
        return recorder && Events.TASK.isEnabled();
    }

    /** The events' enabled-state probes: loaded (and instrumented by JFR) on first use only. */
    private static final class Events {
        static final SlowCallback SLOW = new SlowCallback();
        static final TaskLife TASK = new TaskLife();
    }

    /** Starts the lifetime event of {@code task}; kept in {@code events} until it finishes. */
    static Map<Task<?>, Object> taskStarted(Map<Task<?>, Object> events, Task<?> task) {
        Map<Task<?>, Object> m = events != null ? events : new IdentityHashMap<>();
        TaskLife e = new TaskLife();
        e.begin();
        m.put(task, e);
        return m;
    }

    static void taskFinished(Map<Task<?>, Object> events, Task<?> task, EventLoop loop) {
        if (events.remove(task) instanceof TaskLife e) {
            e.end();
            if (e.shouldCommit()) {
                e.task = task.getName();
                e.loop = loop.name();
                e.commit();
            }
        }
    }

    /** A callback or task step that took at least the threshold. */
    @Name("io.github.asyncio4j.SlowCallback")
    @Label("Slow Callback")
    @Category({"asyncio4j", "Event Loop"})
    @Description("A callback or task step that held the event loop's thread at least the threshold")
    @Threshold("100 ms")
    @Enabled(false)
    @StackTrace(false)
    static final class SlowCallback extends Event {
        @Label("Callback")
        String callback;
        @Label("Loop")
        String loop;
    }

    /** A task's life, from its creation to its end (result, exception or cancellation). */
    @Name("io.github.asyncio4j.Task")
    @Label("Task")
    @Category({"asyncio4j", "Event Loop"})
    @Description("An asyncio4j task, from its creation to its end")
    @Enabled(false)
    @StackTrace(false)
    static final class TaskLife extends Event {
        @Label("Task")
        String task;
        @Label("Loop")
        String loop;
    }
}
