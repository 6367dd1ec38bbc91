package io.github.asyncio4j.bench.echo;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.engine.Engine;
import io.github.asyncio4j.net.ConnectionHandler;
import io.github.asyncio4j.net.Protocol;
import io.github.asyncio4j.net.Server;
import io.github.asyncio4j.net.StreamOptions;
import io.github.asyncio4j.net.Streams;
import io.github.asyncio4j.net.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * The echo benchmark's JVM servers (bench/run echo): each binds 127.0.0.1 on an ephemeral port, prints the port
 * on one line and echoes every byte back until killed.
 *
 * <pre>
 *   java -cp benchmarks.jar io.github.asyncio4j.bench.echo.EchoServer asyncio4j|asyncio4j-protocol|netty-nio|...
 * </pre>
 *
 * <ul>
 *   <li>{@code asyncio4j}: a {@link Streams} server whose handler is asyncio's documented echo loop
 *       ({@code read(64 KiB)}, {@code write}, {@code drain}), on one loop thread.</li>
 *   <li>{@code asyncio4j-protocol}: {@link EventLoop#createServer} with a {@link Protocol} that writes every
 *       received buffer back from {@code dataReceived} (uvloop's protocol echo server): no task, no copy, no
 *       suspension per message.</li>
 *   <li>{@code netty-nio}, {@code netty-epoll}: Netty with one event loop thread for accepting and all I/O;
 *       the handler writes each read buffer back and flushes on {@code channelReadComplete}.</li>
 *   <li>{@code vthreads}: blocking {@link ServerSocket}/{@link Socket}, one virtual thread per connection.</li>
 * </ul>
 */
public final class EchoServer {
    static final String HOST = "127.0.0.1";
    static final int READ_SIZE = 64 * 1024;
    static final int BACKLOG = 1024;

    private EchoServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: EchoServer asyncio4j|asyncio4j-protocol|netty-nio|netty-epoll|vthreads");
            System.exit(2);
        }
        switch (args[0]) {
            case "asyncio4j" -> asyncio4j();
            case "asyncio4j-protocol" -> asyncio4jProtocol();
            case "netty-nio" -> netty(NioIoHandler.newFactory(), NioServerSocketChannel.class);
            case "netty-epoll" -> {
                if (!Epoll.isAvailable()) {
                    System.err.println("netty-epoll: the native transport is not available: " + Epoll.unavailabilityCause());
                    System.exit(3);
                }
                netty(EpollIoHandler.newFactory(), EpollServerSocketChannel.class);
            }
            case "vthreads" -> virtualThreads();
            default -> {
                System.err.println("unknown server " + args[0]);
                System.exit(2);
            }
        }
    }

    static void ready(int port, String what) {
        System.out.println(port);
        System.out.flush();
        System.err.println("echo server " + what + " on port " + port);
    }

    // ---------------------------------------------------------------------------------------------------------

    static void asyncio4j() {
        ConnectionHandler echo = (reader, writer) -> Coroutine.of(() -> {
            try {
                while (true) {
                    byte[] data = await(reader.read(READ_SIZE));
                    if (data.length == 0) {
                        break;
                    }
                    writer.write(data);
                    await(writer.drain());
                }
            } catch (Exception e) {
                // a client that goes away mid-request (a reset): nothing to report in a benchmark
            } finally {
                writer.close();
            }
            return null;
        });
        Async.run(Coroutine.of(() -> {
            Server server = await(Streams.startServer(echo, HOST, 0, StreamOptions.defaults().withBacklog(BACKLOG)));
            ready(server.port(), "asyncio4j (engine " + (Engine.FAST ? "fast" : "fallback") + ")");
            await(server.serveForever());
            return null;
        }));
    }

    /** The protocol echo: the transport takes what it cannot send at once (and then pauses reading). */
    static final class EchoProtocol implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }

        @Override
        public void pauseWriting() {
            transport.pauseReading();   // a client that does not read stops being read from
        }

        @Override
        public void resumeWriting() {
            transport.resumeReading();
        }
    }

    static void asyncio4jProtocol() {
        Async.run(Coroutine.of(() -> {
            EventLoop loop = Async.getRunningLoop();
            Server server = await(loop.createServer(EchoProtocol::new, HOST, 0,
                    StreamOptions.defaults().withBacklog(BACKLOG)));
            ready(server.port(), "asyncio4j protocol (engine " + (Engine.FAST ? "fast" : "fallback") + ")");
            await(server.serveForever());
            return null;
        }));
    }

    // ---------------------------------------------------------------------------------------------------------

    @ChannelHandler.Sharable
    static final class NettyEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    static void netty(IoHandlerFactory io, Class<? extends ServerChannel> channel) throws InterruptedException {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io);   // one thread for everything
        try {
            NettyEcho echo = new NettyEcho();
            ChannelFuture bound = new ServerBootstrap()
                    .group(group)
                    .channel(channel)
                    .option(ChannelOption.SO_BACKLOG, BACKLOG)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(echo)
                    .bind(HOST, 0).sync();
            ready(((InetSocketAddress) bound.channel().localAddress()).getPort(), "netty (" + channel.getSimpleName() + ")");
            bound.channel().closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    static void virtualThreads() throws IOException {
        try (ServerSocket server = new ServerSocket(0, BACKLOG, InetAddress.getByName(HOST))) {
            ready(server.getLocalPort(), "virtual threads");
            while (true) {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> serve(socket));
            }
        }
    }

    static void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            socket.setTcpNoDelay(true);
            byte[] buffer = new byte[READ_SIZE];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // a client that goes away: nothing to report in a benchmark
        }
    }
}
