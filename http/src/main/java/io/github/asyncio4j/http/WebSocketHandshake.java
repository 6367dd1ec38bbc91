package io.github.asyncio4j.http;

import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.net.Connection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The WebSocket opening handshake (RFC 6455 section 4): the client's request and its check of the server's
 * {@code 101} response, and the values a server computes. The server's side of the exchange is
 * {@link WebSocketUpgrade}.
 */
final class WebSocketHandshake {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebSocketHandshake() {
    }

    /** {@code Sec-WebSocket-Accept} for {@code key}: the base64 SHA-1 of the key and the protocol's GUID. */
    static String acceptValue(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-1 in this JVM", e);
        }
    }

    /** True for a {@code Sec-WebSocket-Key}: 16 bytes, base64-encoded. */
    static boolean isValidKey(String key) {
        if (key == null || key.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The subprotocols a client offered, in its order. */
    static List<String> offeredSubprotocols(Headers headers) {
        List<String> offered = new ArrayList<>();
        for (String value : headers.getAll("Sec-WebSocket-Protocol")) {
            for (String p : value.split(",")) {
                if (!p.isBlank()) {
                    offered.add(p.trim());
                }
            }
        }
        return offered;
    }

    /**
     * The client's side: connects to {@code url} ({@code ws://} or {@code wss://}) with {@code client}'s
     * connection settings, sends the upgrade request, checks the response, and returns the open WebSocket.
     * The URL is checked now.
     */
    static Coroutine<WebSocket> connect(HttpClient client, String url, WebSocket.Options options) {
        URI uri = URI.create(url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("a WebSocket URL starts with ws:// or wss://: " + url);
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("a WebSocket URL has no fragment (#...): " + url);
        }
        Origin origin = Origin.of(URI.create((scheme.equals("wss") ? "https" : "http")
                + uri.toASCIIString().substring(scheme.length())));
        String path = uri.getRawPath();
        String target = (path == null || path.isEmpty() ? "/" : path)
                + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        StringBuilder head = new StringBuilder(256);
        head.append("GET ").append(target).append(" HTTP/1.1\r\n");
        Headers extra = options.headers();
        if (!extra.contains("Host")) {
            Http1.appendField(head, "Host", origin.hostHeader());
        }
        Http1.appendField(head, "Upgrade", "websocket");
        Http1.appendField(head, "Connection", "Upgrade");
        Http1.appendField(head, "Sec-WebSocket-Key", key);
        Http1.appendField(head, "Sec-WebSocket-Version", "13");
        if (!options.subprotocols().isEmpty()) {
            Http1.appendField(head, "Sec-WebSocket-Protocol", String.join(", ", options.subprotocols()));
        }
        if (options.compression()) {
            Http1.appendField(head, "Sec-WebSocket-Extensions", PerMessageDeflate.CLIENT_OFFER);
        }
        if (!extra.contains("User-Agent") && client.userAgent() != null) {
            Http1.appendField(head, "User-Agent", client.userAgent());
        }
        Http1.appendFields(head, extra);
        head.append("\r\n");
        byte[] request = Http1.latin1(head);
        return Coroutine.of(() -> {
            Connection c = client.connectForUpgrade(origin);
            try {
                MessageReader in = new MessageReader(c.reader(), client.readTimeout(), client.maxHeaderBytes());
                Headers response = in.guarded(() -> {
                    c.writer().write(request);
                    in.nowDoing("sending the WebSocket handshake");
                    c.writer().drain().await();
                    String line = in.readHeadLine("the status line", 0);
                    if (line == null) {
                        throw new WebSocketHandshakeException("the server closed the connection instead of "
                                + "answering the WebSocket handshake", 0);
                    }
                    Http1.StatusLine status = Http1.parseStatusLine(line);
                    Headers headers = in.readFields("the response headers", line.length() + 2L);
                    if (status.status() != 101) {
                        throw new WebSocketHandshakeException("the server answered " + status.status() + " "
                                + status.reason() + " instead of 101 Switching Protocols to " + url,
                                status.status());
                    }
                    return headers;
                });
                return open(c, response, key, options);
            } catch (Throwable e) {
                c.writer().abort();
                throw e;
            }
        });
    }

    private static WebSocket open(Connection c, Headers response, String key, WebSocket.Options options) {
        if (!response.hasToken("Upgrade", "websocket") || !response.hasToken("Connection", "upgrade")) {
            throw new WebSocketHandshakeException("the server's 101 response lacks Upgrade: websocket or "
                    + "Connection: upgrade", 101);
        }
        String accept = response.get("Sec-WebSocket-Accept");
        if (accept == null || !accept.trim().equals(acceptValue(key))) {
            throw new WebSocketHandshakeException("wrong Sec-WebSocket-Accept from the server: " + accept, 101);
        }
        List<String> extensions = response.getAll("Sec-WebSocket-Extensions");
        PerMessageDeflate deflate = null;
        if (!extensions.isEmpty()) {
            if (!options.compression()) {
                throw new WebSocketHandshakeException("the server answered with extensions that were not offered: "
                        + String.join(", ", extensions), 101);
            }
            deflate = PerMessageDeflate.acceptAsClient(extensions);
        }
        String protocol = response.get("Sec-WebSocket-Protocol");
        if (protocol != null) {
            protocol = protocol.trim();
            if (!options.subprotocols().contains(protocol)) {
                throw new WebSocketHandshakeException("the server chose a subprotocol that was not offered: "
                        + protocol, 101);
            }
        }
        return new WebSocket(c, true, options, deflate, protocol);
    }
}
