package io.github.asyncio4j.http;

/** The base of this package's HTTP failures (a timeout is an {@link HttpTimeoutException} instead). */
public class HttpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HttpException(String message) {
        super(message);
    }

    public HttpException(String message, Throwable cause) {
        super(message, cause);
    }
}
