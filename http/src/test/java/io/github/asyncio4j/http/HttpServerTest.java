package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.http.HttpTesting.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.ExceptionContext;
import io.github.asyncio4j.net.Connection;
import io.github.asyncio4j.net.Streams;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The embedded server, driven over raw sockets so each byte it sends is checked. */
@Timeout(30)
class HttpServerTest {

    private static final HttpHandler ECHO = request -> Coroutine.of(() -> switch (request.path()) {
        case "/chunked" -> HttpResponse.text(200, "x".repeat(40_000)).withHeader("Transfer-Encoding", "chunked");
        case "/close" -> HttpResponse.text(200, "bye").withHeader("Connection", "close");
        case "/fail" -> throw new IllegalStateException("handler bug");
        default -> HttpResponse.text(200, request.method() + " " + request.uri() + " body=" + request.text());
    });

    /** Sends {@code raw} on a new connection and returns everything the server sends until it closes. */
    @Test
    void keepAliveServesSeveralRequestsOnOneConnection() {
        run(() -> {
            try (HttpServer server = await(HttpServer.start(ECHO, HOST, 0))) {
                String all = exchange(server, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "POST /b?q=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                        + "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertThat(all).isEqualTo(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 12\r\n\r\n"
                        + "GET /a body="
                        + "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 22\r\n\r\n"
                        + "POST /b?q=1 body=hello"
                        + "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 12\r\n"
                        + "Connection: close\r\n\r\nGET /c body=");
                assertThat(server.connectionsAccepted()).isEqualTo(1);
                assertThat(server.requestsServed()).isEqualTo(3);
            }
            return null;
        });
    }

    @Test
    void http10ClientsGetOneResponseUnlessTheyAskForKeepAlive() {
        run(() -> {
            try (HttpServer server = await(HttpServer.start(ECHO, HOST, 0))) {
                String all = exchange(server, "GET /a HTTP/1.0\r\n\r\nGET /b HTTP/1.0\r\n\r\n");
                assertThat(all).endsWith("Connection: close\r\n\r\nGET /a body=");
                String kept = exchange(server, "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                        + "GET /chunked HTTP/1.0\r\n\r\n");
                assertThat(kept).contains("Connection: keep-alive\r\n\r\nGET /a body=")
                        .contains("Content-Length: 40000\r\nConnection: close\r\n\r\nxxx")   // no chunks for 1.0
                        .doesNotContain("chunked");
            }
            return null;
        });
    }

    @Test
    void chunkedRequestAndChunkedResponse() {
        run(() -> {
            try (HttpServer server = await(HttpServer.start(ECHO, HOST, 0));
                 HttpClient client = HttpClient.create()) {
                String all = exchange(server, "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\nGET /close HTTP/1.1\r\n\r\n");
                assertThat(all).contains("POST /echo body=abcde");
                HttpResponse r = await(client.get(server.url("/chunked")));
                assertThat(r.headers().get("Transfer-Encoding")).isEqualTo("chunked");
                assertThat(r.headers().contains("Content-Length")).isFalse();
                assertThat(r.text()).hasSize(40_000);
            }
            return null;
        });
    }

    @Test
    void expect100ContinueGetsAnInterimResponseBeforeTheBodyIsRead() {
        run(() -> {
            try (HttpServer server = await(HttpServer.start(ECHO, HOST, 0))) {
                Connection c = await(Streams.openConnection(HOST, server.port()));
                c.writer().write(bytes("PUT /up HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"));
                assertThat(new String(await(c.reader().readUntil(bytes("\r\n\r\n"))), StandardCharsets.ISO_8859_1))
                        .isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
                c.writer().write(bytes("abc"));
                String rest = new String(await(c.reader().readUntil(bytes("body=abc"))), StandardCharsets.ISO_8859_1);
                assertThat(rest).startsWith("HTTP/1.1 200 OK\r\n").endsWith("PUT /up body=abc");
                c.close();
            }
            return null;
        });
    }

    @Test
    void headGetsTheHeadersWithoutTheBody() {
        run(() -> {
            try (HttpServer server = await(HttpServer.start(ECHO, HOST, 0))) {
                String all = exchange(server, "HEAD /h HTTP/1.1\r\n\r\nGET /close HTTP/1.1\r\n\r\n");
                assertThat(all).startsWith("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        + "Content-Length: 13\r\n\r\nHTTP/1.1 200 OK");
            }
            return null;
        });
    }

    @Test
    void malformedRequestsGet400AndTheConnectionCloses() {
        run(() -> {
            try (HttpServer server = await(HttpServer.start(ECHO, HOST, 0))) {
                for (String[] c : new String[][] {
                        {"GARBAGE\r\n\r\n", "bad request line"},
                        {"GET / HTTP/2.0\r\n\r\n", "unsupported HTTP version"},
                        {"GET / HTTP/1.1\r\nNo colon\r\n\r\n", "bad header line (no colon)"},
                        {"GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n", "bad Content-Length"},
                        {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size line"},
                        {"GET / HTTP/1.1\r\nX: " + "y".repeat(70_000) + "\r\n\r\n", "header section too large"},
                }) {
                    String all = exchange(server, c[0] + "GET /after HTTP/1.1\r\n\r\n");
                    assertThat(all).as(c[1]).startsWith("HTTP/1.1 400 Bad Request\r\n")
                            .contains("Connection: close\r\n").contains(c[1]).doesNotContain("/after");
                }
            }
            return null;
        });
    }

    @Test
    void requestSizeLimitsAndHandlerFailures() {
        run(() -> {
            List<ExceptionContext> reported = new ArrayList<>();
            io.github.asyncio4j.Async.getRunningLoop().setExceptionHandler((loop, ctx) -> reported.add(ctx));
            try (HttpServer server = await(HttpServer.start(ECHO, HOST, 0,
                    HttpServer.Options.defaults().withMaxBodySize(10)))) {
                assertThat(exchange(server, "POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n01234567890"))
                        .startsWith("HTTP/1.1 413 Content Too Large\r\n").contains("exceeds the maximum of 10");
                assertThat(exchange(server, "GET /fail HTTP/1.1\r\n\r\n"))
                        .startsWith("HTTP/1.1 500 Internal Server Error\r\n").contains("Connection: close");
                assertThat(reported).singleElement().satisfies(ctx ->
                        assertThat(ctx.exception()).hasMessage("handler bug"));
            }
            return null;
        });
    }

    @Test
    void idleKeepAliveConnectionsAreClosedAfterTheirTimeout() {
        run(() -> {
            try (HttpServer server = await(HttpServer.start(ECHO, HOST, 0,
                    HttpServer.Options.defaults().withKeepAliveTimeout(Duration.ofMillis(100))))) {
                String all = exchange(server, "GET /a HTTP/1.1\r\n\r\n");   // no Connection: close
                assertThat(all).endsWith("GET /a body=");   // and yet read(-1) saw the server close
            }
            return null;
        });
    }

    @Test
    void rawHandlersCanMisbehave() {
        run(() -> {
            try (HttpServer server = await(HttpServer.startRaw((request, connection) -> Coroutine.of(() -> {
                if (request.path().equals("/reset")) {
                    connection.writer().write(bytes("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf"));
                    await(connection.writer().drain());
                    connection.writer().abort();
                    return null;
                }
                connection.writer().write(bytes("HTTP/1.1 OK\r\n\r\n"));
                return null;
            }), HOST, 0));
                 HttpClient client = HttpClient.create()) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> await(client.get(server.url("/bad"))))
                        .isInstanceOf(HttpProtocolException.class).hasMessageContaining("bad status line");
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> await(client.get(server.url("/reset"))))
                        .isInstanceOfAny(HttpProtocolException.class, java.io.IOException.class);
                assertThat(client.openConnections()).isZero();
            }
            return null;
        });
    }

    @Test
    void aClientThatTricklesItsRequestIsCutOffByTheReadTimeout() {
        run(() -> {
            try (HttpServer server = await(HttpServer.start(ECHO, HOST, 0,
                    HttpServer.Options.defaults().withReadTimeout(Duration.ofMillis(2000))))) {
                Connection c = await(Streams.openConnection(HOST, server.port()));
                c.writer().write(bytes("GET /slow HTTP/1.1\r\n"));
                // 0.6 s in all, never silent for more than 0.1 s: served (a margin of 20x for a loaded machine)
                for (int i = 0; i < 6; i++) {
                    await(io.github.asyncio4j.Async.sleep(0.1));
                    c.writer().write(bytes("X-" + i + ": 1\r\n"));
                }
                c.writer().write(bytes("\r\nGET /half HTTP/1.1\r\n"));
                // then silence in the middle of the next request: the server gives up and closes
                String all = new String(await(c.reader().read(-1)), StandardCharsets.ISO_8859_1);
                assertThat(all).startsWith("HTTP/1.1 200 OK\r\n").endsWith("GET /slow body=");
                assertThat(server.requestsServed()).isEqualTo(1);
                c.close();
            }
            return null;
        });
    }
}
