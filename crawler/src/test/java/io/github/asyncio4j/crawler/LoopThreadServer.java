package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.http.HttpServer;
import io.github.asyncio4j.http.RawHttpHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An {@link HttpServer} on 127.0.0.1 (a free port), run by a loop on a daemon thread of its own: for tests whose
 * crawls run on the test's own loop or in child processes. Started when constructed; closing it closes the server
 * on its loop and waits for the thread.
 */
final class LoopThreadServer implements AutoCloseable {
    private final CompletableFuture<HttpServer> started = new CompletableFuture<>();
    private final Thread thread;
    private volatile EventLoop loop;

    LoopThreadServer(String name, RawHttpHandler handler, HttpServer.Options options) throws Exception {
        thread = Thread.ofPlatform().name(name).daemon().start(() -> {
            try {
                Async.run(Coroutine.of(() -> {
                    loop = Async.getRunningLoop();
                    HttpServer s = await(HttpServer.startRaw(handler, "127.0.0.1", 0, options));
                    started.complete(s);
                    await(s.waitClosed());
                    return null;
                }));
            } catch (Throwable e) {
                started.completeExceptionally(e);     // a server that could not start fails the constructor
            }
        });
        started.get(30, TimeUnit.SECONDS);
    }

    /** The server (started). */
    HttpServer server() {
        return started.join();
    }

    /** The port it listens on. */
    int port() {
        return server().port();
    }

    @Override
    public void close() throws InterruptedException {
        loop.callSoonThreadsafe(server()::close);
        thread.join(10_000);
    }
}
