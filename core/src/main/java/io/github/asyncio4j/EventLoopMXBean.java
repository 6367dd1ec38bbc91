package io.github.asyncio4j;

/**
 * The JMX view of one event loop, registered as {@code io.github.asyncio4j:type=EventLoop,name=loop-N} and
 * unregistered when the loop closes. A loop is registered only once the JVM has an MBean server (asyncio4j never
 * creates it: attaching JConsole, JMC or {@code ./asyncio4j ps PID} does, as does
 * {@code -Dcom.sun.management.jmxremote} or a call to {@code ManagementFactory.getPlatformMBeanServer()}), within
 * about a second of that, and once the loop has run for a second (shorter-lived loops are never registered). Set
 * the system property {@code asyncio4j.jmx=false} to register nothing. The counts are read without stopping the
 * loop, so they are a moment's approximation; {@link #dumpTasks()} is exact (it is built on the loop's thread).
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
