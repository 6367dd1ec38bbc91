package io.github.asyncio4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** HPACK on RFC 7541 Appendix C's examples, and its limits against hostile blocks. */
class HpackTest {
    private static final String DATE_21 = "Mon, 21 Oct 2013 20:13:21 GMT";
    private static final String DATE_22 = "Mon, 21 Oct 2013 20:13:22 GMT";
    private static final String LOCATION = "https://www.example.com";
    private static final String COOKIE = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static List<String> decode(Hpack.Decoder d, String hex) {
        byte[] block = hex(hex);
        Hpack.Decoder.Block b = d.decode(block, 0, block.length);
        assertThat(b.overLimit()).isFalse();
        return b.fields();
    }

    private static String encode(Hpack.Encoder e, String... fields) {
        ByteSink out = new ByteSink(16);
        e.encode(List.of(fields), out);
        return HexFormat.of().formatHex(out.toArray());
    }

    @Test
    void c2LiteralAndIndexedFields() {
        Hpack.Decoder d = new Hpack.Decoder(4096, 1 << 16);
        assertThat(decode(d, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"))
                .containsExactly("custom-key", "custom-header");
        assertThat(d.table().size()).isEqualTo(55);
        assertThat(decode(d, "040c 2f73 616d 706c 652f 7061 7468")).containsExactly(":path", "/sample/path");
        assertThat(decode(d, "1008 7061 7373 776f 7264 0673 6563 7265 74")).containsExactly("password", "secret");
        assertThat(d.table().count()).as("without and never indexed fields stay out of the table").isEqualTo(1);
        assertThat(decode(d, "82")).containsExactly(":method", "GET");
    }

    @Test
    void c3RequestsWithoutHuffman() {
        Hpack.Decoder d = new Hpack.Decoder(4096, 1 << 16);
        assertThat(decode(d, "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d")).containsExactly(
                ":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com");
        assertThat(d.table().size()).isEqualTo(57);
        assertThat(decode(d, "8286 84be 5808 6e6f 2d63 6163 6865")).containsExactly(":method", "GET",
                ":scheme", "http", ":path", "/", ":authority", "www.example.com", "cache-control", "no-cache");
        assertThat(d.table().size()).isEqualTo(110);
        assertThat(decode(d, "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"))
                .containsExactly(":method", "GET", ":scheme", "https", ":path", "/index.html",
                        ":authority", "www.example.com", "custom-key", "custom-value");
        assertThat(d.table().size()).isEqualTo(164);
        assertThat(d.table().name(0)).isEqualTo("custom-key");
    }

    /** C.4, decoded, and encoded byte for byte (our encoder makes the same choices as the RFC here). */
    @Test
    void c4RequestsWithHuffmanBothWays() {
        String[] blocks = {
            "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
            "8286 84be 5886 a8eb 1064 9cbf",
            "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"};
        String[][] lists = {
            {":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com"},
            {":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com",
                "cache-control", "no-cache"},
            {":method", "GET", ":scheme", "https", ":path", "/index.html", ":authority", "www.example.com",
                "custom-key", "custom-value"}};
        long[] sizes = {57, 110, 164};
        Hpack.Decoder d = new Hpack.Decoder(4096, 1 << 16);
        Hpack.Encoder e = new Hpack.Encoder();
        for (int i = 0; i < blocks.length; i++) {
            assertThat(decode(d, blocks[i])).containsExactly(lists[i]);
            assertThat(d.table().size()).isEqualTo(sizes[i]);
            assertThat(encode(e, lists[i])).isEqualTo(blocks[i].replace(" ", ""));
            assertThat(e.table().size()).isEqualTo(sizes[i]);
        }
    }

    @Test
    void c5ResponsesWithoutHuffmanEvictFromA256ByteTable() {
        Hpack.Decoder d = new Hpack.Decoder(256, 1 << 16);
        assertThat(decode(d, "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133"
                + "2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d"))
                .containsExactly(":status", "302", "cache-control", "private", "date", DATE_21, "location", LOCATION);
        assertThat(d.table().size()).isEqualTo(222);
        assertThat(decode(d, "4803 3330 37c1 c0bf")).containsExactly(":status", "307", "cache-control", "private",
                "date", DATE_21, "location", LOCATION);
        assertThat(d.table().size()).isEqualTo(222);
        assertThat(d.table().value(0)).isEqualTo("307");
        assertThat(decode(d, "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d"
                + "54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049"
                + "5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31"))
                .containsExactly(":status", "200", "cache-control", "private", "date", DATE_22,
                        "location", LOCATION, "content-encoding", "gzip", "set-cookie", COOKIE);
        assertThat(d.table().size()).isEqualTo(215);
        assertThat(d.table().count()).isEqualTo(3);
        assertThat(List.of(d.table().name(0), d.table().name(1), d.table().name(2)))
                .containsExactly("set-cookie", "content-encoding", "date");
    }

    @Test
    void c6ResponsesWithHuffman() {
        Hpack.Decoder d = new Hpack.Decoder(256, 1 << 16);
        assertThat(decode(d, "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6"
                + "2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3"))
                .containsExactly(":status", "302", "cache-control", "private", "date", DATE_21, "location", LOCATION);
        assertThat(d.table().size()).isEqualTo(222);
        assertThat(decode(d, "4883 640e ffc1 c0bf")).containsExactly(":status", "307", "cache-control", "private",
                "date", DATE_21, "location", LOCATION);
        assertThat(decode(d, "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab"
                + "77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f"
                + "9587 3160 65c0 03ed 4ee5 b106 3d50 07"))
                .containsExactly(":status", "200", "cache-control", "private", "date", DATE_22,
                        "location", LOCATION, "content-encoding", "gzip", "set-cookie", COOKIE);
        assertThat(d.table().size()).isEqualTo(215);
    }

    @Test
    void anEncoderAndDecoderStayInStepOverManyBlocksAndTableSizeChanges() {
        Random random = new Random(7);
        Hpack.Encoder e = new Hpack.Encoder();
        Hpack.Decoder d = new Hpack.Decoder(4096, 1 << 20);
        for (int block = 0; block < 300; block++) {
            if (block % 50 == 25) {
                e.setMaxTableSize(random.nextInt(4097));
            }
            String[] fields = new String[2 * (1 + random.nextInt(12))];
            for (int i = 0; i < fields.length; i += 2) {
                fields[i] = "x-h" + random.nextInt(20);
                StringBuilder v = new StringBuilder();
                for (int n = random.nextInt(40); n > 0; n--) {
                    v.append((char) random.nextInt(256));   // every octet value, Huffman's long codes too
                }
                fields[i + 1] = random.nextBoolean() ? v.toString() : "v" + random.nextInt(5);
            }
            ByteSink out = new ByteSink(64);
            e.encode(List.of(fields), out);
            assertThat(d.decode(out.array(), 0, out.size()).fields()).containsExactly(fields);
            assertThat(d.table().size()).isEqualTo(e.table().size());
        }
    }

    @Test
    void malformedBlocksAreCompressionErrors() {
        String[][] cases = {
            {"80", "index 0"},
            {"be", "beyond the table"},                       // dynamic index 62 in an empty table
            {"41 8c f1e3", "runs past its block"},             // a string longer than what is left
            {"41 ff", "ends inside an integer"},
            {"41 ff ff ff ff ff 0f", "over 2^31 - 1"},
            {"41 81 fe", "padding"},                           // 8 bits of padding-looking code but not EOS-prefix
            {"41 84 ff ff ff ff", "EOS"},                       // 30 ones: EOS inside a string
            {"82 3f e1 1f", "after a header field"},           // a size update after a field
            {"3f e1 3f", "over the 4096 allowed"},             // a size update to 4096 + 31 + ...
        };
        for (String[] c : cases) {
            Hpack.Decoder d = new Hpack.Decoder(4096, 1 << 16);
            byte[] block = hex(c[0]);
            assertThatThrownBy(() -> d.decode(block, 0, block.length)).as(c[0])
                    .isInstanceOfSatisfying(Http2Exception.class, e -> {
                        assertThat(e.code()).isEqualTo(Http2.COMPRESSION_ERROR);
                        assertThat(e.isConnectionError()).isTrue();
                    })
                    .hasMessageContaining(c[1]);
        }
    }

    /** An "HPACK bomb": one 4 KiB entry referenced a thousand times decodes to a count, not to 4 MiB of fields. */
    @Test
    void aBombOfReferencesIsCountedNotKept() {
        Hpack.Encoder e = new Hpack.Encoder();
        ByteSink out = new ByteSink(64);
        e.encode(List.of("x-big", "a".repeat(1500)), out);    // indexed: the table holds it
        for (int i = 0; i < 1000; i++) {
            out.write(0x80 | 62);                               // a reference to it
        }
        Hpack.Decoder d = new Hpack.Decoder(4096, 16 * 1024);
        Hpack.Decoder.Block b = d.decode(out.array(), 0, out.size());
        assertThat(b.overLimit()).isTrue();
        assertThat(b.listSize()).isEqualTo(1001L * (32 + 5 + 1500));
        assertThat(b.fields().size()).as("fields past the limit are not kept").isLessThanOrEqualTo(2 * 10);
        assertThat(d.table().count()).as("the table is still in step").isEqualTo(1);
    }

    @Test
    void aTableSizeUpdateEvictsAndTheTableNeverPassesItsCapacity() {
        Hpack.Decoder d = new Hpack.Decoder(4096, 1 << 16);
        decode(d, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572");
        assertThat(decode(d, "20 82")).containsExactly(":method", "GET");    // size 0, then a field
        assertThat(d.table().count()).isZero();
        assertThat(d.table().capacity()).isZero();
    }
}
