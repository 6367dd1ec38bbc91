package io.github.asyncio4j.net;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * The checks around a Unix domain socket's path: it must be absolute and fit the kernel's {@code sun_path}
 * (107 bytes on Linux); a server replaces a stale socket file left by a dead server, refuses a live one and any
 * file that is not a socket, and removes its own file when it closes. Blocking only on the file system.
 */
final class UnixSockets {
    /** {@code sizeof(sun_path) - 1} on Linux (108 with the terminating NUL); macOS allows 103. */
    static final int MAX_PATH_BYTES = 107;
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private UnixSockets() {
    }

    /** The socket address of {@code path}. @throws IllegalArgumentException for a relative or too long path */
    static UnixDomainSocketAddress address(Path path) {
        Objects.requireNonNull(path, "path");
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("a Unix socket path must be absolute: " + path);
        }
        int length = path.toString().getBytes(Charset.defaultCharset()).length;
        if (length > MAX_PATH_BYTES) {
            throw new IllegalArgumentException("a Unix socket path may have at most " + MAX_PATH_BYTES
                    + " bytes; this one has " + length + ": " + path);
        }
        return UnixDomainSocketAddress.of(path);
    }

    /**
     * Makes room to bind {@code path}: removes a stale socket file (nothing accepts on it).
     *
     * @throws BindException if a server is listening on it, or the path is a file that is not a socket
     */
    static void clearStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(path)) {
            throw new BindException("cannot listen on " + path + ": it exists and is not a socket");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.configureBlocking(false);
            probe.connect(UnixDomainSocketAddress.of(path));   // a Unix connect never waits for the network
        } catch (ConnectException refused) {
            Files.deleteIfExists(path);   // a dead server's socket file
            return;
        } catch (IOException busy) {
            // EAGAIN: a live listener whose backlog is full
        }
        throw new BindException("cannot listen on " + path + ": another server is listening on it");
    }

    /** The identity of the file at {@code path} (to delete only our own file later), or null. */
    static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Deletes the socket file at {@code path} if it is still the one with {@code key}. */
    static void removeOwn(Path path, Object key) {
        try {
            if (key != null && key.equals(fileKey(path))) {
                Files.deleteIfExists(path);
            }
        } catch (IOException ignored) {
            // the file is gone or not ours to remove: nothing to clean up
        }
    }

    private static boolean isSocket(Path path) {
        try {
            Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return ((Integer) mode & S_IFMT) == S_IFSOCK;
        } catch (UnsupportedOperationException | IOException e) {
            return !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
        }
    }
}
