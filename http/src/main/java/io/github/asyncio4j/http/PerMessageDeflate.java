package io.github.asyncio4j.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The permessage-deflate extension (RFC 7692): its negotiation, and one connection's compressor and
 * decompressor.
 *
 * <p><b>What can be negotiated.</b> {@link Deflater} always compresses with a 32 KiB window (15 window bits) and
 * cannot be told to use a smaller one, so this side never agrees to compress with fewer bits: a client offers no
 * {@code client_max_window_bits} (a server could then not ask for fewer), and a server declines an offer whose
 * {@code server_max_window_bits} is below 15. {@link Inflater} decompresses a stream made with any window, so
 * the peer's window is never a problem. Either side's {@code no_context_takeover} is honoured: the compressor is
 * reset after each message when this side promised it, the decompressor when the peer did.
 *
 * <p><b>Bounds.</b> {@link #inflate} stops with {@link BodyTooLargeException} once a message's decompressed size
 * passes the maximum, so a small frame that inflates to gigabytes (a decompression bomb) costs at most the
 * maximum in memory and its share of CPU. Loop-confined; {@link #end()} frees the native zlib memory.
 */
final class PerMessageDeflate {
    static final String NAME = "permessage-deflate";
    /** What a client offers: the extension with no parameter (see the class comment). */
    static final String CLIENT_OFFER = NAME;
    /** The bytes a sync flush ends with, which a sender removes and a receiver appends (section 7.2.1). */
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};
    private static final int SCRATCH = 16 * 1024;
    /** An empty message, compressed: one empty stored block once the tail is appended (section 7.2.3.6). */
    private static final byte[] EMPTY_MESSAGE = {0};

    /** True when this side resets its compressor after each message (it agreed to no context takeover). */
    private final boolean resetDeflater;
    /** True when the peer resets its compressor after each message, so ours must forget its window too. */
    private final boolean resetInflater;
    private Deflater deflater;
    private Inflater inflater;
    private byte[] scratch;
    /** Compressed bytes of the message being inflated so far. */
    private long messageInput;

    PerMessageDeflate(boolean resetDeflater, boolean resetInflater) {
        this.resetDeflater = resetDeflater;
        this.resetInflater = resetInflater;
    }

    /** The result of a server's negotiation: the compressor settings and the response header's value. */
    record Accepted(PerMessageDeflate deflate, String response) {
    }

    /**
     * A server's choice among a client's {@code Sec-WebSocket-Extensions} values: the first permessage-deflate
     * offer it can honour, or null (the connection then goes uncompressed).
     */
    static Accepted negotiateAsServer(List<String> headerValues) {
        for (Extension offer : parse(headerValues)) {
            if (!offer.name().equals(NAME) || offer.params() == null) {
                continue;   // another extension, or a duplicated parameter
            }
            boolean serverNoContext = false;
            boolean clientNoContext = false;
            boolean windowAsked = false;
            boolean usable = true;
            for (Map.Entry<String, String> p : offer.params().entrySet()) {
                String value = p.getValue();
                switch (p.getKey()) {
                    case "server_no_context_takeover" -> {
                        serverNoContext = true;
                        usable &= value == null;
                    }
                    case "client_no_context_takeover" -> {
                        clientNoContext = true;
                        usable &= value == null;
                    }
                    case "server_max_window_bits" -> {
                        usable &= "15".equals(value);   // fewer bits cannot be honoured with java.util.zip
                        windowAsked = true;
                    }
                    case "client_max_window_bits" -> usable &= value == null || windowBits(value) > 0;
                    default -> usable = false;
                }
            }
            if (usable) {
                StringBuilder response = new StringBuilder(NAME);
                if (serverNoContext) {
                    response.append("; server_no_context_takeover");
                }
                if (clientNoContext) {
                    response.append("; client_no_context_takeover");
                }
                if (windowAsked) {
                    response.append("; server_max_window_bits=15");
                }
                return new Accepted(new PerMessageDeflate(serverNoContext, clientNoContext), response.toString());
            }
        }
        return null;
    }

    /**
     * A client's reading of the server's {@code Sec-WebSocket-Extensions} answer to {@link #CLIENT_OFFER}: the
     * compressor it sets up, or null when the server chose none.
     *
     * @throws WebSocketHandshakeException if the answer names another extension or a parameter the offer did not
     *                                     allow
     */
    static PerMessageDeflate acceptAsClient(List<String> headerValues) {
        List<Extension> chosen = parse(headerValues);
        if (chosen.isEmpty()) {
            return null;
        }
        Extension e = chosen.get(0);
        if (chosen.size() > 1 || !e.name().equals(NAME) || e.params() == null) {
            throw new WebSocketHandshakeException("the server answered with extensions that were not offered: "
                    + String.join(", ", headerValues), 101);
        }
        boolean serverNoContext = false;
        boolean clientNoContext = false;
        for (Map.Entry<String, String> p : e.params().entrySet()) {
            String value = p.getValue();
            boolean ok = switch (p.getKey()) {
                case "server_no_context_takeover" -> (serverNoContext = true) && value == null;
                case "client_no_context_takeover" -> (clientNoContext = true) && value == null;
                case "server_max_window_bits" -> value != null && windowBits(value) > 0;
                default -> false;   // client_max_window_bits was not offered, so it may not come back
            };
            if (!ok) {
                throw new WebSocketHandshakeException("the server's permessage-deflate parameters cannot be "
                        + "accepted: " + String.join(", ", headerValues), 101);
            }
        }
        return new PerMessageDeflate(clientNoContext, serverNoContext);
    }

    private static int windowBits(String value) {
        if (value.length() > 2 || value.isEmpty() || !value.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        int bits = Integer.parseInt(value);
        return bits >= 8 && bits <= 15 ? bits : -1;
    }

    /** One extension of a header value: its name and parameters (null when one was repeated). */
    record Extension(String name, Map<String, String> params) {
    }

    /** Parses {@code ext; param; param=value, ext2} lists (values may be quoted), names lower-cased. */
    static List<Extension> parse(List<String> headerValues) {
        List<Extension> result = new ArrayList<>();
        for (String value : headerValues) {
            for (String item : value.split(",")) {
                String[] parts = item.split(";");
                String name = parts[0].trim().toLowerCase(Locale.ROOT);
                if (name.isEmpty()) {
                    continue;
                }
                Map<String, String> params = new LinkedHashMap<>();
                for (int i = 1; i < parts.length; i++) {
                    String p = parts[i].trim();
                    int eq = p.indexOf('=');
                    String key = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
                    String v = eq < 0 ? null : p.substring(eq + 1).trim();
                    if (v != null && v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                        v = v.substring(1, v.length() - 1);
                    }
                    if (params.containsKey(key)) {
                        params = null;
                        break;
                    }
                    params.put(key, v);
                }
                result.add(new Extension(name, params));
            }
        }
        return result;
    }

    /** The compressed form of {@code len} bytes of {@code data} from {@code off}, without the sync tail. */
    byte[] compress(byte[] data, int off, int len) {
        if (len == 0) {
            return EMPTY_MESSAGE;   // zlib's flush after no input emits nothing, and the tail alone is no block
        }
        if (deflater == null) {
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        }
        deflater.setInput(data, off, len);
        byte[] out = new byte[Math.max(64, len / 2 + 64)];
        int n = 0;
        while (true) {
            n += deflater.deflate(out, n, out.length - n, Deflater.SYNC_FLUSH);
            if (n < out.length) {
                break;   // the flush fitted: everything is out
            }
            out = Arrays.copyOf(out, out.length * 2);
        }
        if (resetDeflater) {
            deflater.reset();
        }
        if (n >= 4 && out[n - 4] == 0 && out[n - 3] == 0 && out[n - 2] == (byte) 0xff && out[n - 1] == (byte) 0xff) {
            n -= 4;
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Decompresses one frame's payload of a compressed message into {@code out} (checked against its maximum),
     * feeding the text to {@code utf8} when it is not null; {@code last} marks the message's final frame.
     *
     * @throws DataFormatException   if the bytes are not a valid deflate stream
     * @throws BodyTooLargeException once the message's decompressed size passes {@code out}'s maximum
     * @return false if {@code utf8} refused the text
     */
    boolean inflate(byte[] payload, boolean last, MessageReader.Accumulator out, Utf8Validator utf8)
            throws DataFormatException {
        if (inflater == null) {
            inflater = new Inflater(true);
            scratch = new byte[SCRATCH];
        }
        messageInput += payload.length;
        inflater.setInput(payload);
        if (!drain(out, utf8)) {
            return false;
        }
        if (last) {
            long input = messageInput;
            messageInput = 0;
            if (input > 0 && !inflater.finished()) {   // no input at all: an empty message, with no block to end
                inflater.setInput(TAIL);
                if (!drain(out, utf8)) {
                    return false;
                }
            }
            if (resetInflater || inflater.finished()) {
                inflater.reset();   // a peer that ended its stream (BFINAL) starts a new one with the next message
            }
        }
        return true;
    }

    private boolean drain(MessageReader.Accumulator out, Utf8Validator utf8) throws DataFormatException {
        while (true) {
            int n = inflater.inflate(scratch);
            if (n > 0) {
                out.add(scratch, n);
                if (utf8 != null && !utf8.feed(scratch, 0, n)) {
                    return false;
                }
            } else if (inflater.needsInput() || inflater.finished()) {
                return true;
            } else if (inflater.needsDictionary()) {
                throw new DataFormatException("the compressed data asks for a preset dictionary");
            }
        }
    }

    /** Frees the native memory of the compressor and decompressor. Idempotent. */
    void end() {
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
    }
}
