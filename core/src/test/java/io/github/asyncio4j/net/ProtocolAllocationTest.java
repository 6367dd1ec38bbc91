package io.github.asyncio4j.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.EventLoop;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The protocol path's promise: once warm, a message read and written back by a {@link Protocol} allocates no object
 * on the loop thread (no task, no future, no copy, no selected-key set), so a protocol server makes no garbage
 * per message. An allocation count does not depend on the machine's load.
 */
@Timeout(60)
class ProtocolAllocationTest {

    @Test
    void aProtocolEchoAllocatesNothingPerMessageOnTheLoopThread() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        EventLoop loop = EventLoop.create();
        Thread loopThread = Thread.ofPlatform().name("allocation-test-loop").start(() -> {
            loop.runForever();
            loop.close();   // on its own thread, as the loop requires
        });
        try {
            CompletableFuture<Server> started = new CompletableFuture<>();
            loop.callSoonThreadsafe(() -> loop.createTask(io.github.asyncio4j.Coroutine.of(() -> {
                started.complete(io.github.asyncio4j.Async.await(loop.createServer(ProtocolsTest.EchoProtocol::new, "127.0.0.1", 0)));
                return null;
            })));
            Server server = started.get(10, TimeUnit.SECONDS);
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setTcpNoDelay(true);
                echo(socket, 3_000);   // warm-up: first-time paths, class initialisation
                long before = mx.getThreadAllocatedBytes(loopThread.threadId());
                int messages = 3_000;
                echo(socket, messages);
                double perMessage = (mx.getThreadAllocatedBytes(loopThread.threadId()) - before) / (double) messages;
                // under the smallest object's 16 bytes on average: no object per message (it was 41-64 bytes while
                // the selector's selected-key set took a node per ready key); what is left is occasional
                assertThat(perMessage).as("bytes allocated on the loop thread per echoed message").isLessThan(16);
            }
            loop.callSoonThreadsafe(server::close);
        } finally {
            loop.callSoonThreadsafe(loop::stop);
            loopThread.join(10_000);
            assertThat(loop.isClosed()).isTrue();
        }
    }

    /** Sends {@code messages} 256-byte messages one at a time, each read back whole before the next. */
    private static void echo(Socket socket, int messages) throws Exception {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        byte[] msg = new byte[256];
        byte[] back = new byte[256];
        for (int m = 0; m < messages; m++) {
            out.write(msg);
            for (int got = 0; got < back.length; ) {
                int n = in.read(back, got, back.length - got);
                assertThat(n).as("the echo server closed the connection").isPositive();
                got += n;
            }
        }
    }
}
