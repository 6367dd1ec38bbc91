package io.github.asyncio4j.bench.echo;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.net.ConnectionHandler;
import io.github.asyncio4j.net.Server;
import io.github.asyncio4j.net.Streams;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;

/**
 * Heap bytes the server's loop thread allocates per echoed message, streams server against protocol server: one
 * of the explanations of the unpinned echo gap (allocation drives GC, whose threads then compete with the
 * client for the two cores). Unlike throughput, this figure does not depend on a quiet machine.
 *
 * <pre>
 *   java --add-exports=java.base/jdk.internal.vm=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *        io.github.asyncio4j.bench.echo.EchoAllocation [messages]
 * </pre>
 *
 * A blocking client on another thread sends 1 KiB messages one at a time on 10 connections, each echoed before
 * the next; the loop thread's allocation ({@code ThreadMXBean.getThreadAllocatedBytes}) is read before and after
 * a measured batch, after a warm-up batch.
 */
public final class EchoAllocation {
    private EchoAllocation() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        for (String kind : new String[] {"asyncio4j", "asyncio4j-protocol"}) {
            measure(kind, messages / 10);   // warm-up
            double perMessage = measure(kind, messages);
            System.out.printf("%-20s %8.1f bytes allocated on the loop thread per 1 KiB echo%n", kind, perMessage);
        }
    }

    static double measure(String kind, int messages) throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        CompletableFuture<Void> stop = new CompletableFuture<>();
        long[] loopThread = {0};
        Thread server = Thread.ofPlatform().start(() -> Async.run(Coroutine.of(() -> {
            loopThread[0] = Thread.currentThread().threadId();
            EventLoop loop = Async.getRunningLoop();
            ConnectionHandler echo = (reader, writer) -> Coroutine.of(() -> {
                byte[] data;
                while ((data = await(reader.read(EchoServer.READ_SIZE))).length > 0) {
                    writer.write(data);
                    await(writer.drain());
                }
                writer.close();
                return null;
            });
            Server s = kind.equals("asyncio4j")
                    ? await(Streams.startServer(echo, EchoServer.HOST, 0))
                    : await(loop.createServer(EchoServer.EchoProtocol::new, EchoServer.HOST, 0));
            port.complete(s.port());
            await(Async.wrapFuture(stop));
            s.close();
            s.abortClients();
            return null;
        })));
        int p = port.get();
        int connections = 10;
        Socket[] sockets = new Socket[connections];
        for (int i = 0; i < connections; i++) {
            sockets[i] = new Socket(EchoServer.HOST, p);
            sockets[i].setTcpNoDelay(true);
        }
        byte[] msg = new byte[1024];
        byte[] back = new byte[1024];
        long before = mx.getThreadAllocatedBytes(loopThread[0]);
        for (int m = 0; m < messages; m++) {
            Socket s = sockets[m % connections];
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(msg);
            int got = 0;
            while (got < back.length) {
                int n = in.read(back, got, back.length - got);
                if (n < 0) {
                    throw new IllegalStateException("the server closed the connection");
                }
                got += n;
            }
        }
        long after = mx.getThreadAllocatedBytes(loopThread[0]);
        for (Socket s : sockets) {
            s.close();
        }
        stop.complete(null);
        server.join();
        return (after - before) / (double) messages;
    }
}
