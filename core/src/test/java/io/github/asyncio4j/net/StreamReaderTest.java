package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.net.NetTesting.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Task;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link StreamReader}'s buffer semantics, fed by hand (no sockets, except a fake transport for flow control). */
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

    // ---------------------------------------------------------------------------------------------------------
    // readInto

    /** {@code n} bytes of {@code '.'}: what a readInto must not overwrite shows up as a dot. */
    private static byte[] dots(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) '.');
        return b;
    }

    @Test
    void readIntoCopiesBufferedBytesAtTheOffsetThenReturnsZeroAtEof() {
        run(() -> {
            StreamReader r = new StreamReader();
            r.feedData(bytes("abcdef"));
            byte[] b = dots(8);
            assertThat(await(r.readInto(b, 2, 4))).isEqualTo(4);
            assertThat(text(b)).isEqualTo("..abcd..");
            assertThat(await(r.readInto(b, 0, 0))).isZero();
            assertThat(await(r.readInto(b, 0, 8))).as("what is buffered, not more").isEqualTo(2);
            assertThat(text(b)).isEqualTo("efabcd..");
            r.feedEof();
            assertThat(await(r.readInto(b, 0, 8))).isZero();
            assertThat(text(b)).isEqualTo("efabcd..");
            return null;
        });
        assertThatThrownBy(() -> new StreamReader().readInto(new byte[8], 5, 4))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new StreamReader().readInto(new byte[8], -1, 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void aWaitingReadIntoReceivesTheNextBytesStraightIntoItsArray() {
        run(() -> {
            StreamReader r = new StreamReader();
            byte[] b = dots(8);
            Task<Integer> reading = spawn(() -> await(r.readInto(b, 1, 6)));
            settle();
            assertThat(reading.isDone()).isFalse();
            r.feedData(bytes("hey"));
            assertThat(r.buffered()).as("nothing went through the buffer").isZero();
            assertThat(await(reading)).isEqualTo(3);
            assertThat(text(b)).isEqualTo(".hey....");
            return null;
        });
    }

    @Test
    void whatAWaitingReadIntoDoesNotWantIsBufferedInOrder() {
        run(() -> {
            StreamReader r = new StreamReader();
            byte[] b = dots(5);
            Task<Integer> reading = spawn(() -> await(r.readInto(b, 0, 3)));
            settle();
            r.feedData(bytes("abcdefg"));
            r.feedData(bytes("hi"));   // before the reader runs again: buffered after the rest
            assertThat(await(reading)).isEqualTo(3);
            assertThat(text(b)).isEqualTo("abc..");
            assertThat(text(await(r.read(100)))).isEqualTo("defghi");
            return null;
        });
    }

    @Test
    void readIntoFillsAnArrayFromDataSplitAcrossManyReads() {
        String message = "the quick brown fox jumps over the lazy dog";
        String got = run(() -> {
            StreamReader r = new StreamReader();
            Task<Void> feeding = spawn(() -> {
                for (int i = 0; i < message.length(); i += 5) {
                    r.feedData(bytes(message.substring(i, Math.min(message.length(), i + 5))));
                    settle();
                }
                r.feedEof();
                return null;
            });
            byte[] b = new byte[message.length()];
            int filled = 0;
            int reads = 0;
            int n;
            while ((n = await(r.readInto(b, filled, b.length - filled))) > 0) {
                filled += n;
                reads++;
            }
            await(feeding);
            assertThat(reads).isGreaterThan(1);
            return text(Arrays.copyOf(b, filled));
        });
        assertThat(got).isEqualTo(message);
    }

    @Test
    void eofWakesAWaitingReadIntoWithZero() {
        run(() -> {
            StreamReader r = new StreamReader();
            Task<Integer> reading = spawn(() -> await(r.readInto(new byte[4], 0, 4)));
            settle();
            r.feedEof();
            assertThat(await(reading)).isZero();
            return null;
        });
    }

    @Test
    void anErrorFailsAWaitingReadIntoAndLaterOnes() {
        run(() -> {
            StreamReader r = new StreamReader();
            Task<Integer> reading = spawn(() -> await(r.readInto(new byte[4], 0, 4)));
            settle();
            IOException broken = new IOException("broken");
            r.setException(broken);
            assertThatThrownBy(() -> await(reading)).isSameAs(broken);
            assertThatThrownBy(() -> await(r.readInto(new byte[4], 0, 4))).isSameAs(broken);
            return null;
        });
    }

    @Test
    void aSecondWaiterBesideAReadIntoIsAnErrorThatLeavesTheFirstAlone() {
        run(() -> {
            StreamReader r = new StreamReader();
            byte[] b = dots(4);
            Task<Integer> first = spawn(() -> await(r.readInto(b, 0, 4)));
            settle();
            assertThatThrownBy(() -> await(r.readInto(new byte[4], 0, 4)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("readInto() called while another coroutine is already waiting");
            r.feedData(bytes("ok"));
            assertThat(await(first)).isEqualTo(2);
            assertThat(text(b)).isEqualTo("ok..");
            return null;
        });
    }

    @Test
    void aReadIntoCancelledWhileWaitingLeavesItsArrayAloneAndLosesNothing() {
        run(() -> {
            StreamReader r = new StreamReader();
            byte[] b = dots(4);
            Task<Integer> reading = spawn(() -> await(r.readInto(b, 0, 4)));
            settle();
            reading.cancel();
            r.feedData(bytes("xyz"));   // before the cancelled reader runs again
            assertThatThrownBy(() -> await(reading)).isInstanceOf(CancelledError.class);
            r.feedData(bytes("w"));
            assertThat(text(b)).isEqualTo("....");
            assertThat(text(await(r.readExactly(4)))).isEqualTo("xyzw");
            return null;
        });
    }

    @Test
    void aReadIntoCancelledAfterItsBytesArrivedPutsThemBackInOrder() {
        run(() -> {
            StreamReader r = new StreamReader();
            byte[] b = dots(4);
            Task<Integer> reading = spawn(() -> await(r.readInto(b, 0, 4)));
            settle();
            r.feedData(bytes("abcdef"));   // "abcd" into b, "ef" buffered
            reading.cancel();              // before the reader ran: the read is cancelled, not returned
            assertThatThrownBy(() -> await(reading)).isInstanceOf(CancelledError.class);
            r.feedData(bytes("gh"));
            assertThat(text(b)).as("written before the cancellation, never after").isEqualTo("abcd");
            assertThat(text(await(r.read(100)))).isEqualTo("abcdefgh");
            return null;
        });
    }

    @Test
    void readIntoResumesAPausedTransportOnceTheBufferDrains() {
        boolean[] reading = {true};
        Transport transport = (Transport) Proxy.newProxyInstance(Transport.class.getClassLoader(),
                new Class<?>[] {Transport.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "pauseReading" -> reading[0] = false;
                        case "resumeReading" -> reading[0] = true;
                        default -> throw new UnsupportedOperationException(method.getName());
                    }
                    return null;
                });
        run(() -> {
            StreamReader r = new StreamReader(4);
            r.setTransport(transport);
            r.feedData(bytes("0123456789"));   // more than twice the limit
            assertThat(reading[0]).isFalse();
            byte[] b = new byte[10];
            assertThat(await(r.readInto(b, 0, 3))).isEqualTo(3);
            assertThat(reading[0]).as("7 bytes left: above the limit").isFalse();
            assertThat(await(r.readInto(b, 3, 3))).isEqualTo(3);
            assertThat(reading[0]).as("4 bytes left: at the limit").isTrue();

            r.feedData(bytes("abcdefghij"));   // paused again
            assertThat(reading[0]).isFalse();
            assertThat(await(r.readInto(new byte[14], 0, 14))).isEqualTo(14);
            assertThat(reading[0]).isTrue();
            assertThat(text(Arrays.copyOf(b, 6))).isEqualTo("012345");
            return null;
        });
    }

    @Test
    void readingIntoItsOwnArrayAllocatesNoBufferPerRead() {
        // no task: readInto of buffered bytes never waits, so its awaitable can run on this (platform) thread,
        // whose allocation the JVM counts; a count of bytes does not depend on the machine's load
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        StreamReader r = new StreamReader();
        java.nio.ByteBuffer arriving = java.nio.ByteBuffer.wrap(new byte[16 * 1024]);
        byte[] into = new byte[16 * 1024];
        for (int i = 0; i < 2_000; i++) {   // warm-up
            r.feedData(arriving.clear());
            r.readInto(into, 0, into.length).await();
        }
        int reads = 2_000;
        long read = 0;
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < reads; i++) {
            r.feedData(arriving.clear());
            read += r.readInto(into, 0, into.length).await();
        }
        long perRead = (mx.getCurrentThreadAllocatedBytes() - before) / reads;
        assertThat(read).isEqualTo((long) reads * into.length);
        assertThat(perRead).as("bytes allocated per 16 KiB read (a new buffer array would be 16 KiB)")
                .isLessThan(1024);
    }
}
