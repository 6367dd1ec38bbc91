package io.github.asyncio4j.bench.http;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.http.HttpResponse;
import io.github.asyncio4j.http.HttpServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.CharsetUtil;
import java.net.InetSocketAddress;

/**
 * The HTTP benchmark's servers (bench/run http): each binds 127.0.0.1 on an ephemeral port, prints the port on one
 * line and answers every request with the same small body ({@link #BODY}, text/plain) until killed.
 *
 * <ul>
 *   <li>{@code asyncio4j}: {@link HttpServer} on one loop thread, HTTP/1.1 and HTTP/2 with prior knowledge (h2c)
 *       on the one plain listener.</li>
 *   <li>{@code netty-h2}: Netty's {@code Http2FrameCodec} with a handler in the style of Netty's
 *       {@code example/http2/helloworld/frame/server} (headers frame, then one data frame ending the stream), h2c
 *       with prior knowledge, on one event-loop thread (epoll when available, else NIO).</li>
 * </ul>
 */
public final class HttpBenchServer {
    /** Every response's body. */
    static final String BODY = "Hello, world! asyncio4j HTTP benchmark\n";
    static final int BACKLOG = 1024;

    private HttpBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: HttpBenchServer asyncio4j|netty-h2");
            System.exit(2);
        }
        switch (args[0]) {
            case "asyncio4j" -> asyncio4j();
            case "netty-h2" -> netty();
            default -> {
                System.err.println("HttpBenchServer: unknown server '" + args[0] + "' (asyncio4j, netty-h2)");
                System.exit(2);
            }
        }
    }

    private static void asyncio4j() {
        HttpServer.Options options = HttpServer.Options.defaults().withBacklog(BACKLOG)
                .withHttp2PriorKnowledge(true);
        Async.run(Coroutine.of(() -> {
            HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> HttpResponse.text(200, BODY)),
                    "127.0.0.1", 0, options));
            System.out.println(server.port());
            System.out.flush();
            await(server.waitClosed());
            return null;
        }));
    }

    private static void netty() throws InterruptedException {
        IoHandlerFactory factory = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channel = Epoll.isAvailable()
                ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        try {
            Channel server = new ServerBootstrap().group(group).channel(channel)
                    .option(ChannelOption.SO_BACKLOG, BACKLOG)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(), new HelloHandler());
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
            System.out.println(((InetSocketAddress) server.localAddress()).getPort());
            System.out.flush();
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    /** Netty's hello-world frame handler, shape for shape: answer a request once its headers or body end. */
    private static final class HelloHandler extends ChannelDuplexHandler {
        private static final ByteBuf CONTENT = Unpooled.unreleasableBuffer(
                Unpooled.copiedBuffer(BODY, CharsetUtil.UTF_8).asReadOnly());
        private static final CharSequence LENGTH = Integer.toString(CONTENT.readableBytes());

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame h) {
                if (h.isEndStream()) {
                    respond(ctx, h.stream());
                }
            } else if (msg instanceof Http2DataFrame d) {
                boolean end = d.isEndStream();
                d.release();
                if (end) {
                    respond(ctx, d.stream());
                }
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        private static void respond(ChannelHandlerContext ctx, Http2FrameStream stream) {
            Http2Headers headers = new DefaultHttp2Headers().status(HttpResponseStatus.OK.codeAsText())
                    .set("content-type", "text/plain; charset=utf-8").set("content-length", LENGTH);
            ctx.write(new DefaultHttp2HeadersFrame(headers).stream(stream));
            ctx.write(new DefaultHttp2DataFrame(CONTENT.duplicate(), true).stream(stream));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
