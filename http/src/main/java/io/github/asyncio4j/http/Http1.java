package io.github.asyncio4j.http;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * HTTP/1.1 syntax shared by the client and the server (RFC 9112): tokens, start lines, header lines, the body's
 * framing, and serialising a message head. Pure functions, no I/O. Header bytes are ISO-8859-1.
 */
final class Http1 {
    static final byte[] CRLF = {'\r', '\n'};

    private Http1() {
    }

    /** How a message body is delimited. */
    sealed interface Framing {
        /** No body (HEAD, 1xx, 204, 304, a request without Content-Length or Transfer-Encoding). */
        record None() implements Framing {
        }

        /** Exactly {@code length} bytes. */
        record Length(long length) implements Framing {
        }

        /** Chunked transfer coding, with optional trailers. */
        record Chunked() implements Framing {
        }

        /** Everything until the peer closes (responses only); the connection cannot be reused. */
        record UntilEof() implements Framing {
        }

        Framing NONE = new None();
        Framing CHUNKED = new Chunked();
        Framing UNTIL_EOF = new UntilEof();
    }

    /** A parsed status line. */
    record StatusLine(String version, int status, String reason) {
    }

    /** A parsed request line. */
    record RequestLine(String method, String target, String version) {
    }

    static boolean isTokenChar(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return switch (c) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
            default -> false;
        };
    }

    /** The line as ISO-8859-1 text without its line ending ({@code \r\n}, or a bare {@code \n}). */
    static String strip(byte[] line) {
        int n = line.length;
        if (n > 0 && line[n - 1] == '\n') {
            n--;
            if (n > 0 && line[n - 1] == '\r') {
                n--;
            }
        }
        return new String(line, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** {@code HTTP/1.x SP 3DIGIT [SP reason]}. */
    static StatusLine parseStatusLine(String line) {
        if (line.length() < 12 || !line.startsWith("HTTP/1.") || !Character.isDigit(line.charAt(7))
                || line.charAt(8) != ' ') {
            throw new HttpProtocolException("bad status line: " + quote(line));
        }
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new HttpProtocolException("bad status code in status line: " + quote(line));
            }
            status = status * 10 + (c - '0');
        }
        if (status < 100) {
            throw new HttpProtocolException("bad status code in status line: " + quote(line));
        }
        if (line.length() > 12 && line.charAt(12) != ' ') {
            throw new HttpProtocolException("bad status line: " + quote(line));
        }
        String reason = line.length() > 13 ? line.substring(13) : "";
        checkNoControls(reason, "reason phrase", line);
        return new StatusLine(line.substring(0, 8), status, reason);
    }

    /** {@code method SP request-target SP HTTP/1.x}. */
    static RequestLine parseRequestLine(String line) {
        int sp1 = line.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || sp2 == sp1 + 1 || line.indexOf(' ', sp2 + 1) >= 0) {
            throw new HttpProtocolException("bad request line: " + quote(line));
        }
        String method = line.substring(0, sp1);
        for (int i = 0; i < method.length(); i++) {
            if (!isTokenChar(method.charAt(i))) {
                throw new HttpProtocolException("bad method in request line: " + quote(line));
            }
        }
        String target = line.substring(sp1 + 1, sp2);
        String version = line.substring(sp2 + 1);
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new HttpProtocolException("unsupported HTTP version in request line: " + quote(line));
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new HttpProtocolException("bad request target: " + quote(target));
            }
        }
        return new RequestLine(method, target, version);
    }

    /** Adds {@code name: value} to {@code headers}; rejects lines without a colon, bad names and folded lines. */
    static void parseHeaderLine(String line, Headers.Builder headers) {
        if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
            throw new HttpProtocolException("bad header line (obsolete line folding): " + quote(line));
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new HttpProtocolException("bad header line (no colon): " + quote(line));
        }
        String name = line.substring(0, colon);
        for (int i = 0; i < colon; i++) {
            if (!isTokenChar(name.charAt(i))) {
                throw new HttpProtocolException("bad header name in line: " + quote(line));
            }
        }
        String value = line.substring(colon + 1).strip();
        checkNoControls(value, "header value", line);
        headers.addTrusted(name, value);
    }

    private static void checkNoControls(String s, String what, String line) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < ' ' && c != '\t' || c == 0x7f) {
                throw new HttpProtocolException("control character in " + what + ": " + quote(line));
            }
        }
    }

    /** The hexadecimal size of a chunk-size line ({@code 1a;ext=1}). */
    static long parseChunkSize(String line) {
        int end = line.indexOf(';');
        String hex = (end >= 0 ? line.substring(0, end) : line).stripTrailing();
        if (hex.isEmpty() || hex.length() > 15) {
            throw new HttpProtocolException("bad chunk size line: " + quote(line));
        }
        long size = 0;
        for (int i = 0; i < hex.length(); i++) {
            int d = Character.digit(hex.charAt(i), 16);
            if (d < 0) {
                throw new HttpProtocolException("bad chunk size line: " + quote(line));
            }
            size = size * 16 + d;
        }
        return size;
    }

    /**
     * The value of {@code Content-Length}: digits only; repeated fields (or a list) must agree.
     *
     * @return -1 when absent
     */
    static long contentLength(Headers headers) {
        return contentLength(headers.getAll("Content-Length"));
    }

    /** The length the values of a message's Content-Length fields give, or -1 if there are none. */
    static long contentLength(List<String> values) {
        long length = -1;
        for (String value : values) {
            for (int from = 0; from <= value.length(); ) {   // a list of equal values, "10, 10", is one length
                int comma = value.indexOf(',', from);
                int to = comma < 0 ? value.length() : comma;
                long n = digits(value, from, to);
                if (n < 0) {
                    throw new HttpProtocolException("bad Content-Length: " + quote(value));
                }
                if (length >= 0 && n != length) {
                    throw new HttpProtocolException("conflicting Content-Length values: " + values);
                }
                length = n;
                from = to + 1;
            }
        }
        return length;
    }

    /** The number {@code s[from, to)} holds, white space around it ignored: 1 to 18 digits; -1 if it is not one. */
    private static long digits(String s, int from, int to) {
        while (from < to && Character.isWhitespace(s.charAt(from))) {
            from++;
        }
        while (to > from && Character.isWhitespace(s.charAt(to - 1))) {
            to--;
        }
        if (from == to || to - from > 18) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** True if the last transfer coding is {@code chunked}. */
    static boolean isChunked(Headers headers) {
        String last = null;
        for (String value : headers.getAll("Transfer-Encoding")) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    last = part.strip();
                }
            }
        }
        return last != null && last.equalsIgnoreCase("chunked");
    }

    /** The framing of a response to a request with {@code method} (RFC 9112 section 6.3). */
    static Framing responseFraming(String method, int status, Headers headers) {
        if (method.equals("HEAD") || status < 200 || status == 204 || status == 304) {
            return Framing.NONE;
        }
        if (headers.contains("Transfer-Encoding")) {
            return isChunked(headers) ? Framing.CHUNKED : Framing.UNTIL_EOF;
        }
        long length = contentLength(headers);
        return length >= 0 ? new Framing.Length(length) : Framing.UNTIL_EOF;
    }

    /** The framing of a request body; a request cannot be read to EOF. */
    static Framing requestFraming(Headers headers) {
        if (headers.contains("Transfer-Encoding")) {
            if (!isChunked(headers)) {
                throw new HttpProtocolException("unsupported Transfer-Encoding in request: "
                        + headers.getAll("Transfer-Encoding"));
            }
            if (headers.contains("Content-Length")) {
                throw new HttpProtocolException("request has both Transfer-Encoding and Content-Length");
            }
            return Framing.CHUNKED;
        }
        long length = contentLength(headers);
        return length > 0 ? new Framing.Length(length) : Framing.NONE;
    }

    /** Appends {@code name: value\r\n}. */
    static void appendField(StringBuilder head, String name, String value) {
        head.append(name).append(": ").append(value).append("\r\n");
    }

    /** Appends every field of {@code headers}. */
    static void appendFields(StringBuilder head, Headers headers) {
        for (int i = 0; i < headers.size(); i++) {
            appendField(head, headers.name(i), headers.value(i));
        }
    }

    static byte[] latin1(CharSequence s) {
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A short, printable rendering of a line taken from the peer, for error messages. */
    static String quote(String line) {
        StringBuilder sb = new StringBuilder("\"");
        int n = Math.min(line.length(), 120);
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (c < ' ' || c >= 0x7f) {
                sb.append(String.format("\\x%02x", (int) c & 0xff));
            } else {
                sb.append(c);
            }
        }
        if (line.length() > n) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }
}
