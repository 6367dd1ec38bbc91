package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.http.HttpTesting.HOST;
import static io.github.asyncio4j.http.RawH2.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.junit.AsyncioTest;
import io.github.asyncio4j.net.Connection;
import io.github.asyncio4j.net.Streams;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;

/** The HTTP/2 server against known attacks: each ends in the right GOAWAY or RST_STREAM, never a hang. */
@Timeout(60)
class Http2AttackTest {
    private static HttpServer server(HttpServer.Options options) {
        return await(HttpServer.start(request -> Coroutine.of(() -> {
            if (request.path().startsWith("/size/")) {
                return HttpResponse.of(200, "application/octet-stream",
                        BodySizesTest.body(Integer.parseInt(request.path().substring(6))));
            }
            if (request.path().equals("/forever")) {
                await(Async.getRunningLoop().createFuture());
            }
            return HttpResponse.text(200, "ok");
        }), HOST, 0, options));
    }

    private static HttpServer server() {
        return server(HttpServer.Options.defaults().withHttp2PriorKnowledge(true));
    }

    /** A raw connection past the preface and our SETTINGS. */
    private static Connection connect(HttpServer server, byte[]... settings) {
        Connection c = await(Streams.openConnection(HOST, server.port()));
        c.writer().write(Http2.PREFACE);
        c.writer().write(settings.length > 0 ? settings[0] : settings());
        return c;
    }

    private static void assertGoAway(Connection c, int code) {
        Frame goAway = readUntil(c.reader(), Http2.GOAWAY);
        assertThat(goAway).as("a GOAWAY").isNotNull();
        assertThat(Http2.errorName(goAway.code())).isEqualTo(Http2.errorName(code));
        assertThat(read(c.reader())).as("the server closes after GOAWAY").isNull();
        c.writer().close();
    }

    private static void finish(HttpServer server) {
        server.close();
        await(server.waitClosed());
    }

    @AsyncioTest
    void rapidResetEndsInEnhanceYourCalm() {
        HttpServer server = server();
        Connection c = connect(server);
        Hpack.Encoder enc = new Hpack.Encoder();
        for (int i = 0; i <= Http2Connection.FLOOD_LIMIT; i++) {
            int id = 1 + 2 * i;
            c.writer().write(get(enc, id, "/forever"));
            c.writer().write(frame(Http2.RST_STREAM, 0, id, int32(Http2.CANCEL)));
        }
        assertGoAway(c, Http2.ENHANCE_YOUR_CALM);
        finish(server);
    }

    @AsyncioTest
    void continuationFloodEndsInEnhanceYourCalm() {
        HttpServer server = server();
        Connection c = connect(server);
        Hpack.Encoder enc = new Hpack.Encoder();
        byte[] start = block(enc, ":method", "GET", ":scheme", "http", ":path", "/");
        c.writer().write(frame(Http2.HEADERS, 0, 1, start));
        for (int i = 0; i < 1000; i++) {
            c.writer().write(frame(Http2.CONTINUATION, 0, 1, new byte[0]));
        }
        assertGoAway(c, Http2.ENHANCE_YOUR_CALM);
        finish(server);
    }

    @AsyncioTest
    void aHeaderBlockOverTheLimitEndsInEnhanceYourCalm() {
        HttpServer server = server(HttpServer.Options.defaults().withHttp2PriorKnowledge(true)
                .withMaxHeaderBytes(4096));
        Connection c = connect(server);
        Hpack.Encoder enc = new Hpack.Encoder();
        c.writer().write(frame(Http2.HEADERS, 0, 1, block(enc, ":method", "GET")));
        for (int i = 0; i < 10; i++) {
            c.writer().write(frame(Http2.CONTINUATION, 0, 1, block(enc, "x-" + i, "v".repeat(1000))));
        }
        assertGoAway(c, Http2.ENHANCE_YOUR_CALM);
        finish(server);
    }

    /** An HPACK bomb: a small block that decodes to a huge list is answered 431; the connection lives on. */
    @AsyncioTest
    void anHpackBombGets431AndTheConnectionLivesOn() {
        HttpServer server = server(HttpServer.Options.defaults().withHttp2PriorKnowledge(true)
                .withMaxHeaderBytes(8192));
        Connection c = connect(server);
        Hpack.Encoder enc = new Hpack.Encoder();
        ByteSink b = new ByteSink(4096);
        enc.encode(java.util.List.of(":method", "GET", ":scheme", "http", ":path", "/", "x-big",
                "a".repeat(1500)), b);
        for (int i = 0; i < 1000; i++) {
            b.write(0x80 | 62);   // x-big again, one byte each: some 1.5 MB decoded
        }
        c.writer().write(frame(Http2.HEADERS, Http2.FLAG_END_HEADERS | Http2.FLAG_END_STREAM, 1, b.toArray()));
        Frame headers = readUntil(c.reader(), Http2.HEADERS);
        Hpack.Decoder dec = new Hpack.Decoder(4096, 1 << 16);
        assertThat(dec.decode(headers.payload(), 0, headers.payload().length).fields())
                .startsWith(":status", "431");
        c.writer().write(get(enc, 3, "/"));
        Frame next = readUntil(c.reader(), Http2.HEADERS);
        assertThat(next.streamId()).isEqualTo(3);
        assertThat(dec.decode(next.payload(), 0, next.payload().length).fields()).startsWith(":status", "200");
        c.writer().close();
        finish(server);
    }

    @AsyncioTest
    void settingsAndPingFloodsEndInEnhanceYourCalm() {
        for (int type : new int[] {Http2.SETTINGS, Http2.PING}) {
            HttpServer server = server();
            Connection c = connect(server);
            for (int i = 0; i <= Http2Connection.FLOOD_LIMIT; i++) {
                c.writer().write(type == Http2.PING ? frame(Http2.PING, 0, 0, new byte[8]) : settings());
            }
            assertGoAway(c, Http2.ENHANCE_YOUR_CALM);
            finish(server);
        }
    }

    /** A client that never opens its window: the stream that cannot send is reset after the read timeout. */
    @AsyncioTest
    void aZeroWindowStallIsResetAfterTheReadTimeout() {
        HttpServer server = server(HttpServer.Options.defaults().withHttp2PriorKnowledge(true)
                .withReadTimeout(Duration.ofMillis(300)));
        Connection c = connect(server, settings(Http2.SETTINGS_INITIAL_WINDOW_SIZE, 0));
        c.writer().write(get(new Hpack.Encoder(), 1, "/size/100000"));
        Frame rst = readUntil(c.reader(), Http2.RST_STREAM);
        assertThat(rst.streamId()).isEqualTo(1);
        assertThat(Http2.errorName(rst.code())).isEqualTo("CANCEL");
        c.writer().close();
        finish(server);
    }

    @AsyncioTest
    void protocolViolationsGetTheirCodes() {
        Hpack.Encoder enc = new Hpack.Encoder();
        Object[][] cases = {
            {frame(Http2.DATA, 0, 0, new byte[1]), Http2.PROTOCOL_ERROR},                    // DATA on stream 0
            {frame(Http2.DATA, 0, 1, new byte[1]), Http2.PROTOCOL_ERROR},                    // DATA on idle stream
            {frame(Http2.PING, 0, 0, new byte[7]), Http2.FRAME_SIZE_ERROR},
            {frame(Http2.SETTINGS, 0, 0, new byte[5]), Http2.FRAME_SIZE_ERROR},
            {frame(Http2.SETTINGS, 0, 0, concat(new byte[] {0, 4}, int32(Integer.MIN_VALUE))),
                Http2.FLOW_CONTROL_ERROR},
            {frame(Http2.WINDOW_UPDATE, 0, 0, int32(0)), Http2.PROTOCOL_ERROR},
            {frame(Http2.HEADERS, Http2.FLAG_END_HEADERS, 2, block(enc, ":method", "GET")), Http2.PROTOCOL_ERROR},
            {frame(Http2.HEADERS, Http2.FLAG_END_HEADERS, 1, new byte[] {(byte) 0xff}), Http2.COMPRESSION_ERROR},
            {frame(Http2.PUSH_PROMISE, Http2.FLAG_END_HEADERS, 1, new byte[4]), Http2.PROTOCOL_ERROR},
            {frame(Http2.DATA, 0, 1, new byte[Http2.DEFAULT_MAX_FRAME_SIZE + 1]), Http2.FRAME_SIZE_ERROR},
            {frame(Http2.CONTINUATION, Http2.FLAG_END_HEADERS, 1, new byte[0]), Http2.PROTOCOL_ERROR},
        };
        for (Object[] c : cases) {
            HttpServer server = server();
            Connection conn = connect(server);
            conn.writer().write((byte[]) c[0]);
            assertGoAway(conn, (int) c[1]);
            finish(server);
        }
    }

    @AsyncioTest
    void aMalformedRequestIsAStreamErrorAndTheConnectionLivesOn() {
        HttpServer server = server();
        Connection c = connect(server);
        Hpack.Encoder enc = new Hpack.Encoder();
        c.writer().write(frame(Http2.HEADERS, Http2.FLAG_END_HEADERS | Http2.FLAG_END_STREAM, 1,
                block(enc, ":method", "GET", ":scheme", "http", ":path", "/", "Upper", "x")));
        Frame rst = readUntil(c.reader(), Http2.RST_STREAM);
        assertThat(rst.streamId()).isEqualTo(1);
        assertThat(Http2.errorName(rst.code())).isEqualTo("PROTOCOL_ERROR");
        c.writer().write(get(enc, 3, "/"));
        assertThat(readUntil(c.reader(), Http2.HEADERS).streamId()).isEqualTo(3);
        c.writer().close();
        finish(server);
    }
}
