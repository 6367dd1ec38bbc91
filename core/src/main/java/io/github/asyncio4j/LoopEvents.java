package io.github.asyncio4j;

import java.util.IdentityHashMap;
import java.util.Map;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
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
 * <p>Only {@link EventLoop} calls this class, and only if {@link #available()} (the {@code jdk.jfr} module may be
 * absent from a trimmed runtime image).
 */
final class LoopEvents {
    private static final SlowCallback SLOW = new SlowCallback();
    private static final TaskLife TASK = new TaskLife();

    private LoopEvents() {
    }

    /** True if the JFR classes load; false (and never called again) otherwise. */
    static boolean available() {
        try {
            return SLOW != null && TASK != null;
        } catch (LinkageError noJfr) {
            return false;
        }
    }

    static boolean slowCallbackEnabled() {
        return SLOW.isEnabled();
    }

    /** Runs {@code h} timed; returns true if it was slow (and the event, if enabled, recorded). */
    static boolean fireTimed(Handle h, EventLoop loop) {
        SlowCallback e = new SlowCallback();
        e.begin();
        h.fire();
        e.end();
        if (e.shouldCommit()) {
            e.callback = String.valueOf(h);
            e.loop = loop.name();
            e.commit();
            return true;
        }
        return false;
    }

    static boolean taskEnabled() {
        return TASK.isEnabled();
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
