package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.http.HttpTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each malformed response raises an {@link HttpProtocolException} that names the problem, and the connection it
 * came on is closed, never reused: the next request opens a new one.
 */
@Timeout(20)
class MalformedResponseTest {

    static Stream<Arguments> malformed() {
        String ok = "HTTP/1.1 200 OK\r\n";
        return Stream.of(
                Arguments.of("not HTTP at all", "garbage\r\n\r\n", "bad status line: \"garbage\""),
                Arguments.of("HTTP/2 status line", "HTTP/2 200 OK\r\n\r\n", "bad status line"),
                Arguments.of("letters in the status code", "HTTP/1.1 2OO OK\r\n\r\n", "bad status code"),
                Arguments.of("header line without colon", ok + "No colon here\r\n\r\n",
                        "bad header line (no colon): \"No colon here\""),
                Arguments.of("space in a header name", ok + "Bad Name: x\r\n\r\n", "bad header name"),
                Arguments.of("folded header line", ok + "X-A: 1\r\n  continued\r\n\r\n", "obsolete line folding"),
                Arguments.of("control character in a value", ok + "X-A: a\u0001b\r\n\r\n", "control character"),
                Arguments.of("bad Content-Length", ok + "Content-Length: ten\r\n\r\n", "bad Content-Length"),
                Arguments.of("conflicting Content-Lengths", ok + "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab",
                        "conflicting Content-Length values"),
                Arguments.of("bad chunk size", ok + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
                        "bad chunk size line: \"zz\""),
                Arguments.of("chunk without its CRLF", ok + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
                        "chunk data not followed by CRLF"),
                Arguments.of("bad gzip body", ok + "Content-Encoding: gzip\r\nContent-Length: 4\r\n\r\nnope",
                        "bad gzip body"),
                Arguments.of("header section too large", ok + "X-Big: " + "b".repeat(70_000) + "\r\n\r\n",
                        "header section too large (limit 65536 bytes)"),
                Arguments.of("many header lines too large", ok + ("X-Many: " + "m".repeat(100) + "\r\n").repeat(700)
                        + "\r\n", "header section too large (limit 65536 bytes)"),
                Arguments.of("unexpected 101", "HTTP/1.1 101 Switching Protocols\r\n\r\n", "unexpected 101"),
                Arguments.of("endless interim responses", "HTTP/1.1 100 Continue\r\n\r\n".repeat(20),
                        "more than 8 interim (1xx) responses"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedResponsesAreNamedAndTheConnectionIsDiscarded(String name, String response, String message) {
        run(() -> {
            try (RawServer server = RawServer.replying(response);   // keeps the connection open afterwards
                 HttpClient client = HttpClient.create()) {
                for (int attempt = 1; attempt <= 2; attempt++) {
                    assertThatThrownBy(() -> await(client.get(server.url("/"))))
                            .isInstanceOf(HttpProtocolException.class)
                            .hasMessageContaining(message);
                    assertThat(client.openConnections()).isZero();
                    assertThat(server.connections).isEqualTo(attempt);   // a new connection each time
                }
                settle();
                assertThat(server.server.activeConnections()).isZero();   // the client closed its end
            }
            return null;
        });
    }

    static Stream<Arguments> earlyClose() {
        String ok = "HTTP/1.1 200 OK\r\n";
        return Stream.of(
                Arguments.of("closed before the status line", "",
                        "connection closed by the server before the response status line"),
                Arguments.of("closed in the status line", "HTTP/1.1 20",
                        "connection closed in the middle of the status line"),
                Arguments.of("closed in the headers", ok + "Content-Ty",
                        "connection closed in the middle of the response headers"),
                Arguments.of("body shorter than Content-Length", ok + "Content-Length: 10\r\n\r\nabc",
                        "body shorter than its Content-Length (3 of 10 bytes)"),
                Arguments.of("closed in a chunk", ok + "Transfer-Encoding: chunked\r\n\r\n5\r\nhel",
                        "connection closed in the middle of a chunk (3 of 5 bytes)"),
                Arguments.of("closed between chunks", ok + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n",
                        "connection closed in the middle of a chunked body"),
                Arguments.of("closed in the trailers", ok + "Transfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\r\n",
                        "connection closed in the middle of the trailer section"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("earlyClose")
    void anEarlyCloseIsNamed(String name, String response, String message) {
        run(() -> {
            try (RawServer server = RawServer.replyingOnce(response);
                 HttpClient client = HttpClient.create()) {
                assertThatThrownBy(() -> await(client.get(server.url("/"))))
                        .isInstanceOf(HttpProtocolException.class)
                        .hasMessageContaining(message);
                assertThat(client.openConnections()).isZero();
            }
            return null;
        });
    }

    @Test
    void interimResponsesAreSkipped() {
        run(() -> {
            try (RawServer server = RawServer.replying("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n"
                    + "Link: </s.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nreal");
                 HttpClient client = HttpClient.create()) {
                HttpResponse r = await(client.get(server.url("/")));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.text()).isEqualTo("real");
                assertThat(r.headers().contains("Link")).isFalse();
            }
            return null;
        });
    }

    @Test
    void aStaleKeepAliveConnectionIsRetriedOnceOnANewOne() {
        run(() -> {
            // answers the first request on each connection, then closes the connection without answering
            try (RawServer server = RawServer.start((head, w, n) -> {
                if (n % 2 == 1) {
                    w.write(bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
                    return true;
                }
                return false;
            });
                 HttpClient client = HttpClient.create()) {
                assertThat(await(client.get(server.url("/"))).text()).isEqualTo("ok");
                assertThat(await(client.get(server.url("/"))).text()).isEqualTo("ok");   // retried on a new one
                assertThat(server.connections).isEqualTo(2);
                // a non-idempotent request is not retried: its failure is reported
                assertThatThrownBy(() -> await(client.send(HttpRequest.of("POST",
                        java.net.URI.create(server.url("/")), new byte[0]))))
                        .isInstanceOf(HttpProtocolException.class)
                        .hasMessageContaining("before the response status line");
            }
            return null;
        });
    }
}
