package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.http.HttpTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.net.StreamWriter;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bodies of every awkward size arrive byte for byte through real sockets, in both framings, one after another on
 * one keep-alive connection (so no byte of a body leaks into the next response), whether they arrive with the
 * head or later, in pieces, while the client waits: 0 and 1 byte, around a 64 KiB block, exactly one socket read
 * (256 KiB), and more than 1 MiB (more than one chunk piece).
 */
@Timeout(60)
class BodySizesTest {
    static final int[] SIZES = {0, 1, 2, 65_535, 65_536, 65_537, 256 * 1024, 256 * 1024 + 1, (1 << 20) + 3};

    /** {@code n} bytes of seeded noise: a byte out of place or missing shows. */
    static byte[] body(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** The size a request asks for: its path is {@code /SIZE}. */
    static int requestedSize(String head) {
        String target = head.substring(head.indexOf(' ') + 2, head.indexOf(" HTTP/"));
        return Integer.parseInt(target);
    }

    /** Writes {@code data} in {@code pieces} writes, letting the loop run (the client read) between them. */
    static void writeInPieces(StreamWriter w, byte[] data, int pieces) {
        int step = Math.max(1, data.length / pieces);
        for (int at = 0; at < data.length; at += step) {
            w.write(Arrays.copyOfRange(data, at, Math.min(data.length, at + step)));
            await(w.drain());
            await(Async.sleep(0));
        }
    }

    static byte[] chunked(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // a 1-byte chunk, an 8 KiB one, then the rest as one chunk (more than 1 MiB for the largest body)
        int[] plan = {1, 8192, Integer.MAX_VALUE};
        int at = 0;
        for (int i = 0; at < body.length; i = Math.min(i + 1, plan.length - 1)) {
            int n = Math.min(plan[i], body.length - at);
            out.writeBytes(bytes(Integer.toHexString(n) + "\r\n"));
            out.write(body, at, n);
            out.writeBytes(bytes("\r\n"));
            at += n;
        }
        out.writeBytes(bytes("0\r\n\r\n"));
        return out.toByteArray();
    }

    private static void everySizeOnOneConnection(boolean chunked) {
        run(() -> {
            try (RawServer server = RawServer.start((head, w, n) -> {
                byte[] body = body(requestedSize(head));
                byte[] framed = chunked ? chunked(body) : body;
                w.write(bytes("HTTP/1.1 200 OK\r\n" + (chunked ? "Transfer-Encoding: chunked"
                        : "Content-Length: " + body.length) + "\r\n\r\n"));
                if (n % 2 == 1) {
                    w.write(framed);   // with the head, in as few reads as the socket makes of it
                } else {
                    writeInPieces(w, framed, 5);   // later, in pieces, while the client waits
                }
                return true;
            });
                 HttpClient client = HttpClient.builder().maxConnectionsPerHost(1).build()) {
                for (int size : SIZES) {
                    for (int twice = 0; twice < 2; twice++) {
                        HttpResponse r = await(client.get(server.url("/" + size)));
                        assertThat(r.body()).as("%d bytes", size).hasSize(size).isEqualTo(body(size));
                    }
                }
                assertThat(server.connections).isEqualTo(1);
            }
            return null;
        });
    }

    @Test
    void contentLengthBodiesOfEverySizeArriveExactly() {
        everySizeOnOneConnection(false);
    }

    @Test
    void chunkedBodiesOfEverySizeArriveExactly() {
        everySizeOnOneConnection(true);
    }

    @Test
    void aLargeBodyCutShortNamesHowMuchArrived() {
        run(() -> {
            try (RawServer server = RawServer.start((head, w, n) -> {
                w.write(bytes("HTTP/1.1 200 OK\r\nContent-Length: 300000\r\n\r\n"));
                writeInPieces(w, body(200_000), 4);
                return false;   // closes the connection
            });
                 HttpClient client = HttpClient.create()) {
                assertThatThrownBy(() -> await(client.get(server.url("/0"))))
                        .isInstanceOf(HttpProtocolException.class)
                        .hasMessage("connection closed early: body shorter than its Content-Length"
                                + " (200000 of 300000 bytes)");
            }
            return null;
        });
    }

    @Test
    void aServerReadsLargeRequestBodiesExactly() {
        run(() -> {
            HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> HttpResponse.text(200,
                    request.body().length + " " + Arrays.hashCode(request.body()))), HOST, 0));
            try (HttpClient client = HttpClient.create()) {
                for (int size : new int[] {0, 1, 256 * 1024, (1 << 20) + 3}) {
                    byte[] body = body(size);
                    HttpResponse r = await(client.send(HttpRequest.of("POST", URI.create(server.url("/")), body)));
                    assertThat(r.text()).isEqualTo(size + " " + Arrays.hashCode(body));
                }
            } finally {
                server.close();
            }
            return null;
        });
    }
}
