package io.github.asyncio4j.http;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.BrotliInputStream;
import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Decodes a {@code Content-Encoding} of {@code gzip}, {@code x-gzip}, {@code deflate} (zlib-wrapped, or raw
 * deflate as some servers send), {@code br} (Brotli, RFC 7932, through brotli4j: Google's C decoder) or
 * {@code zstd} (Zstandard, RFC 8878, through zstd-jni: the reference C library) as a stream, through a fixed-size
 * buffer, stopping as soon as the output would pass the maximum body size (so a decompression bomb costs at most
 * that much memory). In-memory work only: it never blocks. Other codings are left as they are (the
 * {@code Content-Encoding} header tells the caller).
 *
 * <p>The two native decoders are loaded at the first body that needs one (never for a crawl that meets none); a
 * platform without brotli4j's native library fails such a body with an {@link HttpProtocolException} saying so.
 * {@link #decoding} decodes a streamed body as it is read instead (the reads of its source may await).
 */
final class ContentDecoding {
    /** The codings a client advertises in {@code Accept-Encoding}, most preferred last (as browsers list them). */
    static final String ACCEPT_ENCODING = "gzip, deflate, br, zstd";
    private static final int BUFFER = 16 * 1024;

    private ContentDecoding() {
    }

    /** True if {@code coding} is one this class decodes. */
    static boolean supports(String coding) {
        return switch (coding.strip().toLowerCase(Locale.ROOT)) {
            case "gzip", "x-gzip", "deflate", "br", "zstd" -> true;
            default -> false;
        };
    }

    /** The decoded body; {@code coding} must be {@link #supports supported}. */
    static byte[] decode(byte[] raw, String coding, long max) {
        String c = coding.strip().toLowerCase(Locale.ROOT);
        try {
            if (c.equals("deflate")) {
                return inflate(raw, max);
            }
            try (InputStream in = decoder(c, new ByteArrayInputStream(raw))) {
                return drain(in, max, c);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new HttpProtocolException("bad " + c + " body: " + e.getMessage(), e);
        }
    }

    private static InputStream decoder(String coding, InputStream raw) throws IOException {
        return switch (coding) {
            case "br" -> {
                loadBrotli();
                yield new BrotliInputStream(raw, BUFFER);
            }
            case "zstd" -> new ZstdInputStream(raw);
            default -> new GZIPInputStream(raw, BUFFER);
        };
    }

    private static void loadBrotli() {
        if (!Brotli4jLoader.isAvailable()) {
            Throwable why = Brotli4jLoader.getUnavailabilityCause();
            throw new HttpProtocolException("cannot decode a br body: brotli4j's native library is not available "
                    + "on this platform (" + (why == null ? "unknown reason" : why.getMessage()) + ")", why);
        }
    }

    private static byte[] drain(InputStream in, long max, String coding) throws IOException {
        MessageReader.Accumulator out = new MessageReader.Accumulator(max, "body after " + coding + " decoding");
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = in.read(buffer)) > 0) {
            out.add(buffer, n);
        }
        return out.toArray();
    }

    private static byte[] inflate(byte[] raw, long max) throws IOException {
        boolean zlib = raw.length >= 2 && (raw[0] & 0x0f) == 8 && ((raw[0] & 0xff) << 8 | (raw[1] & 0xff)) % 31 == 0;
        Inflater inflater = new Inflater(!zlib);
        try {
            inflater.setInput(raw);
            MessageReader.Accumulator out = new MessageReader.Accumulator(max, "body after deflate decoding");
            byte[] buffer = new byte[BUFFER];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n > 0) {
                    out.add(buffer, n);
                } else if (inflater.needsInput()) {
                    throw new IOException("truncated deflate stream");
                } else if (inflater.needsDictionary()) {
                    throw new IOException("deflate stream needs a preset dictionary");
                }
            }
            return out.toArray();
        } catch (DataFormatException e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    /**
     * A stream of the decoded bytes of {@code raw}, a body in {@code coding} ({@link #supports supported}), made at
     * its first read (a gzip stream reads its header when made). Reads of {@code raw} may await: the decoders'
     * buffers are the only state, so a read suspends in the middle of theirs and goes on when bytes come. Closing
     * it frees the decoder (not {@code raw}). Its {@link IOException}s other than {@code raw}'s are bad encodings.
     */
    static InputStream decoding(InputStream raw, String coding) {
        String c = coding.strip().toLowerCase(Locale.ROOT);
        return new InputStream() {
            private InputStream decoder;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (decoder == null) {
                    decoder = c.equals("deflate") ? inflating(raw) : decoder(c, raw);
                }
                return decoder.read(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (decoder != null) {
                    decoder.close();
                }
            }
        };
    }

    /** Deflate, zlib-wrapped or raw as the first two bytes say; closing it ends the inflater. */
    private static InputStream inflating(InputStream raw) throws IOException {
        PushbackInputStream in = new PushbackInputStream(raw, 2);
        byte[] first = new byte[2];
        int n = 0;
        for (int r; n < 2 && (r = in.read(first, n, 2 - n)) > 0; ) {
            n += r;
        }
        in.unread(first, 0, n);
        boolean zlib = n == 2 && (first[0] & 0x0f) == 8 && ((first[0] & 0xff) << 8 | (first[1] & 0xff)) % 31 == 0;
        Inflater inflater = new Inflater(!zlib);
        return new InflaterInputStream(in, inflater, BUFFER) {
            private boolean ended;

            @Override
            public void close() throws IOException {
                if (!ended) {
                    ended = true;
                    inflater.end();
                }
            }
        };
    }
}
