package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.net.Connection;
import io.github.asyncio4j.net.Server;
import io.github.asyncio4j.net.StreamReader;
import io.github.asyncio4j.net.StreamWriter;
import io.github.asyncio4j.net.Streams;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/** Helpers shared by the http tests: running on a loop, and raw (possibly hostile) HTTP servers. */
final class HttpTesting {
    static final String HOST = "127.0.0.1";

    private HttpTesting() {
    }

    static <T> T run(Callable<T> body) {
        return Async.run(Coroutine.of(body));
    }

    static <T> Task<T> spawn(Callable<T> body) {
        return Async.createTask(Coroutine.of(body));
    }

    /** A streamed response's whole body, read in reads of {@code step} bytes (each one non-empty, within step). */
    static byte[] readAll(StreamedResponse r, int step) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[step];
        for (int n; (n = await(r.readInto(buffer, 0, step))) >= 0; ) {
            if (n <= 0 || n > step) {
                throw new AssertionError("a read of at most " + step + " bytes returned " + n);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** Lets the loop run a few iterations. */
    static void settle() {
        for (int i = 0; i < 10; i++) {
            await(Async.sleep(0));
        }
    }

    /** The paths {@link #encodingServer} answers in a content coding, each giving back the same text. */
    static final List<String> ENCODED_PATHS = List.of("/gzip", "/zlib", "/raw", "/chunked-gzip");

    /**
     * A server answering {@code text} as {@code /gzip} (gzip), {@code /zlib} (deflate in zlib's wrapper),
     * {@code /raw} (raw deflate, which servers also label "deflate") and {@code /chunked-gzip} (gzip, chunked);
     * any other path gets an empty body in gzip. Start it on a running loop.
     */
    static HttpServer encodingServer(byte[] text) {
        byte[] gzip = gzip(text);
        byte[] zlib = deflate(text, false);
        byte[] raw = deflate(text, true);
        byte[] empty = gzip(new byte[0]);
        return await(HttpServer.start(request -> Coroutine.of(() -> switch (request.path()) {
            case "/gzip" -> HttpResponse.of(200, "text/plain", gzip).withHeader("Content-Encoding", "gzip");
            case "/zlib" -> HttpResponse.of(200, "text/plain", zlib).withHeader("Content-Encoding", "deflate");
            case "/raw" -> HttpResponse.of(200, "text/plain", raw).withHeader("Content-Encoding", "deflate");
            case "/chunked-gzip" -> HttpResponse.of(200, "text/plain", gzip)
                    .withHeader("Content-Encoding", "gzip").withHeader("Transfer-Encoding", "chunked");
            default -> HttpResponse.of(200, "text/plain", empty).withHeader("Content-Encoding", "gzip");
        }), HOST, 0));
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code data} deflated, in zlib's wrapper or {@code raw}. */
    static byte[] deflate(byte[] data, boolean raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
            d.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends {@code raw} (requests, Latin-1) on a new connection to {@code server}; returns all it got to EOF. */
    static String exchange(HttpServer server, String raw) {
        Connection c = await(Streams.openConnection(HOST, server.port()));
        c.writer().write(bytes(raw));
        String all = new String(await(c.reader().read(-1)), StandardCharsets.ISO_8859_1);
        c.close();
        return all;
    }

    /** What a raw server does with one request: write bytes (or misbehave); false closes the connection. */
    @FunctionalInterface
    interface Script {
        boolean respond(String requestHead, StreamWriter writer, int requestNumber) throws Exception;
    }

    /**
     * A server on raw streams: for each request it reads the head (up to the empty line; request bodies are not
     * supported) and runs the script. Counts connections and records each request head.
     */
    static final class RawServer implements AutoCloseable {
        final Server server;
        final List<String> requests = new ArrayList<>();
        int connections;

        private RawServer(Server server) {
            this.server = server;
        }

        static RawServer start(Script script) {
            RawServer[] self = new RawServer[1];
            Server server = await(Streams.startServer((reader, writer) -> Coroutine.of(() -> {
                self[0].connections++;
                try {
                    String head;
                    while ((head = readHead(reader)) != null) {
                        self[0].requests.add(head);
                        if (!script.respond(head, writer, self[0].requests.size())) {
                            break;
                        }
                        await(writer.drain());
                    }
                } finally {
                    writer.close();
                }
                return null;
            }), HOST, 0));
            self[0] = new RawServer(server);
            return self[0];
        }

        /** A server that answers every request with {@code response}, keeping the connection open. */
        static RawServer replying(String response) {
            return start((head, w, n) -> {
                w.write(bytes(response));
                return true;
            });
        }

        /** A server that answers every request with {@code response} and then closes the connection. */
        static RawServer replyingOnce(String response) {
            return start((head, w, n) -> {
                w.write(bytes(response));
                return false;
            });
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.port() + path;
        }

        private static String readHead(StreamReader reader) {
            StringBuilder head = new StringBuilder();
            while (true) {
                byte[] line = await(reader.readLine());
                if (line.length == 0) {
                    return null;
                }
                String s = new String(line, StandardCharsets.ISO_8859_1);
                head.append(s);
                if (s.equals("\r\n")) {
                    return head.toString();
                }
            }
        }

        @Override
        public void close() {
            server.close();
            server.abortClients();
        }
    }
}
