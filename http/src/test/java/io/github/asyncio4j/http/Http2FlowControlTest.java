package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.http.HttpTesting.HOST;
import static io.github.asyncio4j.http.RawH2.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.junit.AsyncioTest;
import io.github.asyncio4j.net.Connection;
import io.github.asyncio4j.net.Server;
import io.github.asyncio4j.net.Streams;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/** HTTP/2 flow control both ways, and GOAWAY's retry rule, with a hand-played peer. */
@Timeout(60)
class Http2FlowControlTest {
    private static HttpServer sizes() {
        return await(HttpServer.start(request -> Coroutine.of(() -> HttpResponse.of(200,
                "application/octet-stream", BodySizesTest.body(Integer.parseInt(request.path().substring(1))))),
                HOST, 0, HttpServer.Options.defaults().withHttp2PriorKnowledge(true)));
    }

    /**
     * A peer that reads one stream slowly (its window stays shut) gets the other stream's response in full; the
     * server sends the slow stream no more than its window, and the rest once the window opens.
     */
    @AsyncioTest
    void aStalledStreamHoldsBackOnlyItselfAndNeverMoreThanItsWindow() {
        HttpServer server = sizes();
        Connection c = await(Streams.openConnection(HOST, server.port()));
        c.writer().write(Http2.PREFACE);
        c.writer().write(settings(Http2.SETTINGS_INITIAL_WINDOW_SIZE, 1000));
        c.writer().write(frame(Http2.WINDOW_UPDATE, 0, 0, int32(1 << 24)));   // the connection window is open
        Hpack.Encoder enc = new Hpack.Encoder();
        c.writer().write(get(enc, 1, "/200000"));
        c.writer().write(get(enc, 3, "/50000"));
        int slow = 0;
        int fast = 0;
        boolean fastDone = false;
        while (!fastDone) {
            Frame f = read(c.reader());
            if (f.type() == Http2.DATA && f.streamId() == 1) {
                slow += f.payload().length;
            } else if (f.type() == Http2.DATA && f.streamId() == 3) {
                fast += f.payload().length;
                if (fast % 1000 == 0 || (f.flags() & Http2.FLAG_END_STREAM) != 0) {
                    c.writer().write(frame(Http2.WINDOW_UPDATE, 0, 3, int32(f.payload().length)));
                }
                fastDone = (f.flags() & Http2.FLAG_END_STREAM) != 0;
            }
        }
        assertThat(fast).isEqualTo(50000);
        assertThat(slow).as("stream 1 got its window and no more").isEqualTo(1000);
        c.writer().write(frame(Http2.WINDOW_UPDATE, 0, 1, int32(199_000)));
        while (slow < 200000) {
            Frame f = read(c.reader());
            if (f.type() == Http2.DATA && f.streamId() == 1) {
                slow += f.payload().length;
            }
        }
        assertThat(slow).isEqualTo(200000);
        c.writer().close();
        server.close();
        await(server.waitClosed());
    }

    /**
     * GOAWAY with last-stream-id 1 while streams 1, 3 and 5 are open: stream 1 is answered on the old connection,
     * 3 and 5 (never processed) are retried on a new one.
     */
    @AsyncioTest
    void streamsAboveGoAwaysLastStreamIdAreRetriedOnANewConnection() {
        List<Integer> connections = new ArrayList<>();
        Server raw = await(Streams.startServer((reader, writer) -> Coroutine.of(() -> {
            connections.add(connections.size() + 1);
            boolean first = connections.size() == 1;
            Hpack.Encoder enc = new Hpack.Encoder();
            try {
                await(reader.readExactly(Http2.PREFACE.length));
                writer.write(settings(Http2.SETTINGS_MAX_CONCURRENT_STREAMS, 10));
                List<Integer> streams = new ArrayList<>();
                Frame f;
                while ((f = read(reader)) != null) {
                    if (f.type() != Http2.HEADERS) {
                        continue;
                    }
                    streams.add(f.streamId());
                    if (first && streams.size() == 3) {
                        writer.write(frame(Http2.HEADERS, Http2.FLAG_END_HEADERS | Http2.FLAG_END_STREAM, 1,
                                block(enc, ":status", "200", "x-conn", "1")));
                        writer.write(frame(Http2.GOAWAY, 0, 0, concat(int32(1), int32(Http2.NO_ERROR))));
                        await(writer.drain());
                        break;
                    }
                    if (!first) {
                        writer.write(frame(Http2.HEADERS, Http2.FLAG_END_HEADERS | Http2.FLAG_END_STREAM,
                                f.streamId(), block(enc, ":status", "200", "x-conn", "2")));
                    }
                }
            } finally {
                writer.close();
            }
            return null;
        }), HOST, 0));
        try (HttpClient client = HttpClient.builder().version(HttpVersion.HTTP_2).build()) {
            String url = "http://" + HOST + ":" + raw.port() + "/";
            List<Task<HttpResponse>> tasks = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                tasks.add(Async.createTask(client.get(url + i)));
            }
            assertThat(await(tasks.get(0)).header("x-conn")).isEqualTo("1");
            assertThat(await(tasks.get(1)).header("x-conn")).isEqualTo("2");
            assertThat(await(tasks.get(2)).header("x-conn")).isEqualTo("2");
            assertThat(connections).hasSize(2);
        } finally {
            raw.close();
            await(raw.waitClosed());
        }
    }

    /** A stream the server did process but that the connection's end cut short fails with a clear error. */
    @AsyncioTest
    void aProcessedStreamCutShortByTheConnectionsEndFails() {
        Server raw = await(Streams.startServer((reader, writer) -> Coroutine.of(() -> {
            try {
                await(reader.readExactly(Http2.PREFACE.length));
                writer.write(settings());
                readUntil(reader, Http2.HEADERS);
                writer.write(frame(Http2.HEADERS, Http2.FLAG_END_HEADERS, 1,
                        block(new Hpack.Encoder(), ":status", "200")));
                writer.write(frame(Http2.GOAWAY, 0, 0, concat(int32(1), int32(Http2.INTERNAL_ERROR),
                        "going down".getBytes())));
                await(writer.drain());
            } finally {
                writer.close();
            }
            return null;
        }), HOST, 0));
        try (HttpClient client = HttpClient.builder().version(HttpVersion.HTTP_2).build()) {
            assertThatThrownBy(() -> await(client.get("http://" + HOST + ":" + raw.port() + "/")))
                    .isInstanceOf(HttpProtocolException.class)
                    .hasMessageContaining("GOAWAY").hasMessageContaining("INTERNAL_ERROR")
                    .hasMessageContaining("going down");
        } finally {
            raw.close();
            await(raw.waitClosed());
        }
    }

    /**
     * A connection silent for 10 s is checked with PING before reuse: one whose server answers is reused; one whose
     * server went quiet is closed and the request goes to a new connection.
     */
    @AsyncioTest(virtualTime = true)
    void aSilentConnectionIsCheckedWithPingBeforeReuse() {
        List<Integer> connections = new ArrayList<>();
        Server raw = await(Streams.startServer((reader, writer) -> Coroutine.of(() -> {
            connections.add(connections.size() + 1);
            boolean quietAfterOne = connections.size() == 1;
            Hpack.Encoder enc = new Hpack.Encoder();
            try {
                await(reader.readExactly(Http2.PREFACE.length));
                writer.write(settings());
                int answered = 0;
                Frame f;
                while ((f = read(reader)) != null) {
                    boolean quiet = quietAfterOne && answered == 1;
                    if (f.type() == Http2.HEADERS && !quiet) {
                        writer.write(frame(Http2.HEADERS, Http2.FLAG_END_HEADERS | Http2.FLAG_END_STREAM,
                                f.streamId(), block(enc, ":status", "200", "x-conn",
                                        Integer.toString(connections.size()))));
                        answered++;
                    } else if (f.type() == Http2.PING && (f.flags() & Http2.FLAG_ACK) == 0 && !quiet) {
                        writer.write(frame(Http2.PING, Http2.FLAG_ACK, 0, f.payload()));
                    }
                }
            } finally {
                writer.close();
            }
            return null;
        }), HOST, 0));
        HttpServer ours = await(HttpServer.start(request -> Coroutine.of(() -> HttpResponse.text(200, "ok")), HOST,
                0, HttpServer.Options.defaults().withHttp2PriorKnowledge(true)
                        .withKeepAliveTimeout(java.time.Duration.ofSeconds(60))));
        try (HttpClient client = HttpClient.builder().version(HttpVersion.HTTP_2).build()) {
            String url = "http://" + HOST + ":" + raw.port() + "/";
            assertThat(await(client.get(url)).header("x-conn")).isEqualTo("1");
            assertThat(await(client.get(ours.url("/"))).version()).isEqualTo("HTTP/2");
            await(Async.sleep(11));
            assertThat(await(client.get(url)).header("x-conn")).as("the quiet one was replaced").isEqualTo("2");
            assertThat(await(client.get(ours.url("/"))).text()).isEqualTo("ok");
            assertThat(ours.connectionsAccepted()).as("the answering one was reused").isEqualTo(1);
        } finally {
            raw.close();
            ours.close();
            await(raw.waitClosed());
            await(ours.waitClosed());
        }
    }

    /**
     * A peer that sends more DATA than a stream's window gets RST_STREAM(FLOW_CONTROL_ERROR) on that stream and
     * the connection lives on; a WINDOW_UPDATE taking a stream's window past 2^31 - 1 resets that stream the same
     * way, and one taking the connection's window past it ends the connection with GOAWAY(FLOW_CONTROL_ERROR).
     * The streams' handler never reads, so no window is given back while the peer sends.
     */
    @AsyncioTest
    void aPeerExceedingAWindowGetsFlowControlError() {
        Server server = await(Streams.startServer((reader, writer) -> Coroutine.of(() -> {
            new Http2Connection(new Http2Connection.Config(true, 10, 1000, 16384, 17408), reader, writer,
                    (c, stream) -> { }).run(false);
            return null;
        }), HOST, 0));
        Connection c = await(Streams.openConnection(HOST, server.port()));
        c.writer().write(Http2.PREFACE);
        c.writer().write(settings());
        Hpack.Encoder enc = new Hpack.Encoder();
        byte[] post = block(enc, ":method", "POST", ":scheme", "http", ":path", "/", ":authority", "x");
        c.writer().write(frame(Http2.HEADERS, Http2.FLAG_END_HEADERS, 1, post));
        c.writer().write(frame(Http2.DATA, 0, 1, new byte[1000]));   // the whole window: allowed
        c.writer().write(frame(Http2.DATA, 0, 1, new byte[1]));      // one byte past it
        Frame rst = readUntil(c.reader(), Http2.RST_STREAM);
        assertThat(rst.streamId()).isEqualTo(1);
        assertThat(Http2.errorName(rst.code())).isEqualTo("FLOW_CONTROL_ERROR");

        c.writer().write(frame(Http2.PING, 0, 0, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
        Frame pong = readUntil(c.reader(), Http2.PING);
        assertThat(pong.flags() & Http2.FLAG_ACK).as("the connection lives on").isEqualTo(Http2.FLAG_ACK);

        c.writer().write(frame(Http2.HEADERS, Http2.FLAG_END_HEADERS, 3, block(enc, ":method", "POST",
                ":scheme", "http", ":path", "/", ":authority", "x")));
        c.writer().write(frame(Http2.WINDOW_UPDATE, 0, 3, int32(Integer.MAX_VALUE)));
        rst = readUntil(c.reader(), Http2.RST_STREAM);
        assertThat(rst.streamId()).isEqualTo(3);
        assertThat(Http2.errorName(rst.code())).isEqualTo("FLOW_CONTROL_ERROR");

        c.writer().write(frame(Http2.WINDOW_UPDATE, 0, 0, int32(Integer.MAX_VALUE)));
        Frame goAway = readUntil(c.reader(), Http2.GOAWAY);
        assertThat(Http2.errorName(goAway.code())).isEqualTo("FLOW_CONTROL_ERROR");
        assertThat(read(c.reader())).as("the connection closes after GOAWAY").isNull();
        c.writer().close();
        server.close();
        await(server.waitClosed());
    }

    /**
     * Keepalive from the server's side: the client answers a PING (ACK with the same 8 bytes) while a request
     * waits; the server here answers the request only after that ACK, so a client that did not answer would time
     * out.
     */
    @AsyncioTest
    void theClientAnswersTheServersPing() {
        byte[] opaque = {9, 8, 7, 6, 5, 4, 3, 2};
        List<byte[]> acks = new ArrayList<>();
        Server raw = await(Streams.startServer((reader, writer) -> Coroutine.of(() -> {
            Hpack.Encoder enc = new Hpack.Encoder();
            try {
                await(reader.readExactly(Http2.PREFACE.length));
                writer.write(settings());
                int request = 0;
                Frame f;
                while ((f = read(reader)) != null) {
                    if (f.type() == Http2.HEADERS) {
                        request = f.streamId();
                        writer.write(frame(Http2.PING, 0, 0, opaque));
                    } else if (f.type() == Http2.PING && (f.flags() & Http2.FLAG_ACK) != 0) {
                        acks.add(f.payload());
                        writer.write(frame(Http2.HEADERS, Http2.FLAG_END_HEADERS | Http2.FLAG_END_STREAM,
                                request, block(enc, ":status", "204")));
                    }
                }
            } finally {
                writer.close();
            }
            return null;
        }), HOST, 0));
        try (HttpClient client = HttpClient.builder().version(HttpVersion.HTTP_2)
                .readTimeout(java.time.Duration.ofSeconds(20)).build()) {
            assertThat(await(client.get("http://" + HOST + ":" + raw.port() + "/")).status()).isEqualTo(204);
            assertThat(acks).hasSize(1);
            assertThat(acks.get(0)).isEqualTo(opaque);
        } finally {
            raw.close();
            await(raw.waitClosed());
        }
    }

    /**
     * With the server's limit of one stream, requests B and C wait for A's. A's end wakes only B; B is cancelled
     * after that wake and before it runs, so it passes the turn to C, which gets the stream (without the hand-on C
     * would wait for a stream's end that never comes).
     */
    @AsyncioTest
    void aWaiterCancelledAfterItsWakePassesTheFreedStreamOn() {
        Future<Void> holding = Async.getRunningLoop().createFuture();
        Server raw = await(Streams.startServer((reader, writer) -> Coroutine.of(() -> {
            Hpack.Encoder enc = new Hpack.Encoder();
            try {
                await(reader.readExactly(Http2.PREFACE.length));
                writer.write(settings(Http2.SETTINGS_MAX_CONCURRENT_STREAMS, 1));
                Frame f;
                while ((f = read(reader)) != null) {
                    if (f.type() != Http2.HEADERS) {
                        continue;
                    }
                    boolean first = f.streamId() == 1;   // A: headers, then a body that never comes
                    writer.write(frame(Http2.HEADERS, Http2.FLAG_END_HEADERS | (first ? 0 : Http2.FLAG_END_STREAM),
                            f.streamId(), block(enc, ":status", "200")));
                    if (first) {
                        holding.setResult(null);
                    }
                }
            } finally {
                writer.close();
            }
            return null;
        }), HOST, 0));
        try (HttpClient client = HttpClient.builder().version(HttpVersion.HTTP_2).maxConnectionsPerHost(1).build()) {
            String url = "http://" + HOST + ":" + raw.port() + "/";
            Task<HttpResponse> a = Async.createTask(client.get(url + "a"));
            await(holding);
            Task<HttpResponse> b = Async.createTask(client.get(url + "b"));
            Task<HttpResponse> c = Async.createTask(client.get(url + "c"));
            for (int i = 0; i < 10; i++) {
                await(Async.sleep(0));
            }
            assertThat(b.isDone() || c.isDone()).as("B and C wait for the one stream").isFalse();
            a.cancel();                  // A's task runs next: it resets its stream, which wakes B
            await(Async.sleep(0));       // this runs after A's step and before B's
            b.cancel();
            // bounded: without the hand-on C waits for ever (the bound only turns that into a failure)
            assertThat(await(Async.waitFor(c, java.time.Duration.ofSeconds(20))).status()).isEqualTo(200);
            assertThat(b.isCancelled()).isTrue();
        } finally {
            raw.close();
            await(raw.waitClosed());
        }
    }
}
