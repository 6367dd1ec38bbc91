package io.github.asyncio4j;

import java.lang.management.ManagementFactory;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * Registers each running loop's {@link EventLoopMXBean} with the platform MBean server, off the loop's thread:
 * one daemon thread, {@code asyncio4j-jmx}, does every registration and unregistration in order. A loop is
 * registered {@link #DELAY_MS} after it starts running, so short-lived loops (tests, a quick {@code Async.run})
 * never start the JMX machinery, which costs tens of milliseconds of CPU. Without the {@code java.management}
 * module, or with {@code -Dasyncio4j.jmx=false}, nothing is registered and nothing fails.
 */
final class LoopMBeans {
    static final long DELAY_MS = 1000;
    private static final System.Logger LOG = System.getLogger("io.github.asyncio4j");
    private static final String DOMAIN = "io.github.asyncio4j";
    /** Set when JMX turned out to be unusable (no java.management); the property is read at each start. */
    private static volatile boolean disabled;
    private static ScheduledExecutorService registrar;

    private LoopMBeans() {
    }

    /** The object name pattern of every loop's MBean. */
    static final String PATTERN = DOMAIN + ":type=EventLoop,*";

    /** The loop started running: registers it soon, unless it closes first. */
    static void started(EventLoop loop) {
        if (disabled || "false".equalsIgnoreCase(System.getProperty("asyncio4j.jmx"))) {
            return;
        }
        try {
            registrar().schedule(() -> register(loop), DELAY_MS, TimeUnit.MILLISECONDS);
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
            registrar().execute(() -> unregister(loop));
        } catch (LinkageError | RuntimeException e) {
            disable(e);
        }
    }

    private static synchronized ScheduledExecutorService registrar() {
        if (registrar == null) {
            ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "asyncio4j-jmx");
                t.setDaemon(true);
                return t;
            });
            pool.setRemoveOnCancelPolicy(true);
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
            LOG.log(System.Logger.Level.DEBUG, "unregistering " + name + " failed", e);
        }
    }

    private static void disable(Throwable why) {
        if (!disabled) {
            disabled = true;
            LOG.log(System.Logger.Level.DEBUG, "event loops are not registered with JMX", why);
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
