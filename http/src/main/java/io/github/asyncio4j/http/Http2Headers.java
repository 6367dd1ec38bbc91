package io.github.asyncio4j.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * HTTP/2's rules for header sections (RFC 9113 section 8.2 and 8.3): what makes one malformed, the pseudo-header
 * fields, and the translation between them and this package's {@link Headers}. Field lists are names and values
 * alternating. Pure functions.
 */
final class Http2Headers {
    /** Fields that belong to an HTTP/1.1 connection and are malformed in HTTP/2 (section 8.2.2). */
    static final Set<String> CONNECTION_SPECIFIC = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade");

    /** The characters of a field name in HTTP/2: a token's, but no upper-case letter. */
    private static final boolean[] LOWER_TOKEN = new boolean[128];

    static {
        for (char c = 0; c < LOWER_TOKEN.length; c++) {
            LOWER_TOKEN[c] = Http1.isTokenChar(c) && !(c >= 'A' && c <= 'Z');
        }
    }

    private Http2Headers() {
    }

    /**
     * Checks a received header section; a malformed one is a stream error (PROTOCOL_ERROR).
     *
     * @param request  a request's section (else a response's)
     * @param trailers a trailer section (no pseudo-header fields)
     */
    static void validate(List<String> fields, boolean request, boolean trailers, int streamId) {
        boolean regularSeen = false;
        int method = 0;
        int scheme = 0;
        int path = 0;
        int authority = 0;
        int status = 0;
        for (int i = 0; i < fields.size(); i += 2) {
            String name = fields.get(i);
            String value = fields.get(i + 1);
            if (name.isEmpty()) {
                throw malformed(streamId, "an empty field name");
            }
            if (value.indexOf(0) >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw malformed(streamId, "NUL, CR or LF in the value of " + name);
            }
            if (name.charAt(0) == ':') {
                if (trailers) {
                    throw malformed(streamId, "pseudo-header field " + name + " in trailers");
                }
                if (regularSeen) {
                    throw malformed(streamId, "pseudo-header field " + name + " after a regular field");
                }
                if (!request) {
                    if (!name.equals(":status")) {
                        throw malformed(streamId, "unknown or misplaced pseudo-header field " + name);
                    }
                    status++;
                    continue;
                }
                switch (name) {
                    case ":method" -> method++;
                    case ":scheme" -> scheme++;
                    case ":path" -> {
                        path++;
                        if (value.isEmpty()) {
                            throw malformed(streamId, "an empty :path");
                        }
                    }
                    case ":authority" -> authority++;
                    default -> throw malformed(streamId, "unknown or misplaced pseudo-header field " + name);
                }
                continue;
            }
            regularSeen = true;
            for (int c = 0; c < name.length(); c++) {
                char ch = name.charAt(c);
                if (ch >= LOWER_TOKEN.length || !LOWER_TOKEN[ch]) {
                    throw malformed(streamId, "field name " + Http1.quote(name)
                            + " is not a lower-case token");
                }
            }
            if (CONNECTION_SPECIFIC.contains(name)) {
                throw malformed(streamId, "connection-specific field " + name);
            }
            if (name.equals("te") && !value.equals("trailers")) {
                throw malformed(streamId, "te: " + Http1.quote(value) + " (only \"trailers\" is allowed)");
            }
        }
        if (trailers) {
            return;
        }
        if (request) {
            if (method != 1 || scheme > 1 || path > 1 || authority > 1) {
                throw malformed(streamId, "a request needs exactly one :method and at most one :scheme, :path"
                        + " and :authority");
            }
            boolean connect = "CONNECT".equals(first(fields, ":method"));
            if (!connect && (scheme != 1 || path != 1)) {
                throw malformed(streamId, "a request without :scheme or :path");
            }
        } else if (status != 1) {
            throw malformed(streamId, "a response needs exactly one :status");
        }
    }

    private static Http2Exception malformed(int streamId, String what) {
        return Http2Exception.stream(Http2.PROTOCOL_ERROR, streamId, "malformed header section: " + what);
    }

    /** The first value of {@code name}, or null. */
    static String first(List<String> fields, String name) {
        for (int i = 0; i < fields.size(); i += 2) {
            if (fields.get(i).equals(name)) {
                return fields.get(i + 1);
            }
        }
        return null;
    }

    /** A response's :status, three digits. */
    static int status(List<String> fields) {
        String s = first(fields, ":status");
        if (s == null || s.length() != 3) {
            throw new HttpProtocolException("HTTP/2 response with a bad :status: " + s);
        }
        int status = 0;
        for (int i = 0; i < 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9' || i == 0 && c == '0') {
                throw new HttpProtocolException("HTTP/2 response with a bad :status: " + s);
            }
            status = status * 10 + (c - '0');
        }
        return status;
    }

    /** The content-length of a section, or -1; a bad one is a malformed message. */
    static long contentLength(List<String> fields, int streamId) {
        List<String> values = new ArrayList<>(1);
        for (int i = 0; i < fields.size(); i += 2) {
            if (fields.get(i).equals("content-length")) {   // names are lower case (validated)
                values.add(fields.get(i + 1));
            }
        }
        try {
            return Http1.contentLength(values);
        } catch (HttpProtocolException e) {
            throw malformed(streamId, e.getMessage());
        }
    }

    /** The regular fields of a section as {@link Headers} (pseudo-header fields left out). */
    static Headers toHeaders(List<String> fields) {
        Headers.Builder b = Headers.builder();
        for (int i = 0; i < fields.size(); i += 2) {
            if (fields.get(i).charAt(0) != ':') {
                b.addTrusted(fields.get(i), fields.get(i + 1));
            }
        }
        return b.build();
    }

    /** Appends the fields of {@code headers}, lower-cased, without the connection-specific ones. */
    static void addRegular(List<String> out, Headers headers) {
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i).toLowerCase(Locale.ROOT);
            if (CONNECTION_SPECIFIC.contains(name) || name.equals("host")
                    || name.equals("te") && !headers.value(i).equals("trailers")) {
                continue;
            }
            out.add(name);
            out.add(headers.value(i));
        }
    }

    static List<String> list(int capacity) {
        return new ArrayList<>(capacity);
    }
}
