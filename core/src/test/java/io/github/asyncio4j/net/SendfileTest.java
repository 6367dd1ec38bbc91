package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.sleep;
import static io.github.asyncio4j.net.NetTesting.HOST;
import static io.github.asyncio4j.net.NetTesting.run;
import static io.github.asyncio4j.net.NetTesting.spawn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link StreamWriter#sendfile}: zero-copy on plain sockets, chunked over TLS, ranges, misuse. */
@Timeout(30)
class SendfileTest {
    @TempDir
    Path dir;
    static SSLContext serverCtx;
    static SSLContext clientCtx;

    /** The certificates are made by keytool (a JVM of its own): outside the tests' time. */
    @BeforeAll
    static void contexts() throws Exception {
        serverCtx = TestCerts.serverContext();
        clientCtx = TestCerts.clientContext();
    }

    Path randomFile(int size) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return Files.write(dir.resolve("data-" + size), data);
    }

    /** Serves {@code header}, then the file's range, then closes. */
    static ConnectionHandler serveFile(Path file, long position, long count, long[] sent) {
        return (r, w) -> Coroutine.of(() -> {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                w.write("header\n".getBytes());
                sent[0] = await(w.sendfile(ch, position, count));
                await(w.drain());
            } finally {
                w.close();
            }
            return null;
        });
    }

    static byte[] readAll(StreamReader r) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] chunk;
        while ((chunk = await(r.read(1 << 16))).length > 0) {
            all.writeBytes(chunk);
        }
        return all.toByteArray();
    }

    static byte[] expected(Path file, int from, int to) throws Exception {
        byte[] h = "header\n".getBytes();
        byte[] body = Arrays.copyOfRange(Files.readAllBytes(file), from, to);
        byte[] all = Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    @Test
    void aWholeFileAfterBufferedBytesOnAPlainSocket() throws Exception {
        Path file = randomFile(1 << 20);
        long[] sent = {-1};
        run(() -> {
            try (Server server = await(Streams.startServer(serveFile(file, 0, Long.MAX_VALUE, sent), HOST, 0))) {
                Connection c = await(Streams.openConnection(HOST, server.port()));
                assertThat(readAll(c.reader())).isEqualTo(expected(file, 0, 1 << 20));
                c.close();
            }
            return null;
        });
        assertThat(sent[0]).isEqualTo(1 << 20);
    }

    @Test
    void aRangeOverTlsFallsBackToCopying() throws Exception {
        Path file = randomFile(120_000);
        long[] sent = {-1};
        run(() -> {
            try (Server server = await(Streams.startServer(serveFile(file, 1000, 100_000, sent), HOST, 0,
                    serverCtx))) {
                Connection c = await(Streams.openConnection("localhost", server.port(), clientCtx));
                assertThat(readAll(c.reader())).isEqualTo(expected(file, 1000, 101_000));
                c.close();
            }
            return null;
        });
        assertThat(sent[0]).isEqualTo(100_000);
    }

    @Test
    void aRangePastTheEndSendsWhatThereIs() throws Exception {
        Path file = randomFile(5000);
        long[] sent = {-1};
        run(() -> {
            try (Server server = await(Streams.startServer(serveFile(file, 4000, 10_000, sent), HOST, 0))) {
                Connection c = await(Streams.openConnection(HOST, server.port()));
                assertThat(readAll(c.reader())).isEqualTo(expected(file, 4000, 5000));
                c.close();
            }
            return null;
        });
        assertThat(sent[0]).isEqualTo(1000);
    }

    @Test
    void writingDuringASendfileIsRefused() throws Exception {
        Path big = dir.resolve("sparse");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(64L << 20);   // more than loopback's socket buffers hold
        }
        run(() -> {
            StreamWriter[] serverWriter = new StreamWriter[1];
            try (Server server = await(Streams.startServer((r, w) -> Coroutine.of(() -> {
                serverWriter[0] = w;
                try (FileChannel ch = FileChannel.open(big, StandardOpenOption.READ)) {
                    return await(w.sendfile(ch));
                }
            }), HOST, 0))) {
                Connection c = await(Streams.openConnection(HOST, server.port()));
                await(sleep(0.05));   // the client reads nothing: the sendfile waits for room
                assertThat(serverWriter[0]).isNotNull();
                assertThatThrownBy(() -> serverWriter[0].write(new byte[] {1}))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("sendfile is in progress");
                assertThatThrownBy(() -> serverWriter[0].sendfile(null)).isInstanceOf(NullPointerException.class);
                assertThatThrownBy(() -> serverWriter[0].sendfile(FileChannel.open(big), -1, 1))
                        .isInstanceOf(IllegalArgumentException.class);
                Task<byte[]> reader = spawn(() -> readAll(c.reader()));
                c.writer().writeEof();
                await(sleep(0));
                server.abortClients();
                reader.cancel();
                c.close();
            }
            return null;
        });
    }
}
