package io.github.asyncio4j.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The reader's byte buffer: FIFO order, growth, search, and handing over its array without aliasing. */
class ByteBufTest {
    static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    static String text(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void takingEverythingHandsTheArrayOverAndLaterAppendsNeverTouchIt() {
        ByteBuf buf = new ByteBuf();
        buf.append(bytes("hello"));
        byte[] all = buf.take(5);
        assertThat(text(all)).isEqualTo("hello");
        assertThat(buf.size()).isZero();
        buf.append(bytes("WORLD"));
        buf.append(bytes("!"));
        assertThat(text(all)).as("the handed-over array is the caller's alone").isEqualTo("hello");
        assertThat(text(buf.take(6))).isEqualTo("WORLD!");
    }

    @Test
    void partialTakesKeepOrderAcrossGrowthAndCompaction() {
        ByteBuf buf = new ByteBuf();
        StringBuilder expected = new StringBuilder();
        StringBuilder got = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            String piece = "piece " + i + ";";
            buf.append(bytes(piece));
            expected.append(piece);
            if (i % 3 == 0) {
                got.append(text(buf.take(Math.min(buf.size(), 7))));
            }
        }
        got.append(text(buf.takeAll()));
        assertThat(got.toString()).isEqualTo(expected.toString());
    }

    @Test
    void indexOfAndStartsWithAreRelativeToTheFront() {
        ByteBuf buf = new ByteBuf();
        buf.append(bytes("ab\r\ncd\r\n"));
        buf.drop(4);
        byte[] crlf = {'\r', '\n'};
        assertThat(buf.indexOf(crlf, 0)).isEqualTo(2);
        assertThat(buf.startsWith(crlf, 2)).isTrue();
        assertThat(buf.indexOf(crlf, 3)).isEqualTo(-1);
        assertThat(text(buf.take(4))).isEqualTo("cd\r\n");
    }

    @Test
    void takeIntoCopiesTheFrontAndPrependPutsBytesBackBeforeTheRest() {
        ByteBuf buf = new ByteBuf();
        buf.append(bytes("abcdefgh"));
        byte[] out = new byte[6];
        buf.takeInto(out, 1, 4);
        assertThat(new String(out, 1, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("abcd");
        buf.prepend(out, 2, 2);            // in place: the front has room
        assertThat(buf.size()).isEqualTo(6);
        buf.prepend("XYZ".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 3);   // needs a new array
        assertThat(text(buf.takeAll())).isEqualTo("XYZbcefgh");
        buf.prepend(out, 1, 4);            // into an empty buffer
        assertThat(text(buf.takeAll())).isEqualTo("abcd");
    }

    @Test
    void anArrayEmptiedByTakeIntoIsRefilledButNeverSharedWithATakenArray() {
        ByteBuf buf = new ByteBuf();
        byte[] out = new byte[8];
        buf.append(bytes("hello"));
        buf.takeInto(out, 0, 5);           // empties it: the array is kept for the next append
        buf.append(bytes("abc"));
        byte[] abc = buf.take(3);          // a copy: the kept array is larger than what it holds
        buf.append(bytes("xyz"));
        assertThat(text(abc)).isEqualTo("abc");
        buf.takeInto(out, 0, 3);
        buf.append(bytes("ABCDE"));        // fills the kept array exactly: taking it all hands it over
        byte[] all = buf.take(5);
        buf.append(bytes("zz"));
        buf.takeInto(out, 0, 2);
        buf.append(bytes("123"));
        assertThat(text(all)).as("the handed-over array is the caller's alone").isEqualTo("ABCDE");
        assertThat(text(buf.takeAll())).isEqualTo("123");
    }
}
