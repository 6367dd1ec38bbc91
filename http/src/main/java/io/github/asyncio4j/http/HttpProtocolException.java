package io.github.asyncio4j.http;

/**
 * The peer broke HTTP/1.1: a bad status or request line, a bad header line, a bad chunk size, a body shorter than
 * its {@code Content-Length}, a connection closed early, a header section over the limit, an undecodable
 * gzip/deflate body. The message names the problem. The client never reuses the connection it happened on.
 */
public class HttpProtocolException extends HttpException {
    private static final long serialVersionUID = 1L;

    public HttpProtocolException(String message) {
        super(message);
    }

    public HttpProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
