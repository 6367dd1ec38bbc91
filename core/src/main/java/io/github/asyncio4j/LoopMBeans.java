package io.github.asyncio4j;

import io.github.asyncio4j.internal.Log;
import java.lang.management.ManagementFactory;
import java.util.Collections;
import java.util.Iterator;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * Registers each running loop's {@link EventLoopMXBean} with the platform MBean server, off the loop's thread:
 * one daemon thread, {@code asyncio4j-jmx}, does every registration and unregistration in order.
 *
 * <p>Nothing here starts the JMX machinery (creating the platform MBean server costs ~100 ms of CPU, which a
 * short program would pay for nothing). Every {@link #POLL_MS} while loops run, the thread looks whether an MBean
 * server exists in the JVM (one that {@code ./asyncio4j ps}'s attach, JConsole, JMC or
 * {@code -Dcom.sun.management.jmxremote} created, or the program itself) and only then registers the loops that
 * have been running since the previous look: a reader sees a loop within about a second of looking, and loops that
 * live less than a poll are never registered. Without the {@code java.management} module, or with
 * {@code -Dasyncio4j.jmx=false}, nothing is registered and nothing fails.
 */
final class LoopMBeans {
    static final long POLL_MS = 1000;
    private static final String DOMAIN = "io.github.asyncio4j";
    /** Set when JMX turned out to be unusable (no java.management); the property is read at each start. */
    private static volatile boolean disabled;
    private static ScheduledExecutorService registrar;
    /**
     * Loops started and not yet registered or closed; only touched on the registrar's thread. Weak: a loop dropped
     * without being closed is not kept alive by this.
     */
    private static final Set<EventLoop> waiting = Collections.newSetFromMap(new WeakHashMap<>());

    private LoopMBeans() {
    }

    /** The object name pattern of every loop's MBean. */
    static final String PATTERN = DOMAIN + ":type=EventLoop,*";

    /** The loop started running: registers it once an MBean server exists, unless it closes first. */
    static void started(EventLoop loop) {
        if (disabled || "false".equalsIgnoreCase(System.getProperty("asyncio4j.jmx"))) {
            return;
        }
        try {
            registrar().execute(() -> waiting.add(loop));
        } catch (LinkageError | RuntimeException e) {
            disable(e);
        }
    }

    /** The loop closed: unregisters it (after its registration, if that is still queued). */
    static void closed(EventLoop loop) {
        if (disabled) {
            return;
        }
        try {
            registrar().execute(() -> {
                waiting.remove(loop);
                unregister(loop);
            });
        } catch (LinkageError | RuntimeException e) {
            disable(e);
        }
    }

    /**
     * On the registrar's thread, every {@link #POLL_MS}: the loops that have waited a whole poll are registered
     * if an MBean server exists (a loop started just before the look waits for the next one).
     */
    private static void poll(Set<EventLoop> seenLastTime) {
        if (disabled || waiting.isEmpty()) {
            seenLastTime.clear();
            return;
        }
        if (!MBeanServerFactory.findMBeanServer(null).isEmpty()) {
            for (Iterator<EventLoop> it = waiting.iterator(); it.hasNext(); ) {
                EventLoop loop = it.next();
                if (seenLastTime.contains(loop)) {
                    it.remove();
                    register(loop);
                }
            }
        }
        seenLastTime.clear();
        seenLastTime.addAll(waiting);
    }

    private static synchronized ScheduledExecutorService registrar() {
        if (registrar == null) {
            ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "asyncio4j-jmx");
                t.setDaemon(true);
                return t;
            });
            Set<EventLoop> seenLastTime = Collections.newSetFromMap(new WeakHashMap<>());
            pool.scheduleWithFixedDelay(() -> poll(seenLastTime), POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
            registrar = pool;
        }
        return registrar;
    }

    private static void register(EventLoop loop) {
        if (loop.isClosed() || loop.mbeanName != null) {
            return;
        }
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(DOMAIN + ":type=EventLoop,name=" + loop.name());
            server.registerMBean(new StandardMBean(new View(loop), EventLoopMXBean.class, true), name);
            loop.mbeanName = name;
        } catch (JMException | LinkageError | RuntimeException e) {
            disable(e);
        }
    }

    private static void unregister(EventLoop loop) {
        Object name = loop.mbeanName;
        if (name == null) {
            return;
        }
        loop.mbeanName = null;
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean((ObjectName) name);
        } catch (JMException | RuntimeException e) {
            Log.asyncio4j().log(System.Logger.Level.DEBUG, "unregistering " + name + " failed", e);
        }
    }

    private static void disable(Throwable why) {
        if (!disabled) {
            disabled = true;
            Log.asyncio4j().log(System.Logger.Level.DEBUG, "event loops are not registered with JMX", why);
        }
    }

    /** The MXBean: reads the loop's counters from the JMX thread; {@code dumpTasks} asks the loop itself. */
    private record View(EventLoop loop) implements EventLoopMXBean {
        @Override
        public String getName() {
            return loop.name();
        }

        @Override
        public String getThreadName() {
            return loop.ownerName();
        }

        @Override
        public boolean isRunning() {
            return loop.isRunning();
        }

        @Override
        public boolean isDebug() {
            return loop.getDebug();
        }

        @Override
        public int getTaskCount() {
            return loop.taskCount();
        }

        @Override
        public int getReadyQueueLength() {
            return loop.readyCount();
        }

        @Override
        public int getTimerCount() {
            return loop.timerCount();
        }

        @Override
        public long getSlowCallbackCount() {
            return loop.slowCallbackCount();
        }

        @Override
        public String dumpTasks() {
            return loop.dumpTasks();
        }
    }
}
