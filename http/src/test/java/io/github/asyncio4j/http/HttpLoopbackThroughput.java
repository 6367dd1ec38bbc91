package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests per second of {@link HttpClient} against {@link HttpServer} on loopback, both on one event loop (one
 * thread): {@code tasks} concurrent tasks, each sending GETs one after another over a pool of at most
 * {@code connections} keep-alive connections, for a 2 KiB HTML page. Not a unit test; run it by hand:
 *
 * <pre>
 * mvn -B -q -pl http -am test-compile
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED \
 *      -cp core/target/classes:http/target/classes:http/target/test-classes \
 *      io.github.asyncio4j.http.HttpLoopbackThroughput [requests] [tasks] [connections] [no-read-timeout]
 * </pre>
 */
public final class HttpLoopbackThroughput {
    private HttpLoopbackThroughput() {
    }

    public static void main(String[] args) {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        String page = "<html><body>" + "<a href=/x>link</a> ".repeat(100) + "</body></html>";
        Async.run(Coroutine.of(() -> {
            HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> HttpResponse.html(200, page)),
                    "127.0.0.1", 0));
            var builder = HttpClient.builder().maxConnectionsPerHost(connections);
            if (args.length > 3 && args[3].equals("no-read-timeout")) {
                builder.readTimeout(java.time.Duration.ZERO);
            }
            try (HttpClient client = builder.build()) {
                for (int round = 0; round < 3; round++) {   // the first rounds warm the JIT up
                    int n = round < 2 ? requests / 4 : requests;
                    long start = System.nanoTime();
                    int[] left = {n};
                    List<Task<Void>> workers = new ArrayList<>();
                    for (int t = 0; t < tasks; t++) {
                        workers.add(Async.createTask(Coroutine.of(() -> {
                            while (left[0] > 0) {
                                left[0]--;
                                HttpResponse r = await(client.get(server.url("/page")));
                                if (r.status() != 200) {
                                    throw new IllegalStateException("status " + r.status());
                                }
                            }
                            return null;
                        })));
                    }
                    for (Task<Void> w : workers) {
                        await(w);
                    }
                    double seconds = (System.nanoTime() - start) * 1e-9;
                    System.out.printf("%s: %d requests, %d tasks, %d connections: %.0f requests/s (%d accepted)%n",
                            round < 2 ? "warm-up" : "measured", n, tasks, connections, n / seconds,
                            server.connectionsAccepted());
                }
            } finally {
                server.close();
            }
            return null;
        }));
    }
}
