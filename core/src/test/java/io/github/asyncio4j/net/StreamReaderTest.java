package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.net.NetTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Task;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link StreamReader}'s buffer semantics, fed by hand (no sockets). */
@Timeout(20)
class StreamReaderTest {

    @Test
    void readLineReturnsLinesWithTheirNewlineThenThePartialLineThenEmpty() {
        run(() -> {
            StreamReader r = new StreamReader();
            r.feedData(bytes("one\ntwo\nthr"));
            r.feedEof();
            assertThat(text(await(r.readLine()))).isEqualTo("one\n");
            assertThat(text(await(r.readLine()))).isEqualTo("two\n");
            assertThat(r.atEof()).isFalse();
            assertThat(text(await(r.readLine()))).isEqualTo("thr");
            assertThat(r.atEof()).isTrue();
            assertThat(await(r.readLine())).isEmpty();
            return null;
        });
    }

    @Test
    void readReturnsAtMostNBytesAndEmptyAtEof() {
        run(() -> {
            StreamReader r = new StreamReader();
            r.feedData(bytes("abcdef"));
            assertThat(await(r.read(0))).isEmpty();
            assertThat(text(await(r.read(4)))).isEqualTo("abcd");
            assertThat(text(await(r.read(100)))).isEqualTo("ef");
            r.feedEof();
            assertThat(await(r.read(100))).isEmpty();
            return null;
        });
    }

    @Test
    void readMinusOneReadsUntilEof() {
        String all = run(() -> {
            StreamReader r = new StreamReader(4);   // more than the limit: read(-1) loops over blocks
            Task<byte[]> reading = spawn(() -> await(r.read(-1)));
            settle();
            r.feedData(bytes("hello "));
            settle();
            r.feedData(bytes("world"));
            r.feedEof();
            return text(await(reading));
        });
        assertThat(all).isEqualTo("hello world");
    }

    @Test
    void aReadWaitsForData() {
        run(() -> {
            StreamReader r = new StreamReader();
            Task<byte[]> reading = spawn(() -> await(r.readExactly(5)));
            settle();
            assertThat(reading.isDone()).isFalse();
            r.feedData(bytes("ab"));
            settle();
            assertThat(reading.isDone()).isFalse();
            r.feedData(bytes("cdefg"));
            assertThat(text(await(reading))).isEqualTo("abcde");
            assertThat(text(await(r.read(10)))).isEqualTo("fg");
            return null;
        });
    }

    @Test
    void readExactlyAtEofRaisesIncompleteReadErrorWithThePartialBytes() {
        run(() -> {
            StreamReader r = new StreamReader();
            r.feedData(bytes("abc"));
            r.feedEof();
            assertThatThrownBy(() -> await(r.readExactly(5)))
                    .isInstanceOfSatisfying(IncompleteReadError.class, e -> {
                        assertThat(text(e.partial())).isEqualTo("abc");
                        assertThat(e.expected()).isEqualTo(5);
                    });
            assertThat(r.atEof()).isTrue();   // the partial bytes were consumed
            assertThat(await(r.readExactly(0))).isEmpty();
            return null;
        });
        assertThatThrownBy(() -> new StreamReader().readExactly(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readUntilFindsAMultiByteSeparatorAcrossFeeds() {
        run(() -> {
            StreamReader r = new StreamReader();
            Task<byte[]> reading = spawn(() -> await(r.readUntil(bytes("\r\n\r\n"))));
            r.feedData(bytes("HEAD / HTTP/1.0\r\nHost: x\r"));
            settle();
            assertThat(reading.isDone()).isFalse();
            r.feedData(bytes("\n\r"));
            settle();
            assertThat(reading.isDone()).isFalse();
            r.feedData(bytes("\nbody"));
            assertThat(text(await(reading))).isEqualTo("HEAD / HTTP/1.0\r\nHost: x\r\n\r\n");
            assertThat(text(await(r.read(10)))).isEqualTo("body");
            return null;
        });
        assertThatThrownBy(() -> new StreamReader().readUntil(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readUntilAtEofRaisesIncompleteReadErrorWithUnknownExpectedSize() {
        run(() -> {
            StreamReader r = new StreamReader();
            r.feedData(bytes("no separator"));
            r.feedEof();
            assertThatThrownBy(() -> await(r.readUntil(bytes(";"))))
                    .isInstanceOfSatisfying(IncompleteReadError.class, e -> {
                        assertThat(text(e.partial())).isEqualTo("no separator");
                        assertThat(e.expected()).isEqualTo(-1);
                    });
            return null;
        });
    }

    @Test
    void readUntilBeyondTheLimitRaisesLimitOverrunErrorAndKeepsTheData() {
        run(() -> {
            StreamReader r = new StreamReader(8);
            r.feedData(bytes("0123456789abcdef"));
            assertThatThrownBy(() -> await(r.readUntil(bytes(";"))))
                    .isInstanceOfSatisfying(LimitOverrunError.class, e ->
                            assertThat(e.consumed()).isGreaterThan(8));
            // nothing was consumed: the caller can take the data another way
            assertThat(text(await(r.readExactly(16)))).isEqualTo("0123456789abcdef");
            r.feedData(bytes("0123456789;"));
            assertThatThrownBy(() -> await(r.readUntil(bytes(";"))))
                    .isInstanceOfSatisfying(LimitOverrunError.class, e -> {
                        assertThat(e).hasMessageContaining("Separator is found");
                        assertThat(e.consumed()).isEqualTo(10);
                    });
            assertThat(text(await(r.readExactly(11)))).isEqualTo("0123456789;");
            r.feedData(bytes("x;"));
            assertThat(text(await(r.readUntil(bytes(";"))))).isEqualTo("x;");
            return null;
        });
    }

    @Test
    void readLineBeyondTheLimitDiscardsTheLongLine() {
        run(() -> {
            StreamReader r = new StreamReader(8);
            r.feedData(bytes("a very long line\nshort\n"));
            assertThatThrownBy(() -> await(r.readLine())).isInstanceOf(LimitOverrunError.class);
            assertThat(text(await(r.readLine()))).isEqualTo("short\n");
            r.feedData(bytes("0123456789abcdefghij"));   // no newline at all: the whole buffer goes
            assertThatThrownBy(() -> await(r.readLine())).isInstanceOf(LimitOverrunError.class);
            r.feedData(bytes("next\n"));
            assertThat(text(await(r.readLine()))).isEqualTo("next\n");
            return null;
        });
    }

    @Test
    void aSecondConcurrentWaiterIsAnError() {
        run(() -> {
            StreamReader r = new StreamReader();
            Task<byte[]> first = spawn(() -> await(r.read(10)));
            settle();
            assertThatThrownBy(() -> await(r.readLine()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already waiting");
            r.feedData(bytes("x"));
            assertThat(text(await(first))).isEqualTo("x");
            return null;
        });
    }

    @Test
    void aCancelledReadConsumesNothing() {
        run(() -> {
            StreamReader r = new StreamReader();
            r.feedData(bytes("abc"));
            Task<byte[]> reading = spawn(() -> await(r.readExactly(6)));
            settle();
            reading.cancel();
            assertThatThrownBy(() -> await(reading)).isInstanceOf(CancelledError.class);
            r.feedData(bytes("def"));
            assertThat(text(await(r.readExactly(6)))).isEqualTo("abcdef");
            return null;
        });
    }

    @Test
    void anErrorWakesTheWaiterAndFailsLaterReads() {
        run(() -> {
            StreamReader r = new StreamReader();
            Task<byte[]> reading = spawn(() -> await(r.readLine()));
            settle();
            IOException broken = new IOException("broken");
            r.setException(broken);
            assertThatThrownBy(() -> await(reading)).isSameAs(broken);
            assertThatThrownBy(() -> await(r.read(1))).isSameAs(broken);
            assertThat(r.exception()).isSameAs(broken);
            return null;
        });
    }

    @Test
    void feedingAfterEofIsAnError() {
        StreamReader r = new StreamReader();
        r.feedEof();
        assertThatThrownBy(() -> r.feedData(bytes("x"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new StreamReader(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
