package io.github.asyncio4j.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package) on a free loopback port, with its data in a directory and an
 * append-only file synced on every write, so that a restart keeps what was written. A test that needs it fails
 * (never skips) when it is not installed: {@code ./asyncio4j test} installs it
 * (scripts/test-packages).
 */
final class RedisServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private Process process;

    RedisServer(Path dir) throws Exception {
        this.dir = Files.createDirectories(dir);
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        start();
    }

    static String executable() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, "redis-server"))) {
                return Path.of(d, "redis-server").toString();
            }
        }
        if (Files.isExecutable(Path.of("/usr/bin/redis-server"))) {
            return "/usr/bin/redis-server";
        }
        throw new AssertionError("redis-server is not installed (./asyncio4j test installs it; or apt-get install "
                + "redis-server): the --frontier tests need a real one");
    }

    /** Starts (or restarts) the server on the same port and directory, and waits until it answers. */
    void start() throws Exception {
        process = new ProcessBuilder(executable(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", "yes", "--appendfsync", "always",
                "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (command("PING").equals("+PONG")) {
                    return;
                }
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("redis-server did not start: " + Files.readString(dir.resolve("redis.out")), e);
                }
            }
            Thread.sleep(50);
        }
    }

    /** Stops the server as an operator would ({@code SHUTDOWN}: the append-only file is complete). */
    void stop() throws Exception {
        try {
            command("SHUTDOWN");
        } catch (IOException expected) {
            // the server closes the connection as it exits
        }
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("redis-server stopped").isTrue();
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Sends one inline command; returns the first line of the reply (an array's items after it, one a line). */
    String command(String... words) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(RespClient.encode((Object[]) words));
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null) {
                throw new IOException("no reply");
            }
            if (!line.startsWith("*")) {
                return line;
            }
            StringBuilder all = new StringBuilder(line);
            int n = Integer.parseInt(line.substring(1));
            for (int i = 0; i < n; i++) {
                in.readLine();                      // $LEN
                all.append('\n').append(in.readLine());
            }
            return all.toString();
        }
    }

    /** The members of a sorted set. */
    List<String> zrange(String key) throws IOException {
        String[] lines = command("ZRANGE", key, "0", "-1").split("\n");
        return List.of(lines).subList(1, lines.length);
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
