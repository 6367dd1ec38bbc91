package io.github.asyncio4j.http;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * An HTTP response: what a client received (body already de-chunked and decoded from gzip/deflate), or what a
 * server's handler returns.
 *
 * <pre>{@code
 * HttpResponse r = await(client.get("http://127.0.0.1:8080/"));
 * if (r.isRedirect()) { String next = r.location(); ... }     // redirects are reported, never followed
 * if ("text/html".equals(r.contentType())) { String html = r.text(); ... }
 *
 * return HttpResponse.html(200, "<a href=/b>b</a>");          // in a server handler
 * return HttpResponse.file(root.resolve("report.pdf"));      // a file, sent with sendfile (see file(Path))
 * }</pre>
 *
 * <p>The body array is not copied: do not change it after handing it over. A response made by {@link #file}
 * has an empty {@code body} and its {@code file} set; every other response, and every response a client receives,
 * has a null {@code file}.
 *
 * @param status   the status code, 100 to 999
 * @param reason   the reason phrase (may be empty)
 * @param headers  the header fields
 * @param body     the body (empty for HEAD, 204 and 304)
 * @param version  the protocol version of the status line, e.g. {@code HTTP/1.1}
 * @param trailers the trailer fields of a chunked body (empty otherwise)
 * @param file     the file a server sends as the body (see {@link #file(Path)}), or null
 */
public record HttpResponse(int status, String reason, Headers headers, byte[] body, String version,
                           Headers trailers, Path file) {
    private static final byte[] NO_BODY = new byte[0];

    public HttpResponse {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("HTTP status out of range: " + status);
        }
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(trailers, "trailers");
        if (reason.indexOf('\r') >= 0 || reason.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("CR or LF in the reason phrase");
        }
        if (file != null && body.length > 0) {
            throw new IllegalArgumentException("a response has either a body or a file, not both");
        }
    }

    /** A response with a byte body and no file. */
    public HttpResponse(int status, String reason, Headers headers, byte[] body, String version, Headers trailers) {
        this(status, reason, headers, body, version, trailers, null);
    }

    /** An HTTP/1.1 response with no trailers. */
    public HttpResponse(int status, String reason, Headers headers, byte[] body) {
        this(status, reason, headers, body, "HTTP/1.1", Headers.empty());
    }

    /** A response with the standard reason phrase, a {@code Content-Type} and a body. */
    public static HttpResponse of(int status, String contentType, byte[] body) {
        return new HttpResponse(status, reasonPhrase(status), Headers.of("Content-Type", contentType), body);
    }

    /** A {@code text/plain; charset=utf-8} response. */
    public static HttpResponse text(int status, String text) {
        return of(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /** A {@code text/html; charset=utf-8} response. */
    public static HttpResponse html(int status, String html) {
        return of(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A {@code 200} response whose body is {@code file}, for a server handler (aiohttp's {@code FileResponse}):
     * the {@code Content-Type} comes from the file name's extension ({@code application/octet-stream} when it is
     * unknown; set your own with {@link #withHeader} on a response made with {@link #file(Path, String)}). The
     * file is opened when the server sends the response, not here: then it gets a {@code Content-Length} of the
     * file's size and is sent with {@link io.github.asyncio4j.net.StreamWriter#sendfile} (zero-copy on a plain
     * connection, copied through TLS); a {@code HEAD} request gets the headers only. A file that does not exist
     * is answered {@code 404 Not Found}, one that is not a regular file or cannot be read {@code 403 Forbidden}.
     * If the file shrinks while it is sent, the connection is closed (the client sees a short body).
     *
     * @throws NullPointerException if {@code file} is null
     */
    public static HttpResponse file(Path file) {
        Objects.requireNonNull(file, "file");
        Path name = file.getFileName();
        return file(file, MediaTypes.forFileName(name == null ? "" : name.toString()));
    }

    /** Like {@link #file(Path)} with the given {@code Content-Type}. */
    public static HttpResponse file(Path file, String contentType) {
        Objects.requireNonNull(file, "file");
        return new HttpResponse(200, reasonPhrase(200), Headers.of("Content-Type", contentType), NO_BODY,
                "HTTP/1.1", Headers.empty(), file);
    }

    /** A redirect ({@code 301}, {@code 302}, {@code 303}, {@code 307} or {@code 308}) to {@code location}. */
    public static HttpResponse redirect(int status, String location) {
        if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
            throw new IllegalArgumentException("not a redirect status: " + status);
        }
        return new HttpResponse(status, reasonPhrase(status), Headers.of("Location", location), NO_BODY);
    }

    /** A response with no body and the standard reason phrase. */
    public static HttpResponse status(int status) {
        return new HttpResponse(status, reasonPhrase(status), Headers.empty(), NO_BODY);
    }

    /** A copy with one more header field. */
    public HttpResponse withHeader(String name, String value) {
        return new HttpResponse(status, reason, headers.with(name, value), body, version, trailers, file);
    }

    /** The first value of header {@code name} (any case), or null. */
    public String header(String name) {
        return headers.get(name);
    }

    /** The media type of {@code Content-Type}, lower-cased and without parameters ({@code text/html}), or null. */
    public String contentType() {
        String value = headers.get("Content-Type");
        if (value == null) {
            return null;
        }
        int semi = value.indexOf(';');
        String type = (semi >= 0 ? value.substring(0, semi) : value).trim().toLowerCase(Locale.ROOT);
        return type.isEmpty() ? null : type;
    }

    /** The {@code charset} parameter of {@code Content-Type}, or null when absent or unknown to this JVM. */
    public Charset charset() {
        String value = headers.get("Content-Type");
        if (value == null) {
            return null;
        }
        for (String param : value.split(";")) {
            int eq = param.indexOf('=');
            if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String name = param.substring(eq + 1).trim();
                if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                    name = name.substring(1, name.length() - 1);
                }
                try {
                    return Charset.forName(name);
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** The body decoded with {@link #charset()}, UTF-8 when none is given; malformed bytes become U+FFFD. */
    public String text() {
        Charset cs = charset();
        return new String(body, cs != null ? cs : StandardCharsets.UTF_8);
    }

    /** The {@code Location} header (as sent, possibly relative), or null. */
    public String location() {
        return headers.get("Location");
    }

    /** True for 301, 302, 303, 307 and 308 with a {@code Location}. */
    public boolean isRedirect() {
        return (status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
                && location() != null;
    }

    /** The standard reason phrase of {@code status}, or an empty string for codes without one. */
    public static String reasonPhrase(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 101 -> "Switching Protocols";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 206 -> "Partial Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "";
        };
    }

    @Override
    public String toString() {
        return "HttpResponse[" + version + " " + status + " " + reason + ", " + headers + ", "
                + (file != null ? "file " + file : body.length + " body bytes") + "]";
    }
}
