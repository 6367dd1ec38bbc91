package io.github.asyncio4j.tools;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * {@code ./asyncio4j ps PID}: prints the await tree of every event loop in a running JVM (Python 3.14's
 * {@code python -m asyncio pstree PID}). It attaches with the JDK's attach API ({@code jdk.attach}), starts the
 * target's local JMX agent and reads each loop's {@code io.github.asyncio4j:type=EventLoop} MBean; the target
 * needs no flags (only the same user, and attach not disabled with {@code -XX:+DisableAttachMechanism}).
 *
 * <p>Exit status: 0 with the trees; 1 if the process is not a JVM we can attach to or has no event loops; 2 for a
 * bad command line. Errors are one line on stderr, without a stack trace.
 */
public final class Ps {
    /**
     * How long to wait for the target's loops to appear: attaching creates the target's MBean server, and the target
     * registers a loop at its first look after that (every second) once the loop has run for a second.
     */
    private static final long WAIT_FOR_LOOPS_MS = 3500;

    private Ps() {
    }

    /** Entry point: {@code Ps PID}. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 1 || args[0].startsWith("-")) {
            err.println("usage: asyncio4j ps PID   (prints the await tree of every event loop in JVM PID)");
            return 2;
        }
        long pid;
        try {
            pid = Long.parseLong(args[0]);
        } catch (NumberFormatException e) {
            err.println("asyncio4j ps: '" + args[0] + "' is not a process id");
            return 2;
        }
        if (pid == ProcessHandle.current().pid()) {
            err.println("asyncio4j ps: " + pid + " is this process itself");
            return 2;
        }
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException | IOException e) {
            err.println("asyncio4j ps: process " + pid + " is not a JVM this user can attach to ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
            return 1;
        }
        try {
            String address = vm.startLocalManagementAgent();
            try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
                return print(pid, connector.getMBeanServerConnection(), out, err);
            }
        } catch (IOException | JMException e) {
            err.println("asyncio4j ps: cannot read JVM " + pid + " through JMX (" + e.getMessage() + ")");
            return 1;
        } finally {
            try {
                vm.detach();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    private static int print(long pid, MBeanServerConnection mbs, PrintStream out, PrintStream err)
            throws IOException, JMException {
        ObjectName pattern = new ObjectName("io.github.asyncio4j:type=EventLoop,*");
        List<ObjectName> loops = new ArrayList<>(mbs.queryNames(pattern, null));
        long deadline = System.nanoTime() + WAIT_FOR_LOOPS_MS * 1_000_000;
        while (loops.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            loops = new ArrayList<>(mbs.queryNames(pattern, null));
        }
        if (loops.isEmpty()) {
            err.println("asyncio4j ps: JVM " + pid + " has no running asyncio4j event loops (or runs with "
                    + "-Dasyncio4j.jmx=false)");
            return 1;
        }
        loops.sort(Comparator.comparing((ObjectName n) -> n.getKeyProperty("name").length())
                .thenComparing(n -> n.getKeyProperty("name")));
        for (ObjectName n : loops) {
            String tree;
            try {
                tree = (String) mbs.invoke(n, "dumpTasks", new Object[0], new String[0]);
                out.printf("%s on thread '%s': %s tasks, %s ready, %s timers, %s slow callbacks%n",
                        mbs.getAttribute(n, "Name"), mbs.getAttribute(n, "ThreadName"),
                        mbs.getAttribute(n, "TaskCount"), mbs.getAttribute(n, "ReadyQueueLength"),
                        mbs.getAttribute(n, "TimerCount"), mbs.getAttribute(n, "SlowCallbackCount"));
            } catch (javax.management.InstanceNotFoundException closedMeanwhile) {
                continue;
            }
            for (String line : tree.split("\n")) {
                if (!line.isEmpty()) {
                    out.println("  " + line);
                }
            }
        }
        return 0;
    }
}
