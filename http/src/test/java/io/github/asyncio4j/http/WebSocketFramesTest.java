package io.github.asyncio4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.DataFormatException;
import org.junit.jupiter.api.Test;

/** The frame codec, masking, UTF-8 validation and permessage-deflate, on the RFCs' own examples. */
class WebSocketFramesTest {
    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void rfc6455Section5_7Examples() {
        byte[] hello = utf8("Hello");
        // a single-frame unmasked text message
        assertThat(WebSocketFrames.encode(WebSocketFrames.TEXT, true, false, hello, 0, 5, false, 0))
                .isEqualTo(hex("81 05 48 65 6c 6c 6f"));
        // a single-frame masked text message
        assertThat(WebSocketFrames.encode(WebSocketFrames.TEXT, true, false, hello, 0, 5, true, 0x37fa213d))
                .isEqualTo(hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
        // a fragmented unmasked text message
        assertThat(WebSocketFrames.encode(WebSocketFrames.TEXT, false, false, hello, 0, 3, false, 0))
                .isEqualTo(hex("01 03 48 65 6c"));
        assertThat(WebSocketFrames.encode(WebSocketFrames.CONTINUATION, true, false, hello, 3, 2, false, 0))
                .isEqualTo(hex("80 02 6c 6f"));
        // unmasked ping, and a masked pong with the same body
        assertThat(WebSocketFrames.encode(WebSocketFrames.PING, true, false, hello, 0, 5, false, 0))
                .isEqualTo(hex("89 05 48 65 6c 6c 6f"));
        assertThat(WebSocketFrames.encode(WebSocketFrames.PONG, true, false, hello, 0, 5, true, 0x37fa213d))
                .isEqualTo(hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58"));
        // 256 bytes and 64 KiB binary messages in a single unmasked frame: the 16- and 64-bit lengths
        byte[] f256 = WebSocketFrames.encode(WebSocketFrames.BINARY, true, false, new byte[256], 0, 256, false, 0);
        assertThat(f256).startsWith(hex("82 7e 01 00")).hasSize(4 + 256);
        byte[] f64k = WebSocketFrames.encode(WebSocketFrames.BINARY, true, false, new byte[65536], 0, 65536, false,
                0);
        assertThat(f64k).startsWith(hex("82 7f 00 00 00 00 00 01 00 00")).hasSize(10 + 65536);
        assertThat(WebSocketFrames.header(WebSocketFrames.BINARY, true, false, 65536))
                .isEqualTo(hex("82 7f 00 00 00 00 00 01 00 00"));
    }

    @Test
    void headersAreReadBackAsWritten() {
        for (int len : new int[] {0, 125, 126, 65535, 65536, 1 << 20}) {
            byte[] frame = WebSocketFrames.encode(WebSocketFrames.BINARY, true, true, new byte[len], 0, len, true,
                    0x01020304);
            int extra = WebSocketFrames.extraHeaderBytes(frame[1] & 0xff);
            assertThat(extra).isEqualTo((len < 126 ? 0 : len < 65536 ? 2 : 8) + 4);
            assertThat(WebSocketFrames.payloadLength(frame)).isEqualTo(len);
            assertThat(WebSocketFrames.maskKey(frame)).isEqualTo(0x01020304);
            assertThat(frame[0] & 0xff).isEqualTo(0x80 | 0x40 | 2);
        }
        byte[] huge = hex("82 7f 80 00 00 00 00 00 00 00");
        assertThat(WebSocketFrames.payloadLength(huge)).isNegative();   // the reader refuses it with 1002
    }

    @Test
    void maskingAtAnyOffsetAndPhaseIsItsOwnInverse() {
        Random random = new Random(1);
        for (int n = 0; n < 40; n++) {
            byte[] data = new byte[random.nextInt(50)];
            random.nextBytes(data);
            int key = random.nextInt();
            byte[] masked = data.clone();
            int split = data.length == 0 ? 0 : random.nextInt(data.length);
            WebSocketFrames.mask(masked, 0, split, key, 0);     // in two pieces: the second starts mid-key
            WebSocketFrames.mask(masked, split, data.length - split, key, split);
            for (int i = 0; i < data.length; i++) {   // byte i is XORed with key byte i % 4
                assertThat(masked[i]).isEqualTo((byte) (data[i] ^ (key >>> (24 - 8 * (i % 4)))));
            }
            WebSocketFrames.mask(masked, 0, data.length, key, 0);
            assertThat(masked).isEqualTo(data);
        }
    }

    @Test
    void closeCodesAndPayloads() {
        assertThat(List.of(1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 4999))
                .allMatch(WebSocketFrames::isValidCloseCode);
        assertThat(List.of(0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000))
                .noneMatch(WebSocketFrames::isValidCloseCode);
        assertThat(WebSocketFrames.closePayload(1000, "ok")).isEqualTo(hex("03 e8 6f 6b"));
        assertThat(WebSocketFrames.closePayload(WebSocket.NO_STATUS, "")).isEmpty();
    }

    @Test
    void utf8ValidationFollowsTheStandardsTable() {
        assertThat(valid(utf8("plain ascii, é, €, 😀, \uFFFF, \u0080"))).isTrue();
        assertThat(valid(hex("f4 8f bf bf"))).isTrue();   // U+10FFFF
        assertThat(valid(hex("c0 80"))).isFalse();        // overlong NUL
        assertThat(valid(hex("e0 80 80"))).isFalse();     // overlong
        assertThat(valid(hex("f0 80 80 80"))).isFalse();  // overlong
        assertThat(valid(hex("ed a0 80"))).isFalse();     // a surrogate
        assertThat(valid(hex("f4 90 80 80"))).isFalse();  // above U+10FFFF
        assertThat(valid(hex("f5 80 80 80"))).isFalse();
        assertThat(valid(hex("80"))).isFalse();           // a lone continuation byte
        assertThat(valid(hex("ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64"))).isFalse();
        Utf8Validator v = new Utf8Validator();
        assertThat(v.feed(hex("f0 9f"), 0, 2)).isTrue();  // a character split over two frames
        assertThat(v.complete()).isFalse();
        assertThat(v.feed(hex("98 80"), 0, 2)).isTrue();
        assertThat(v.complete()).isTrue();
        assertThat(v.feed(hex("e2 82"), 0, 2)).isTrue();
        assertThat(v.feed(hex("41"), 0, 1)).isFalse();    // fails at the first bad byte, not at the end
    }

    private static boolean valid(byte[] b) {
        Utf8Validator v = new Utf8Validator();
        return v.feed(b, 0, b.length) && v.complete();
    }

    @Test
    void rfc7692Section7_2_3Examples() throws DataFormatException {
        // "Hello" compressed, in one frame and split over two
        assertThat(inflate(new PerMessageDeflate(false, false), hex("f2 48 cd c9 c9 07 00"))).isEqualTo("Hello");
        PerMessageDeflate d = new PerMessageDeflate(false, false);
        MessageReader.Accumulator out = new MessageReader.Accumulator(100, "m");
        assertThat(d.inflate(hex("f2 48 cd"), false, out, null)).isTrue();
        assertThat(d.inflate(hex("c9 c9 07 00"), true, out, null)).isTrue();
        assertThat(new String(out.toArray(), StandardCharsets.UTF_8)).isEqualTo("Hello");
        // the same message twice with context takeover: the second refers back to the first
        PerMessageDeflate shared = new PerMessageDeflate(false, false);
        assertThat(inflate(shared, hex("f2 48 cd c9 c9 07 00"))).isEqualTo("Hello");
        assertThat(inflate(shared, hex("f2 00 11 00 00"))).isEqualTo("Hello");
        // a block with BFINAL set, and an uncompressed (stored) block
        assertThat(inflate(new PerMessageDeflate(false, false), hex("f3 48 cd c9 c9 07 00 00"))).isEqualTo("Hello");
        assertThat(inflate(new PerMessageDeflate(false, false), hex("00 05 00 fa ff 48 65 6c 6c 6f 00")))
                .isEqualTo("Hello");
    }

    private static String inflate(PerMessageDeflate d, byte[] payload) throws DataFormatException {
        MessageReader.Accumulator out = new MessageReader.Accumulator(1000, "m");
        assertThat(d.inflate(payload, true, out, null)).isTrue();
        return new String(out.toArray(), StandardCharsets.UTF_8);
    }

    @Test
    void compressionRoundTripsWithAndWithoutContextTakeover() throws DataFormatException {
        for (boolean noContext : new boolean[] {false, true}) {
            PerMessageDeflate sender = new PerMessageDeflate(noContext, false);
            PerMessageDeflate receiver = new PerMessageDeflate(false, noContext);
            Random random = new Random(2);
            for (int i = 0; i < 30; i++) {
                byte[] msg = i % 5 == 4 ? new byte[0]   // empty messages between others: zlib emits nothing
                        : utf8("message " + i + " é€😀 " + "abc".repeat(random.nextInt(5000)));
                byte[] packed = sender.compress(msg, 0, msg.length);
                MessageReader.Accumulator out = new MessageReader.Accumulator(1 << 20, "m");
                Utf8Validator utf8 = new Utf8Validator();
                assertThat(receiver.inflate(packed, true, out, utf8)).isTrue();
                assertThat(utf8.complete()).isTrue();
                assertThat(out.toArray()).isEqualTo(msg);
            }
            byte[] empty = sender.compress(new byte[0], 0, 0);
            MessageReader.Accumulator out = new MessageReader.Accumulator(10, "m");
            assertThat(receiver.inflate(empty, true, out, null)).isTrue();
            assertThat(out.toArray()).isEmpty();
            sender.end();
            receiver.end();
        }
    }

    @Test
    void aDecompressionBombStopsAtTheMaximum() {
        PerMessageDeflate sender = new PerMessageDeflate(false, false);
        byte[] zeros = new byte[50 << 20];
        byte[] bomb = sender.compress(zeros, 0, zeros.length);
        assertThat(bomb.length).isLessThan(100_000);
        PerMessageDeflate receiver = new PerMessageDeflate(false, false);
        MessageReader.Accumulator out = new MessageReader.Accumulator(1 << 20, "message");
        assertThatThrownBy(() -> receiver.inflate(bomb, true, out, null)).isInstanceOf(BodyTooLargeException.class);
        assertThat(out.size).isLessThanOrEqualTo(1 << 20);
        receiver.end();
        sender.end();
    }

    @Test
    void aServerAcceptsTheOffersItCanHonour() {
        assertThat(PerMessageDeflate.negotiateAsServer(List.of("permessage-deflate; client_max_window_bits"))
                .response()).isEqualTo("permessage-deflate");
        assertThat(PerMessageDeflate.negotiateAsServer(List.of(
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover")).response())
                .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
        assertThat(PerMessageDeflate.negotiateAsServer(List.of("permessage-deflate; server_max_window_bits=15"))
                .response()).isEqualTo("permessage-deflate; server_max_window_bits=15");
        // a smaller window for our compressor cannot be honoured with java.util.zip: the next offer is taken
        assertThat(PerMessageDeflate.negotiateAsServer(List.of("permessage-deflate; server_max_window_bits=10, "
                + "permessage-deflate")).response()).isEqualTo("permessage-deflate");
        assertThat(PerMessageDeflate.negotiateAsServer(List.of("permessage-deflate; server_max_window_bits=10")))
                .isNull();
        assertThat(PerMessageDeflate.negotiateAsServer(List.of("permessage-deflate; unknown"))).isNull();
        assertThat(PerMessageDeflate.negotiateAsServer(List.of(
                "permessage-deflate; server_no_context_takeover; server_no_context_takeover"))).isNull();
        assertThat(PerMessageDeflate.negotiateAsServer(List.of("x-webkit-deflate-frame"))).isNull();
        assertThat(PerMessageDeflate.negotiateAsServer(List.of("permessage-deflate; client_max_window_bits=\"12\""))
                .response()).isEqualTo("permessage-deflate");
    }

    @Test
    void aClientChecksTheServersAnswer() {
        assertThat(PerMessageDeflate.acceptAsClient(List.of())).isNull();
        assertThat(PerMessageDeflate.acceptAsClient(List.of("permessage-deflate; server_max_window_bits=10; "
                + "server_no_context_takeover; client_no_context_takeover"))).isNotNull();
        assertThatThrownBy(() -> PerMessageDeflate.acceptAsClient(List.of("permessage-deflate; "
                + "client_max_window_bits=10"))).isInstanceOf(WebSocketHandshakeException.class)
                .hasMessageContaining("parameters cannot be accepted");
        assertThatThrownBy(() -> PerMessageDeflate.acceptAsClient(List.of("x-other")))
                .isInstanceOf(WebSocketHandshakeException.class).hasMessageContaining("not offered");
        assertThatThrownBy(() -> PerMessageDeflate.acceptAsClient(List.of("permessage-deflate; "
                + "server_max_window_bits=16"))).isInstanceOf(WebSocketHandshakeException.class);
    }

    @Test
    void theHandshakesAcceptValueIsRfc6455s() {
        assertThat(WebSocketHandshake.acceptValue("dGhlIHNhbXBsZSBub25jZQ=="))
                .isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertThat(WebSocketHandshake.isValidKey("dGhlIHNhbXBsZSBub25jZQ==")).isTrue();
        assertThat(WebSocketHandshake.isValidKey("dGhlIHNhbXBsZQ==")).isFalse();
        assertThat(WebSocketHandshake.isValidKey("not base64 at all!!!!!!!")).isFalse();
        assertThat(WebSocketHandshake.isValidKey(null)).isFalse();
    }
}
