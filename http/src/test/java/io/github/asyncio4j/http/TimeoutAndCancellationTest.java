package io.github.asyncio4j.http;

import io.github.asyncio4j.net.TestCerts;
import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.http.HttpTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.net.Server;
import io.github.asyncio4j.net.Streams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each timeout names itself and closes the connection; a request cancelled at any await point closes its
 * connection (no socket is left open on either side) and leaves the pool usable.
 */
@Timeout(30)
class TimeoutAndCancellationTest {
    static final Duration SHORT = Duration.ofMillis(200);

    @Test
    void connectTimeoutCoversTheTlsHandshake() throws Exception {
        var trust = TestCerts.clientContext();
        run(() -> {
            // a TCP server that accepts and never answers: the TLS handshake cannot finish
            Server silent = await(Streams.startServer((r, w) -> Coroutine.of(() -> {
                await(r.read(-1));
                w.close();
                return null;
            }), HOST, 0));
            try (HttpClient client = HttpClient.builder().sslContext(trust).connectTimeout(SHORT).build()) {
                assertThatThrownBy(() -> await(client.get("https://127.0.0.1:" + silent.port() + "/")))
                        .isInstanceOfSatisfying(HttpTimeoutException.class, e -> {
                            assertThat(e.kind()).isEqualTo(HttpTimeoutException.Kind.CONNECT);
                            assertThat(e).isInstanceOf(TimeoutError.class);
                        })
                        .hasMessage("connect timeout (200 ms) expired connecting to https://127.0.0.1:"
                                + silent.port());
                assertThat(client.openConnections()).isZero();
                settle();
                assertThat(silent.activeConnections()).isZero();
            } finally {
                silent.close();
            }
            return null;
        });
    }

    @Test
    void readTimeoutWhenTheServerGoesSilent() {
        run(() -> {
            Future<Void> never = Async.getRunningLoop().createFuture();
            try (RawServer headersOnly = RawServer.start((head, w, n) -> {
                w.write(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
                await(never);
                return false;
            });
                 HttpClient client = HttpClient.builder().readTimeout(SHORT).build()) {
                assertThatThrownBy(() -> await(client.get(headersOnly.url("/"))))
                        .isInstanceOfSatisfying(HttpTimeoutException.class,
                                e -> assertThat(e.kind()).isEqualTo(HttpTimeoutException.Kind.READ))
                        .hasMessage("read timeout (200 ms) expired while reading the body");
                assertThat(client.openConnections()).isZero();
                settle();
                assertThat(headersOnly.server.activeConnections()).isEqualTo(1);   // its handler still waits
                never.setResult(null);
            }
            return null;
        });
    }

    @Test
    void totalTimeoutCatchesASlowlorisThatKeepsTheReadTimeoutHappy() {
        run(() -> {
            try (RawServer slowloris = RawServer.start((head, w, n) -> {
                w.write(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
                while (true) {   // one byte every 20 ms, forever
                    w.write(bytes("1\r\nx\r\n"));
                    await(w.drain());
                    await(sleep(0.02));
                }
            });
                 HttpClient client = HttpClient.builder().readTimeout(Duration.ofSeconds(5))
                         .totalTimeout(Duration.ofMillis(300)).build()) {
                assertThatThrownBy(() -> await(client.get(slowloris.url("/trickle"))))
                        .isInstanceOfSatisfying(HttpTimeoutException.class,
                                e -> assertThat(e.kind()).isEqualTo(HttpTimeoutException.Kind.TOTAL))
                        .hasMessageContaining("total timeout (300 ms) expired for GET " + slowloris.url("/trickle"));
                assertThat(client.openConnections()).isZero();
            }
            return null;
        });
    }

    @Test
    void cancellationAtEachAwaitPointLeaksNoSocketAndLeavesThePoolUsable() {
        run(() -> {
            List<Future<Void>> parked = new ArrayList<>();
            try (RawServer server = RawServer.start((head, w, n) -> {
                if (head.startsWith("GET /ok")) {
                    w.write(bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                    return true;
                }
                if (head.startsWith("GET /body")) {
                    w.write(bytes("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial"));
                } else if (head.startsWith("GET /chunk")) {
                    w.write(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"));
                } else if (head.startsWith("GET /headers")) {
                    w.write(bytes("HTTP/1.1 200 OK\r\nX-Half: "));
                }
                Future<Void> park = Async.getRunningLoop().createFuture();
                parked.add(park);
                await(park);
                return false;
            })) {
                HttpClient client = HttpClient.builder().maxConnectionsPerHost(1).build();
                await(client.get(server.url("/ok")));   // one idle keep-alive connection in the pool
                for (String path : List.of("/status", "/headers", "/body", "/chunk")) {
                    Task<HttpResponse> t = spawn(() -> await(client.get(server.url(path))));
                    int parkedBefore = parked.size();
                    while (parked.size() == parkedBefore) {   // the server got the request and half-answered
                        await(sleep(0.001));
                    }
                    await(sleep(0.02));   // the client is now blocked reading what the server half-sent
                    // a second request waits for the pool's only connection: cancel it too
                    Task<HttpResponse> waiter = spawn(() -> await(client.get(server.url("/ok"))));
                    settle();
                    assertThat(client.waitingRequests(server.url("/"))).as(path).isEqualTo(1);
                    waiter.cancel();
                    t.cancel();
                    assertThatThrownBy(() -> await(t)).isInstanceOf(CancelledError.class);
                    assertThatThrownBy(() -> await(waiter)).isInstanceOf(CancelledError.class);
                    assertThat(client.openConnections()).as(path).isZero();
                    assertThat(client.waitingRequests(server.url("/"))).isZero();
                    // the pool still works
                    assertThat(await(client.get(server.url("/ok"))).text()).isEqualTo("ok");
                }
                for (Future<Void> p : parked) {
                    p.setResult(null);
                }
                client.close();
                settle();
                assertThat(client.openConnections()).isZero();
                await(sleep(0.02));
                assertThat(server.server.activeConnections()).isZero();   // every socket closed on both sides
            }
            return null;
        });
    }

    @Test
    void aWaiterCancelledRightAfterBeingHandedAConnectionPassesItOn() {
        run(() -> {
            Future<Void> gate = Async.getRunningLoop().createFuture();
            try (HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> {
                if (request.path().equals("/gated")) {
                    await(gate);
                }
                return HttpResponse.text(200, request.path());
            }), HOST, 0));
                 HttpClient client = HttpClient.builder().maxConnectionsPerHost(1).build()) {
                Task<?>[] waiter = new Task<?>[1];
                Task<String> first = spawn(() -> {
                    String text = await(client.get(server.url("/gated"))).text();
                    // the connection was just handed to the waiter, whose step has not run yet: cancel it now
                    waiter[0].cancel();
                    return text;
                });
                await(sleep(0.02));
                waiter[0] = spawn(() -> await(client.get(server.url("/second"))));
                settle();
                assertThat(client.waitingRequests(server.url("/"))).isEqualTo(1);
                gate.setResult(null);
                assertThat(await(first)).isEqualTo("/gated");
                assertThatThrownBy(() -> await(waiter[0])).isInstanceOf(CancelledError.class);
                assertThat(client.openConnections()).isEqualTo(1);
                assertThat(client.idleConnections()).isEqualTo(1);   // passed on to the idle list, not lost
                assertThat(await(client.get(server.url("/third"))).text()).isEqualTo("/third");
                assertThat(server.connectionsAccepted()).isEqualTo(1);
            }
            return null;
        });
    }

    @Test
    void aWaiterCancelledRightAfterBeingHandedASlotGivesItBack() {
        run(() -> {
            try (RawServer server = RawServer.start((head, w, n) -> {
                if (head.startsWith("GET /broken")) {
                    await(sleep(0.05));
                    w.write(bytes("garbage\r\n\r\n"));
                    return true;
                }
                w.write(bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                return true;
            });
                 HttpClient client = HttpClient.builder().maxConnectionsPerHost(1).build()) {
                Task<?>[] waiter = new Task<?>[1];
                Task<Throwable> first = spawn(() -> {
                    try {
                        await(client.get(server.url("/broken")));
                        return null;
                    } catch (HttpProtocolException e) {
                        waiter[0].cancel();   // the discarded connection's slot was just handed to the waiter
                        return e;
                    }
                });
                await(sleep(0.01));
                waiter[0] = spawn(() -> await(client.get(server.url("/ok"))));
                assertThat(await(first)).hasMessageContaining("bad status line");
                assertThatThrownBy(() -> await(waiter[0])).isInstanceOf(CancelledError.class);
                assertThat(client.openConnections()).isZero();   // the slot came back
                assertThat(await(client.get(server.url("/ok"))).text()).isEqualTo("ok");
                assertThat(server.connections).isEqualTo(2);
            }
            return null;
        });
    }

    @Test
    void cancellationWhileConnectingClosesTheSocket() throws Exception {
        var trust = TestCerts.clientContext();
        run(() -> {
            Server silent = await(Streams.startServer((r, w) -> Coroutine.of(() -> {
                await(r.read(-1));
                w.close();
                return null;
            }), HOST, 0));
            try (HttpClient client = HttpClient.builder().sslContext(trust).build()) {
                Task<HttpResponse> t = spawn(() -> await(client.get("https://127.0.0.1:" + silent.port() + "/")));
                while (silent.activeConnections() == 0) {
                    await(sleep(0.001));
                }
                assertThat(client.openConnections()).isEqualTo(1);   // the handshake is pending
                t.cancel();
                assertThatThrownBy(() -> await(t)).isInstanceOf(CancelledError.class);
                assertThat(client.openConnections()).isZero();
                await(sleep(0.02));
                assertThat(silent.activeConnections()).isZero();
            } finally {
                silent.close();
            }
            return null;
        });
    }
}
