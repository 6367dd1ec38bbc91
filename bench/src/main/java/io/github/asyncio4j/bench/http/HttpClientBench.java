package io.github.asyncio4j.bench.http;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.http.HttpClient;
import io.github.asyncio4j.http.HttpResponse;
import io.github.asyncio4j.http.HttpVersion;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The HTTP benchmark's client side (bench/run http): fetches {@code COUNT} files {@code BASE/f0000.txt} ... all at
 * once (one task each) with a fresh {@link HttpClient} per round, and prints one JSON line with each round's wall
 * time in milliseconds (connection set-up and TLS handshakes included, as for curl).
 *
 * <pre>
 *   java -cp benchmarks.jar io.github.asyncio4j.bench.http.HttpClientBench h2|h1 BASE COUNT CA_PEM ROUNDS SIZE
 * </pre>
 *
 * <p>{@code h2}: HTTP/2 by ALPN, one connection (every request a stream on it, as many at once as the server allows); {@code h1}: HTTP/1.1 with at most
 * 6 connections (a browser's per-host limit). Every body must be {@code SIZE} bytes, or the run fails.
 */
public final class HttpClientBench {
    private HttpClientBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6 || !(args[0].equals("h2") || args[0].equals("h1"))) {
            System.err.println("usage: HttpClientBench h2|h1 BASE_URL COUNT CA_PEM ROUNDS SIZE");
            System.exit(2);
        }
        boolean h2 = args[0].equals("h2");
        String base = args[1];
        int count = Integer.parseInt(args[2]);
        SSLContext trust = trusting(Path.of(args[3]));
        int rounds = Integer.parseInt(args[4]);
        int size = Integer.parseInt(args[5]);
        List<Double> times = new ArrayList<>();
        int[] connections = {0};
        Async.run(Coroutine.of(() -> {
            for (int r = 0; r < rounds; r++) {
                HttpClient.Builder b = HttpClient.builder().sslContext(trust);
                b = h2 ? b.version(HttpVersion.AUTO).maxConnectionsPerHost(1)
                        : b.version(HttpVersion.HTTP_1_1).maxConnectionsPerHost(6);
                try (HttpClient client = b.build()) {
                    long start = System.nanoTime();
                    List<Task<HttpResponse>> tasks = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        tasks.add(Async.createTask(client.get(base + String.format("f%04d.txt", i))));
                    }
                    for (HttpResponse response : await(Async.gather(tasks))) {
                        String want = h2 ? "HTTP/2" : "HTTP/1.1";
                        if (response.status() != 200 || response.body().length != size
                                || !response.version().equals(want)) {
                            throw new IllegalStateException("unexpected response: " + response.status() + " "
                                    + response.version() + ", " + response.body().length + " bytes");
                        }
                    }
                    times.add((System.nanoTime() - start) / 1e6);
                    connections[0] = client.openConnections();
                }
            }
            return null;
        }));
        System.out.printf("{\"mode\": \"%s\", \"count\": %d, \"connections\": %d, \"times_ms\": %s}%n",
                args[0], count, connections[0], times);
    }

    /** A context trusting only the throwaway CA in {@code pem}. */
    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
