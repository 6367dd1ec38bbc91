package io.github.asyncio4j.http;

import java.util.Locale;
import java.util.Map;

/**
 * A file name's media type by its extension, for {@link HttpResponse#file(java.nio.file.Path)}: a fixed table of
 * the types a web server serves most (what nginx's {@code mime.types} says for them), so the answer does not
 * depend on the machine. Text types carry {@code charset=utf-8}, as the server's other text responses do.
 */
final class MediaTypes {
    /** What an unknown extension is sent as (RFC 9110 section 8.3: the recipient may then sniff or save it). */
    static final String OCTET_STREAM = "application/octet-stream";

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("csv", "text/csv; charset=utf-8"),
            Map.entry("md", "text/markdown; charset=utf-8"),
            Map.entry("xml", "application/xml"),
            Map.entry("json", "application/json"),
            Map.entry("pdf", "application/pdf"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"),
            Map.entry("warc", "application/warc"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"),
            Map.entry("mp3", "audio/mpeg"));

    private MediaTypes() {
    }

    /** The media type for {@code fileName} ({@code "index.HTML"}: text/html), {@link #OCTET_STREAM} if unknown. */
    static String forFileName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0 || dot == fileName.length() - 1) {
            return OCTET_STREAM;
        }
        return BY_EXTENSION.getOrDefault(fileName.substring(dot + 1).toLowerCase(Locale.ROOT), OCTET_STREAM);
    }
}
