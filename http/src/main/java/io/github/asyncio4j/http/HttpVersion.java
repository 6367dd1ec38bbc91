package io.github.asyncio4j.http;

/** Which HTTP an {@link HttpClient} speaks (see {@link HttpClient.Builder#version}). */
public enum HttpVersion {
    /** HTTP/1.1 only. */
    HTTP_1_1,
    /**
     * HTTP/2: over TLS negotiated by ALPN ({@code h2}; a server that only offers {@code http/1.1} is spoken to in
     * HTTP/1.1), and on plain {@code http} connections with prior knowledge (h2c: the server must speak HTTP/2).
     */
    HTTP_2,
    /** HTTP/2 where TLS's ALPN agrees on {@code h2}, else HTTP/1.1; plain {@code http} stays HTTP/1.1 (default). */
    AUTO
}
