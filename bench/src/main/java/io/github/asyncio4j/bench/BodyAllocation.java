package io.github.asyncio4j.bench;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.http.HttpClient;
import io.github.asyncio4j.http.HttpResponse;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Bytes allocated per HTTP response by {@link HttpClient}, for bodies of about 90 KB (a typical HTML page of the
 * Python docs) and 1 MiB, framed by Content-Length and chunked (8 KiB chunks, as a gzipping nginx sends them).
 * The client runs on this JVM's main thread (its event loop, fast engine) and its allocation is that thread's,
 * from {@link com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes()}: a count of bytes, not a time, so
 * it does not depend on what else the machine runs (only how the bytes happen to be split into socket reads
 * does). The server is a plain blocking {@link ServerSocket} on other threads that writes canned responses on
 * one keep-alive connection, so none of its allocation is counted. Each body is checked byte for byte.
 *
 * <pre>
 *   ./asyncio4j mvn -B -q -pl bench -am package -DskipTests
 *   java --add-exports=java.base/jdk.internal.vm=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *        io.github.asyncio4j.bench.BodyAllocation [requests per body, default 200]
 * </pre>
 *
 * <p>Prints one line per body: bytes allocated per response, and that divided by the body's size (1.0 is the
 * body array alone).
 */
public final class BodyAllocation {
    private static final int CHUNK = 8 * 1024;

    private BodyAllocation() {
    }

    public static void main(String[] args) throws IOException {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        for (int size : new int[] {90_000, 1 << 20}) {
            byte[] body = new byte[size];
            for (int i = 0; i < size; i++) {
                body[i] = (byte) ('a' + (i * 31 + i / 977) % 26);
            }
            bodies.put("/length/" + size, body);
            bodies.put("/chunked/" + size, body);
        }
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofPlatform().daemon().start(() -> serve(server, bodies));
            String base = "http://127.0.0.1:" + server.getLocalPort();
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            Async.run(Coroutine.of(() -> {
                try (HttpClient client = HttpClient.builder().maxConnectionsPerHost(1).build()) {
                    for (int round = 0; round < 2; round++) {   // the first round warms the JIT up
                        for (Map.Entry<String, byte[]> e : bodies.entrySet()) {
                            String url = base + e.getKey();
                            byte[] expected = e.getValue();
                            long before = threads.getCurrentThreadAllocatedBytes();
                            for (int i = 0; i < requests; i++) {
                                HttpResponse r = await(client.get(url));
                                if (r.status() != 200 || !Arrays.equals(r.body(), expected)) {
                                    throw new IllegalStateException(url + ": status " + r.status() + ", "
                                            + r.body().length + " bytes, not the body sent");
                                }
                            }
                            long perResponse = (threads.getCurrentThreadAllocatedBytes() - before) / requests;
                            if (round == 1) {
                                System.out.printf("%-18s %,12d bytes allocated per response  (%.2f x the body)%n",
                                        e.getKey(), perResponse, (double) perResponse / expected.length);
                            }
                        }
                    }
                }
                return null;
            }));
            acceptor.interrupt();
        }
    }

    private static void serve(ServerSocket server, Map<String, byte[]> bodies) {
        Map<String, byte[]> responses = new LinkedHashMap<>();
        bodies.forEach((path, body) -> responses.put(path, response(path.startsWith("/chunked/"), body)));
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException closed) {
                return;
            }
            Thread.ofPlatform().daemon().start(() -> {
                try (s; InputStream in = new BufferedInputStream(s.getInputStream());
                        OutputStream out = s.getOutputStream()) {
                    String path;
                    while ((path = requestPath(in)) != null) {
                        byte[] response = responses.get(path);
                        if (response == null) {
                            out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                        } else {
                            out.write(response);
                        }
                        out.flush();
                    }
                } catch (IOException gone) {
                    // the client closed the connection
                }
            });
        }
    }

    /** The path of the next request's line (its head is read to the empty line), or null at EOF. */
    private static String requestPath(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int c;
        while (matched < 4 && (c = in.read()) >= 0) {
            head.write(c);
            matched = (c == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        if (matched < 4) {
            return null;
        }
        String line = head.toString(StandardCharsets.US_ASCII).lines().findFirst().orElse("");
        String[] parts = line.split(" ");
        return parts.length > 1 ? parts[1] : "";
    }

    private static byte[] response(boolean chunked, byte[] body) {
        ByteArrayOutputStream r = new ByteArrayOutputStream();
        r.writeBytes(("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n")
                + "\r\n").getBytes(StandardCharsets.US_ASCII));
        if (!chunked) {
            r.writeBytes(body);
            return r.toByteArray();
        }
        for (int at = 0; at < body.length; at += CHUNK) {
            int n = Math.min(CHUNK, body.length - at);
            r.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            r.write(body, at, n);
            r.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        r.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return r.toByteArray();
    }
}
