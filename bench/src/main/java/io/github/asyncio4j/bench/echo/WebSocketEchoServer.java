package io.github.asyncio4j.bench.echo;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.http.HttpResponse;
import io.github.asyncio4j.http.HttpServer;
import io.github.asyncio4j.http.WebSocket;

/**
 * The WebSocket echo benchmark's asyncio4j server (bench/run websocket): an {@link HttpServer} on 127.0.0.1 (an
 * ephemeral port, printed on one line) whose handler accepts every WebSocket, without compression, and sends
 * every message back, until killed. One loop thread.
 */
public final class WebSocketEchoServer {
    private WebSocketEchoServer() {
    }

    public static void main(String[] args) {
        WebSocket.Options options = WebSocket.Options.defaults().withCompression(false);
        Async.run(Coroutine.of(() -> {
            HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> {
                if (!request.isWebSocketUpgrade()) {
                    return HttpResponse.text(400, "WebSocket echo\n");
                }
                WebSocket ws = await(WebSocket.accept(request, options));
                for (WebSocket.Message m : ws.each()) {
                    await(ws.send(m));
                }
                return null;
            }), "127.0.0.1", 0, HttpServer.Options.defaults().withBacklog(1024)));
            System.out.println(server.port());
            System.out.flush();
            await(server.waitClosed());
            return null;
        }));
    }
}
