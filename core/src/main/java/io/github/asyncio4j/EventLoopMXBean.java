package io.github.asyncio4j;

/**
 * The JMX view of one event loop, registered as {@code io.github.asyncio4j:type=EventLoop,name=loop-N} about a
 * second after the loop starts running (loops that live less than that are never registered) and unregistered
 * when it closes. Read it with JConsole, JMC, {@code jcmd}, or {@code ./asyncio4j ps PID}. Set the system property
 * {@code asyncio4j.jmx=false} to register nothing. The counts are read without stopping the loop, so they are a
 * moment's approximation; {@link #dumpTasks()} is exact (it is built on the loop's thread).
 */
public interface EventLoopMXBean {
    /** The loop's name in the object name ({@code loop-N}). */
    String getName();

    /** The name of the thread that runs the loop. */
    String getThreadName();

    /** True while the loop runs. */
    boolean isRunning();

    /** True in debug mode. */
    boolean isDebug();

    /** Tasks not done yet. */
    int getTaskCount();

    /** Callbacks waiting in the ready queue (runnable now). */
    int getReadyQueueLength();

    /** Scheduled timers (sleeps, timeouts, {@code callLater}), cancelled ones not yet dropped included. */
    int getTimerCount();

    /**
     * Callbacks and task steps that took at least the slow-callback duration (0.1 s by default); counted in debug
     * mode, or while the JFR event {@code io.github.asyncio4j.SlowCallback} is enabled.
     */
    long getSlowCallbackCount();

    /** The await tree of the live tasks ({@link EventLoop#dumpTasks()}). */
    String dumpTasks();
}
