package io.github.asyncio4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The decoder's cache of recent literals gives what decoding gives, whatever shares a slot. */
class LiteralCacheTest {
    private static byte[] huffman(String s) {
        ByteSink out = new ByteSink(16);
        Huffman.encode(s, out);
        return java.util.Arrays.copyOf(out.array(), out.size());
    }

    @Test
    void theSameBytesAsHuffmanCodeOrAsTextAreDifferentLiterals() {
        LiteralCache cache = new LiteralCache();
        byte[] code = huffman("text/plain");
        assertThat(cache.decode(code, 0, code.length, true)).isEqualTo("text/plain");
        assertThat(cache.decode(code, 0, code.length, false))
                .isEqualTo(new String(code, StandardCharsets.ISO_8859_1));
        assertThat(cache.decode(code, 0, code.length, true)).isEqualTo("text/plain");
    }

    @Test
    void manyLiteralsInTurnDecodeAsWithoutTheCache() {
        Random random = new Random(5);
        LiteralCache cache = new LiteralCache();
        String[] texts = new String[200];
        for (int i = 0; i < texts.length; i++) {
            StringBuilder sb = new StringBuilder();
            for (int n = random.nextInt(80); n > 0; n--) {   // some past the cached length too
                sb.append((char) (' ' + random.nextInt(95)));
            }
            texts[i] = sb.toString();
        }
        for (int round = 0; round < 5_000; round++) {
            String text = texts[random.nextInt(random.nextBoolean() ? 8 : texts.length)];
            byte[] block = new byte[3 + 2 * text.length() + 3];
            byte[] code = huffman(text);
            System.arraycopy(code, 0, block, 3, code.length);   // at an offset, in a larger array
            assertThat(cache.decode(block, 3, code.length, true)).isEqualTo(text);
            byte[] raw = text.getBytes(StandardCharsets.ISO_8859_1);
            assertThat(cache.decode(raw, 0, raw.length, false)).isEqualTo(text);
        }
    }

    @Test
    void aBadCodeIsNotKept() {
        LiteralCache cache = new LiteralCache();
        byte[] eos = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> cache.decode(eos, 0, eos.length, true))
                    .isInstanceOf(Http2Exception.class).hasMessageContaining("EOS");
        }
    }
}
