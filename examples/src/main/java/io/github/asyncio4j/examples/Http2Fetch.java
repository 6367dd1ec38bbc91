package io.github.asyncio4j.examples;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.http.HttpClient;
import io.github.asyncio4j.http.HttpResponse;
import io.github.asyncio4j.http.HttpServer;
import io.github.asyncio4j.http.HttpVersion;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/2: fifty URLs of one origin fetched at once, each request a task, all of them streams of one connection.
 * The server is ours, on 127.0.0.1, taking HTTP/2 with prior knowledge (h2c); against an {@code https} site the
 * default client ({@code HttpVersion.AUTO}) gets HTTP/2 the same way when TLS's ALPN agrees on {@code h2}.
 */
public final class Http2Fetch {
    private Http2Fetch() {
    }

    public static void main(String[] args) {
        run(System.out);
    }

    static void run(PrintStream out) {
        Async.run(Coroutine.of(() -> {
            HttpServer server = await(HttpServer.start(request -> Coroutine.of(() ->
                    HttpResponse.text(200, "page " + request.path().substring(1))), "127.0.0.1", 0,
                    HttpServer.Options.defaults().withHttp2PriorKnowledge(true)));
            try (server; HttpClient client = HttpClient.builder().version(HttpVersion.HTTP_2).build()) {
                List<Task<HttpResponse>> fetches = new ArrayList<>();
                for (int i = 1; i <= 50; i++) {
                    fetches.add(createTask(client.get(server.url("/" + i))));   // all in flight at once
                }
                Map<String, Integer> versions = new TreeMap<>();
                int bytes = 0;
                for (Task<HttpResponse> t : fetches) {
                    HttpResponse r = await(t);
                    versions.merge(r.version() + " " + r.status(), 1, Integer::sum);
                    bytes += r.body().length;
                }
                out.println("fetched " + fetches.size() + " URLs: " + versions + ", " + bytes + " body bytes");
                out.println("first: " + await(fetches.get(0)).text() + "; last: " + await(fetches.get(49)).text());
                out.println("connections the server accepted: " + server.connectionsAccepted());
            }
            await(server.waitClosed());
            out.println("server: closed");
            return null;
        }));
    }
}
