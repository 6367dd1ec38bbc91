package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.net.NetTesting.run;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Unix domain socket streams: echo, the socket file's life, stale and live files, bad paths. */
@Timeout(20)
class UnixSocketsTest {
    @TempDir
    Path dir;

    @Test
    void echoesOverAUnixSocketAndRemovesTheFileOnClose() {
        Path path = dir.resolve("echo.sock");
        run(() -> {
            try (Server server = await(Streams.startUnixServer(StreamsTest.lineEcho(), path))) {
                assertThat(Files.exists(path)).isTrue();
                assertThat(server.addresses()).containsExactly(UnixDomainSocketAddress.of(path));
                assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("no port");
                Connection c = await(Streams.openUnixConnection(path));
                c.writer().write("hello\n".getBytes(UTF_8));
                assertThat(new String(await(c.reader().readLine()), UTF_8)).isEqualTo("hello\n");
                c.writer().writeEof();
                assertThat(await(c.reader().read(10))).isEmpty();
                c.close();
                await(c.writer().waitClosed());
            }
            return null;
        });
        assertThat(Files.exists(path)).isFalse();
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        Path path = dir.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(path));
        }   // closing a channel leaves its socket file behind, as a crashed server does
        assertThat(Files.exists(path)).isTrue();
        run(() -> {
            try (Server server = await(Streams.startUnixServer(StreamsTest.lineEcho(), path))) {
                Connection c = await(Streams.openUnixConnection(path));
                c.writer().write("again\n".getBytes(UTF_8));
                assertThat(new String(await(c.reader().readLine()), UTF_8)).isEqualTo("again\n");
                c.close();
            }
            return null;
        });
    }

    @Test
    void aLiveServerIsNotReplaced() {
        Path path = dir.resolve("live.sock");
        run(() -> {
            try (Server first = await(Streams.startUnixServer(StreamsTest.lineEcho(), path))) {
                assertThatThrownBy(() -> await(Streams.startUnixServer(StreamsTest.lineEcho(), path)))
                        .isInstanceOf(BindException.class).hasMessageContaining("another server is listening");
                Connection c = await(Streams.openUnixConnection(path));   // the first server still serves
                c.writer().write("x\n".getBytes(UTF_8));
                assertThat(await(c.reader().readLine())).hasSize(2);
                c.close();
            }
            return null;
        });
    }

    @Test
    void aFileThatIsNotASocketIsLeftAlone() throws Exception {
        Path path = Files.writeString(dir.resolve("data.txt"), "precious");
        assertThatThrownBy(() -> run(() -> await(Streams.startUnixServer(StreamsTest.lineEcho(), path))))
                .isInstanceOf(BindException.class).hasMessageContaining("not a socket");
        assertThat(Files.readString(path)).isEqualTo("precious");
    }

    @Test
    void connectingToNothingIsRefused() {
        Path path = dir.resolve("nobody.sock");
        assertThatThrownBy(() -> run(() -> await(Streams.openUnixConnection(path))))
                .isInstanceOfAny(ConnectException.class, java.nio.file.NoSuchFileException.class,
                        java.net.SocketException.class);
    }

    @Test
    void relativeAndTooLongPathsAreRejectedAtOnce() {
        assertThatThrownBy(() -> Streams.openUnixConnection(Path.of("relative.sock")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be absolute");
        Path tooLong = dir.resolve("x".repeat(120) + ".sock");
        assertThatThrownBy(() -> Streams.startUnixServer(StreamsTest.lineEcho(), tooLong))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 107 bytes");
    }
}
