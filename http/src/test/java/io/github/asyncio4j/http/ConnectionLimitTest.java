package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.junit.AsyncioTest;
import io.github.asyncio4j.sync.Event;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/**
 * {@link HttpClient.Builder#maxConnections}: the bound on connections in all, across origins (servers on 127.0.0.1,
 * .2 and .3) and HTTP versions: never passed, the connection idle longest (HTTP/1.1 or HTTP/2) closed to make room,
 * a request waiting for a slot served when one frees, and a waiter cancelled passing its slot on.
 */
@Timeout(30)
class ConnectionLimitTest {
    /** A server on {@code host} whose handler waits for {@code gate} (when not null) before answering. */
    private static HttpServer server(String host, Event gate) {
        return server(host, gate, HttpServer.Options.defaults());
    }

    /** An HTTP/2 server (prior knowledge) on {@code host}, as {@link #server(String, Event)}. */
    private static HttpServer server2(String host, Event gate) {
        return server(host, gate, HttpServer.Options.defaults().withHttp2PriorKnowledge(true));
    }

    private static HttpServer server(String host, Event gate, HttpServer.Options options) {
        return await(HttpServer.start(request -> Coroutine.of(() -> {
            if (gate != null && request.path().startsWith("/wait")) {
                await(gate.untilSet());
            }
            return HttpResponse.text(200, host + request.path());
        }), host, 0, options));
    }

    private static Task<HttpResponse> get(HttpClient client, String url) {
        return Async.createTask(client.get(url));
    }

    private static void settle() {
        for (int i = 0; i < 50; i++) {
            await(Async.sleep(0.001));
        }
    }

    @AsyncioTest
    void theBoundInAllHoldsAcrossOrigins() {
        Event gate = new Event();
        List<HttpServer> servers = List.of(server("127.0.0.1", gate), server("127.0.0.2", gate),
                server("127.0.0.3", gate));
        try (HttpClient client = HttpClient.builder().maxConnections(2).maxConnectionsPerHost(10).build()) {
            List<Task<HttpResponse>> tasks = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                tasks.add(get(client, servers.get(i % 3).url("/wait/" + i)));
            }
            settle();
            assertThat(client.openConnections()).isEqualTo(2);
            assertThat(servers.stream().mapToInt(HttpServer::activeConnections).sum()).isEqualTo(2);
            gate.set();
            for (int i = 0; i < 6; i++) {
                assertThat(await(tasks.get(i)).text()).endsWith("/wait/" + i);
                assertThat(client.openConnections()).isLessThanOrEqualTo(2);
            }
            assertThat(servers.stream().mapToInt(HttpServer::connectionsAccepted).sum())
                    .as("a connection idle while another origin waited was closed for it").isGreaterThan(2);
        } finally {
            closeAll(servers.toArray(HttpServer[]::new));
        }
    }

    /** Closes the servers and waits until their connections' tasks end (the test leaves no task behind). */
    private static void closeAll(HttpServer... servers) {
        for (HttpServer s : servers) {
            s.close();
        }
        for (HttpServer s : servers) {
            await(s.waitClosed());
        }
    }

    @AsyncioTest
    void theConnectionIdleLongestIsClosedToMakeRoom() {
        idleLongestMakesRoom(host -> server(host, null), HttpVersion.AUTO);
    }

    @AsyncioTest
    void http2ConnectionsCountAndTheOneIdleLongestIsClosedToMakeRoom() {
        idleLongestMakesRoom(host -> server2(host, null), HttpVersion.HTTP_2);
    }

    /** With two connections in all, a third origin's request closes the one idle longest (HTTP/2: no stream open). */
    private static void idleLongestMakesRoom(java.util.function.Function<String, HttpServer> start,
                                             HttpVersion version) {
        HttpServer a = start.apply("127.0.0.1");
        HttpServer b = start.apply("127.0.0.2");
        HttpServer c = start.apply("127.0.0.3");
        try (HttpClient client = HttpClient.builder().version(version).maxConnections(2).build()) {
            assertThat(await(client.get(a.url("/1"))).version())
                    .isEqualTo(version == HttpVersion.HTTP_2 ? "HTTP/2" : "HTTP/1.1");
            await(client.get(b.url("/1")));
            assertThat(client.idleConnections()).isEqualTo(2);
            await(client.get(c.url("/1")));         // a's connection, idle longest, makes room
            assertThat(client.openConnections(a.url("/"))).isZero();
            assertThat(client.openConnections()).isEqualTo(2);
            await(client.get(b.url("/2")));         // b's was kept: reused
            assertThat(b.connectionsAccepted()).isEqualTo(1);
            await(client.get(a.url("/2")));         // now c's is the one idle longest
            assertThat(a.connectionsAccepted()).isEqualTo(2);
            assertThat(client.openConnections(c.url("/"))).isZero();
            assertThat(client.openConnections(b.url("/"))).isEqualTo(1);
            assertThat(client.openConnections()).isEqualTo(2);
        } finally {
            closeAll(a, b, c);
        }
    }

    @AsyncioTest
    void aRequestWaitsForASlotAndACancelledWaiterPassesItsSlotOn() {
        Event gate = new Event();
        HttpServer a = server("127.0.0.1", gate);
        HttpServer b = server("127.0.0.2", null);
        HttpServer c = server("127.0.0.3", null);
        try (HttpClient client = HttpClient.builder().maxConnections(1).build()) {
            Task<HttpResponse> busy = get(client, a.url("/wait"));
            settle();
            Task<HttpResponse> toB = get(client, b.url("/x"));
            Task<HttpResponse> toC = get(client, c.url("/y"));
            settle();
            assertThat(toB.isDone()).isFalse();
            assertThat(client.openConnections()).isEqualTo(1);
            toB.cancel();
            settle();
            gate.set();
            assertThat(await(busy).text()).isEqualTo("127.0.0.1/wait");
            assertThat(await(toC).text()).isEqualTo("127.0.0.3/y");
            assertThat(toB.isCancelled()).isTrue();
            assertThat(b.connectionsAccepted()).isZero();
            assertThat(client.openConnections()).isEqualTo(1);
            assertThat(client.openConnections(a.url("/"))).as("a's idle connection was closed for c").isZero();
        } finally {
            closeAll(a, b, c);
        }
    }

    /** The bound holds across versions: an idle HTTP/1.1 connection makes room for an HTTP/2 one, and back. */
    @AsyncioTest
    void http1AndHttp2ConnectionsShareTheBound() {
        HttpServer one = server("127.0.0.1", null);
        HttpServer two = server2("127.0.0.2", null);
        try (HttpClient http1 = HttpClient.builder().maxConnections(1).build()) {
            await(http1.get(one.url("/1")));
            assertThat(http1.openConnections()).isEqualTo(1);
        }
        try (HttpClient client = HttpClient.builder().version(HttpVersion.HTTP_2).maxConnections(1).build()) {
            await(client.get(two.url("/1")));
            assertThat(client.openConnections(two.url("/"))).isEqualTo(1);
            try (HttpClient mixed = HttpClient.builder().maxConnections(1).build()) {
                await(mixed.get(one.url("/2")));
                assertThat(mixed.openConnections()).isEqualTo(1);
            }
        } finally {
            closeAll(one, two);
        }
    }

    /**
     * A request to another origin waits while the only slot's HTTP/2 connection has a stream open; when the stream
     * ends, that connection (no request of its own origin waiting) is closed for it.
     */
    @AsyncioTest
    void aRequestWaitsForABusyHttp2ConnectionToGoIdle() {
        Event gate = new Event();
        HttpServer a = server2("127.0.0.1", gate);
        HttpServer b = server2("127.0.0.2", null);
        try (HttpClient client = HttpClient.builder().version(HttpVersion.HTTP_2).maxConnections(1).build()) {
            Task<HttpResponse> busy = get(client, a.url("/wait"));
            settle();
            Task<HttpResponse> toB = get(client, b.url("/x"));
            settle();
            assertThat(toB.isDone()).isFalse();
            assertThat(b.connectionsAccepted()).isZero();
            assertThat(client.openConnections()).isEqualTo(1);
            gate.set();
            assertThat(await(busy).text()).isEqualTo("127.0.0.1/wait");
            assertThat(await(toB).text()).isEqualTo("127.0.0.2/x");
            assertThat(client.openConnections()).isEqualTo(1);
            assertThat(client.openConnections(a.url("/"))).as("a's idle connection was closed for b").isZero();
        } finally {
            closeAll(a, b);
        }
    }

    @AsyncioTest
    void aFailedConnectionGivesItsSlotBack() throws Exception {
        int refused;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            refused = s.getLocalPort();     // closed now: connecting to it is refused
        }
        HttpServer b = server("127.0.0.2", null);
        try (HttpClient client = HttpClient.builder().maxConnections(1).build()) {
            for (int i = 0; i < 3; i++) {
                String url = "http://127.0.0.1:" + refused + "/";
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> await(client.get(url)))
                        .isInstanceOf(java.io.IOException.class);
            }
            assertThat(client.openConnections()).isZero();
            assertThat(await(client.get(b.url("/ok"))).text()).isEqualTo("127.0.0.2/ok");
        } finally {
            closeAll(b);
        }
    }

    @AsyncioTest
    void theBoundMustBePositive() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HttpClient.builder().maxConnections(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxConnections must be positive: 0");
    }
}
