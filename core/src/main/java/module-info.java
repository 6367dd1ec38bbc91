/**
 * asyncio4j: Python's asyncio model for Java. Generators and coroutines ({@code io.github.asyncio4j}), the
 * synchronisation primitives ({@code .sync}), queues ({@code .queue}) and streams ({@code .net}).
 *
 * <p>The suspension engine ({@code io.github.asyncio4j.engine}) is internal. Its fast variant runs on
 * {@code jdk.internal.vm.Continuation}, which needs {@code --add-exports java.base/jdk.internal.vm=io.github.asyncio4j}
 * when this jar is on the module path ({@code =ALL-UNNAMED} on the class path); without it the fallback engine is
 * used and a warning says which spelling to add.
 */
module io.github.asyncio4j {
    exports io.github.asyncio4j;
    exports io.github.asyncio4j.sync;
    exports io.github.asyncio4j.queue;
    exports io.github.asyncio4j.net;

    requires java.management;      // an MXBean per running loop (EventLoopMXBean)
    requires jdk.unsupported;      // sun.misc.Signal: EventLoop.addSignalHandler, Ctrl-C in Async.run
    requires jdk.jfr;              // the loop's JFR events (off unless a recording enables them)
    requires static jdk.attach;    // only the './asyncio4j ps' tool (io.github.asyncio4j.tools), run on the class path
}
