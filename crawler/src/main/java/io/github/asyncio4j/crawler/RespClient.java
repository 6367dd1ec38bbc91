package io.github.asyncio4j.crawler;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.net.Connection;
import io.github.asyncio4j.net.StreamReader;
import io.github.asyncio4j.net.Streams;
import io.github.asyncio4j.sync.Lock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A small Redis client on asyncio4j streams, speaking RESP2: one connection, commands pipelined (each caller
 * writes its command and waits for its reply; a reader task hands replies to callers in order). Replies are
 * {@code String} (simple and bulk strings, UTF-8), {@code Long}, {@code List<Object>} or null; an error reply is
 * a {@link RedisError}.
 *
 * <p>When the connection is lost, every caller waiting for a reply and every later one reconnects, retrying for
 * up to {@code reconnectSeconds}, then fails with {@link CrawlSetupException}. A command that a restarted Redis
 * refused with {@code LOADING} (so did not run) is sent again the same way, for as long. A command whose
 * connection broke is sent again on the new one: callers only send commands for which that is safe (idempotent,
 * or whose lost effect a lease undoes). Loop-confined.
 */
final class RespClient implements AutoCloseable {
    /** An error reply from Redis ({@code -ERR ...}). */
    static final class RedisError extends RuntimeException {
        RedisError(String message) {
            super(message);
        }
    }

    /** The connection broke before the reply arrived. */
    private static final class ConnectionLost extends IOException {
        ConnectionLost(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final RedisAddress address;
    private final double reconnectSeconds;
    private final Lock connecting = new Lock();
    private final ArrayDeque<Future<Object>> pending = new ArrayDeque<>();
    private Connection connection;
    private Task<Void> reader;
    private boolean closed;

    RespClient(RedisAddress address, double reconnectSeconds) {
        this.address = address;
        this.reconnectSeconds = reconnectSeconds;
    }

    /** Sends a command and awaits its reply, reconnecting as the class says. Call it inside a task. */
    Object call(Object... args) {
        EventLoop loop = Async.getRunningLoop();
        double deadline = loop.time() + reconnectSeconds;
        double backoff = 0.05;
        while (true) {
            try {
                Connection c = connected();
                Future<Object> reply = loop.createFuture();
                pending.add(reply);
                c.writer().write(encode(args));
                return await(reply);
            } catch (RedisError e) {
                if (!e.getMessage().startsWith("LOADING") || loop.time() + backoff > deadline) {
                    throw e;
                }
                await(Async.sleep(backoff));    // a restarted Redis reading its data: the command did not run
                backoff = Math.min(backoff * 2, 1.0);
            } catch (IOException e) {
                drop(e);
                if (closed) {
                    throw new IllegalStateException("the Redis client is closed", e);
                }
                if (loop.time() + backoff > deadline) {
                    throw new CrawlSetupException("--frontier " + address + ": Redis does not answer (" + describe(e)
                            + "), given up after " + Math.round(reconnectSeconds) + " s");
                }
                await(Async.sleep(backoff));
                backoff = Math.min(backoff * 2, 1.0);
            }
        }
    }

    private static String describe(Throwable e) {
        return ErrorText.of(e instanceof ConnectionLost && e.getCause() != null ? e.getCause() : e);
    }

    private Connection connected() throws IOException {
        if (connection != null) {
            return connection;
        }
        try (var held = connecting.hold()) {
            if (connection == null) {
                if (closed) {
                    throw new IOException("closed");
                }
                Connection c;
                try {
                    c = await(Streams.openConnection(address.host(), address.port()));
                } catch (Exception e) {     // the JDK's IOExceptions, thrown through await
                    throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
                }
                connection = c;
                reader = Async.getRunningLoop().createTask(readReplies(c), "redis-reader");
                if (address.db() != 0) {
                    Future<Object> reply = Async.getRunningLoop().createFuture();
                    pending.add(reply);
                    c.writer().write(encode("SELECT", address.db()));
                    await(reply);
                }
            }
            return connection;
        }
    }

    /** Hands each reply to the oldest waiting caller; on a broken connection, fails them all. */
    private Coroutine<Void> readReplies(Connection c) {
        return Coroutine.of(() -> {
            try {
                while (true) {
                    Object reply = read(c.reader());
                    Future<Object> f = pending.poll();
                    if (f == null) {
                        throw new IOException("a reply no command asked for");
                    }
                    if (!f.isDone()) {
                        if (reply instanceof RedisError e) {
                            f.setException(e);
                        } else {
                            f.setResult(reply);
                        }
                    }
                }
            } catch (Exception e) {
                if (connection == c) {
                    drop(e);
                }
            }
            return null;
        });
    }

    /** Forgets the connection and fails the callers waiting on it with {@link ConnectionLost}. */
    private void drop(Exception cause) {
        Connection c = connection;
        connection = null;
        if (c != null) {
            c.close();
        }
        Future<Object> f;
        while ((f = pending.poll()) != null) {
            if (!f.isDone()) {
                f.setException(new ConnectionLost("connection to Redis lost", cause));
            }
        }
    }

    private static Object read(StreamReader in) throws IOException {
        byte[] line = await(in.readLine());
        if (line.length < 3 || line[line.length - 2] != '\r') {
            throw new IOException("connection closed by Redis");
        }
        String rest = new String(line, 1, line.length - 3, StandardCharsets.UTF_8);
        switch (line[0]) {
            case '+':
                return rest;
            case '-':
                return new RedisError(rest);
            case ':':
                return Long.parseLong(rest);
            case '$': {
                int n = Integer.parseInt(rest);
                if (n < 0) {
                    return null;
                }
                byte[] data = await(in.readExactly(n + 2));
                return new String(data, 0, n, StandardCharsets.UTF_8);
            }
            case '*': {
                int n = Integer.parseInt(rest);
                if (n < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    Object item = read(in);
                    if (item instanceof RedisError e) {
                        throw e;
                    }
                    items.add(item);
                }
                return items;
            }
            default:
                throw new IOException("not a RESP reply: " + (char) line[0]);
        }
    }

    static byte[] encode(Object... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (Object a : args) {
            byte[] b = String.valueOf(a).getBytes(StandardCharsets.UTF_8);
            out.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(b);
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        return out.toByteArray();
    }

    /** Closes the connection; waiting callers fail. Loop thread only. */
    @Override
    public void close() {
        closed = true;
        drop(new IOException("closed"));
        if (reader != null) {
            reader.cancel();
        }
    }
}
