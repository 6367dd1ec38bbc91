/**
 * asyncio4j: Python's asyncio model for Java. Generators and coroutines ({@code io.github.asyncio4j}), the
 * synchronisation primitives ({@code .sync}), queues ({@code .queue}) and streams ({@code .net}).
 *
 * <p>The suspension engine ({@code io.github.asyncio4j.engine}) is internal. Its fast variant runs on
 * {@code jdk.internal.vm.Continuation}, which needs {@code --add-exports java.base/jdk.internal.vm=io.github.asyncio4j}
 * when this jar is on the module path ({@code =ALL-UNNAMED} on the class path); without it the fallback engine is
 * used and a warning says which spelling to add.
 *
 * <p>JDK modules: {@code jdk.unsupported} for signal handlers ({@code EventLoop.addSignalHandler}, Ctrl-C in
 * {@code Async.run}); {@code java.management} for each loop's MBean (what {@code ./asyncio4j ps} reads); JFR events
 * only when {@code jdk.jfr} is in the boot layer ({@code -XX:StartFlightRecording} puts it there), and the
 * {@code ps} tool's attach API only when {@code jdk.attach} is: both are optional.
 */
module io.github.asyncio4j {
    requires jdk.unsupported;
    requires java.management;
    requires static jdk.jfr;
    requires static jdk.attach;

    exports io.github.asyncio4j;
    exports io.github.asyncio4j.sync;
    exports io.github.asyncio4j.queue;
    exports io.github.asyncio4j.net;

    requires java.management;      // an MXBean per running loop (EventLoopMXBean)
    requires jdk.unsupported;      // sun.misc.Signal: EventLoop.addSignalHandler, Ctrl-C in Async.run
    requires jdk.jfr;              // the loop's JFR events (off unless a recording enables them)
    requires static jdk.attach;    // only the './asyncio4j ps' tool (io.github.asyncio4j.tools), run on the class path
}
