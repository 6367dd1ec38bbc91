package io.github.asyncio4j.example.consumer;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.http.HttpClient;
import io.github.asyncio4j.http.HttpResponse;
import io.github.asyncio4j.http.HttpServer;

/** Serves a greeting over HTTP on loopback and fetches it with asyncio4j's client. */
public final class Hello {
    private Hello() {
    }

    /** Starts a server on a free loopback port, asks it for {@code /hello/NAME} and returns the body. */
    public static Coroutine<String> greet(String name) {
        return Coroutine.of(() -> {
            HttpServer server = await(HttpServer.start(
                    request -> Coroutine.of(() -> HttpResponse.text(200, "hello, " + request.path().substring(7))),
                    "127.0.0.1", 0));
            try (HttpClient client = HttpClient.create()) {
                return await(client.get(server.url("/hello/" + name))).text();
            } finally {
                server.close();
                await(server.waitClosed());   // its connection tasks end before we return
            }
        });
    }

    /** True when the JVM lets asyncio4j use its fast engine (java.base exports jdk.internal.vm to it). */
    public static boolean fastEngineEnabled() {
        return Object.class.getModule().isExported("jdk.internal.vm", Async.class.getModule());
    }

    /** Prints the greeting, how asyncio4j was loaded (module or class path) and whether the fast engine is on. */
    public static void main(String[] args) {
        String name = args.length > 0 ? args[0] : "world";
        String greeting = Async.run(greet(name));
        System.out.println(greeting + " (asyncio4j " + (Async.class.getModule().isNamed()
                ? "as module " + Async.class.getModule().getName() : "on the class path")
                + ", fast engine: " + fastEngineEnabled() + ")");
    }
}
