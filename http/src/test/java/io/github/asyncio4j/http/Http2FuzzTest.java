package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.http.HttpTesting.HOST;
import static io.github.asyncio4j.http.RawH2.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.junit.AsyncioTest;
import io.github.asyncio4j.net.Connection;
import io.github.asyncio4j.net.Server;
import io.github.asyncio4j.net.Streams;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded, bounded fuzzing of HTTP/2: valid frame sequences mutated (lengths, flags, types, stream ids, HPACK
 * indexes, bytes; frames dropped or repeated) and played against our server and our client. Each case must end
 * cleanly: a response, a GOAWAY or RST_STREAM with a known code, or an {@link HttpException} / I/O error for the
 * client; never a hang (each case is bounded), a task left running, or an exception reaching the loop's handler
 * ({@link AsyncioTest} fails the test for either).
 */
@Timeout(120)
class Http2FuzzTest {
    private static final long SEED = 0x4832_2024L;
    private static final int CASES = 250;

    /** A valid client conversation: SETTINGS, a GET, a POST with a body, a PING, a WINDOW_UPDATE. */
    private static List<byte[]> clientFrames() {
        Hpack.Encoder enc = new Hpack.Encoder();
        List<byte[]> f = new ArrayList<>();
        f.add(settings(Http2.SETTINGS_INITIAL_WINDOW_SIZE, 1 << 20, Http2.SETTINGS_ENABLE_PUSH, 0));
        f.add(get(enc, 1, "/size/5000"));
        f.add(frame(Http2.HEADERS, Http2.FLAG_END_HEADERS, 3, block(enc, ":method", "POST", ":scheme", "http",
                ":authority", "127.0.0.1", ":path", "/echo", "content-length", "10")));
        f.add(frame(Http2.DATA, 0, 3, "01234".getBytes()));
        f.add(frame(Http2.DATA, Http2.FLAG_END_STREAM, 3, "56789".getBytes()));
        f.add(frame(Http2.PING, 0, 0, new byte[8]));
        f.add(frame(Http2.WINDOW_UPDATE, 0, 0, int32(1000)));
        f.add(frame(Http2.PRIORITY, 0, 5, new byte[] {0, 0, 0, 1, 16}));
        f.add(get(enc, 7, "/"));
        return f;
    }

    /** A valid server side of a GET on stream 1. */
    private static List<byte[]> serverFrames() {
        Hpack.Encoder enc = new Hpack.Encoder();
        List<byte[]> f = new ArrayList<>();
        f.add(settings(Http2.SETTINGS_MAX_CONCURRENT_STREAMS, 100, Http2.SETTINGS_INITIAL_WINDOW_SIZE, 65535));
        f.add(frame(Http2.SETTINGS, Http2.FLAG_ACK, 0, new byte[0]));
        f.add(frame(Http2.HEADERS, Http2.FLAG_END_HEADERS, 1, block(enc, ":status", "200", "content-type",
                "text/plain", "content-length", "12", "x-a", "b")));
        f.add(frame(Http2.DATA, 0, 1, "hello ".getBytes()));
        f.add(frame(Http2.WINDOW_UPDATE, 0, 1, int32(100)));
        f.add(frame(Http2.DATA, Http2.FLAG_END_STREAM, 1, "world!".getBytes()));
        f.add(frame(Http2.PING, 0, 0, new byte[8]));
        return f;
    }

    /** One to three mutations of a frame list, as the bytes to send. */
    static byte[] mutate(List<byte[]> frames, Random r) {
        List<byte[]> f = new ArrayList<>();
        for (byte[] b : frames) {
            f.add(b.clone());
        }
        for (int m = 1 + r.nextInt(3); m > 0; m--) {
            int i = r.nextInt(f.size());
            byte[] b = f.get(i);
            if (b.length < Http2.FRAME_HEADER) {
                continue;   // a frame cut short by an earlier mutation
            }
            switch (r.nextInt(9)) {
                case 0 -> b[r.nextInt(3)] = (byte) r.nextInt(256);                  // the length
                case 1 -> b[3] = (byte) r.nextInt(12);                              // the type
                case 2 -> b[4] = (byte) r.nextInt(256);                             // the flags
                case 3 -> Http2Connection.int32(b, 5, r.nextInt(12) | (r.nextInt(8) == 0 ? 1 << 31 : 0));
                case 4 -> {                                                          // a payload byte
                    if (b.length > 9) {
                        b[9 + r.nextInt(b.length - 9)] = (byte) r.nextInt(256);
                    }
                }
                case 5 -> {                                                          // an HPACK index
                    if (b.length > 9 && b[3] == Http2.HEADERS) {
                        b[9 + r.nextInt(b.length - 9)] = (byte) (0x80 | r.nextInt(128));
                    }
                }
                case 6 -> f.remove(i);
                case 7 -> f.add(i, b.clone());
                default -> f.set(i, java.util.Arrays.copyOf(b, Math.max(0, b.length - 1 - r.nextInt(4))));
            }
            if (f.isEmpty()) {
                f.add(new byte[0]);
            }
        }
        return concat(f.toArray(new byte[0][]));
    }

    @AsyncioTest
    void mutatedClientFramesAgainstTheServer() {
        HttpServer server = await(HttpServer.start(request -> Coroutine.of(() -> {
            if (request.path().startsWith("/size/")) {
                return HttpResponse.of(200, "application/octet-stream",
                        BodySizesTest.body(Integer.parseInt(request.path().substring(6))));
            }
            return HttpResponse.of(200, "text/plain", request.body());
        }), HOST, 0, HttpServer.Options.defaults().withHttp2PriorKnowledge(true)
                .withReadTimeout(Duration.ofMillis(300))));
        Random random = new Random(SEED);
        List<byte[]> valid = clientFrames();
        int goAways = 0;
        int responses = 0;
        for (int n = 0; n < CASES; n++) {
            byte[] bytes = mutate(valid, random);
            Connection c = await(Streams.openConnection(HOST, server.port()));
            c.writer().write(Http2.PREFACE);
            c.writer().write(bytes);
            c.writer().writeEof();   // then the server must finish on its own: answer, reset, GOAWAY, close
            try (var t = Async.timeout(Duration.ofSeconds(5))) {
                Frame f;
                while ((f = read(c.reader())) != null) {
                    if (f.type() == Http2.GOAWAY || f.type() == Http2.RST_STREAM) {
                        assertThat(f.code()).as("case %d: %s", n, f).isBetween(0, Http2.HTTP_1_1_REQUIRED);
                        goAways += f.type() == Http2.GOAWAY && f.code() != Http2.NO_ERROR ? 1 : 0;
                    }
                    responses += f.type() == Http2.HEADERS ? 1 : 0;
                }
            } catch (TimeoutError e) {
                fail("case " + n + " hung: the server did not close the connection after the client's EOF");
            } finally {
                c.writer().close();
            }
        }
        assertThat(goAways).as("some cases are protocol errors").isPositive();
        assertThat(responses).as("some cases are still answered").isPositive();
        server.close();
        await(server.waitClosed());
    }

    @AsyncioTest
    void mutatedServerFramesAgainstTheClient() {
        Random random = new Random(SEED + 1);
        List<byte[]> valid = serverFrames();
        byte[][] reply = new byte[2][];   // before the client's request (its SETTINGS first), and after
        Server raw = await(Streams.startServer((reader, writer) -> Coroutine.of(() -> {
            try {
                await(reader.readExactly(Http2.PREFACE.length));
                writer.write(reply[0]);
                if (readUntil(reader, Http2.HEADERS) != null) {
                    writer.write(reply[1]);
                    await(writer.drain());
                    await(Async.sleep(0.01));   // then close: what the reply left open ends with the connection
                }
            } catch (RuntimeException e) {
                // the client went away
            } finally {
                writer.close();
            }
            return null;
        }), HOST, 0));
        List<byte[]> first = valid.subList(0, 2);
        List<byte[]> rest = valid.subList(2, valid.size());
        reply[0] = concat(first.toArray(new byte[0][]));   // the unmutated reply is a good response
        reply[1] = concat(rest.toArray(new byte[0][]));
        try (HttpClient client = HttpClient.builder().version(HttpVersion.HTTP_2).build()) {
            HttpResponse r = await(client.get("http://" + HOST + ":" + raw.port() + "/"));
            assertThat(r.text()).isEqualTo("hello world!");
            assertThat(r.header("x-a")).isEqualTo("b");
        }
        int ok = 0;
        int failed = 0;
        for (int n = 0; n < CASES; n++) {
            boolean early = random.nextInt(4) == 0;
            reply[0] = early ? mutate(first, random) : concat(first.toArray(new byte[0][]));
            reply[1] = early ? concat(rest.toArray(new byte[0][])) : mutate(rest, random);
            try (HttpClient client = HttpClient.builder().version(HttpVersion.HTTP_2)
                    .connectTimeout(Duration.ofMillis(500)).readTimeout(Duration.ofMillis(200))
                    .totalTimeout(Duration.ofSeconds(5)).build()) {
                HttpResponse r = await(client.get("http://" + HOST + ":" + raw.port() + "/"));
                assertThat(r.version()).isEqualTo("HTTP/2");
                ok++;
            } catch (HttpTimeoutException e) {
                assertThat(e.getMessage()).as("case %d hung", n).doesNotContain("total");
                failed++;
            } catch (HttpException e) {
                failed++;
            } catch (Exception e) {
                if (!(e instanceof IOException)) {
                    throw new AssertionError("case " + n + ": " + e, e);
                }
                failed++;
            }
        }
        assertThat(ok).as("some cases still give a response").isPositive();
        assertThat(failed).as("some cases are errors").isPositive();
        raw.close();
        await(raw.waitClosed());
    }
}
