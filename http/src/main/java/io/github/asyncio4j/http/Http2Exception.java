package io.github.asyncio4j.http;

/**
 * An HTTP/2 error (RFC 9113 section 5.4) with its error code: a connection error (stream 0: the connection ends
 * with GOAWAY) or a stream error (the stream ends with RST_STREAM, the connection lives on). What a user of the
 * client sees is an {@link HttpProtocolException} whose message names the code.
 */
final class Http2Exception extends HttpProtocolException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final int streamId;

    Http2Exception(int code, int streamId, String message) {
        super("HTTP/2 " + Http2.errorName(code) + (streamId != 0 ? " on stream " + streamId : "") + ": " + message);
        this.code = code;
        this.streamId = streamId;
    }

    /** A connection error. */
    static Http2Exception connection(int code, String message) {
        return new Http2Exception(code, 0, message);
    }

    static Http2Exception protocol(String message) {
        return connection(Http2.PROTOCOL_ERROR, message);
    }

    static Http2Exception compression(String message) {
        return connection(Http2.COMPRESSION_ERROR, message);
    }

    /** A stream error on {@code streamId} (not 0). */
    static Http2Exception stream(int code, int streamId, String message) {
        return new Http2Exception(code, streamId, message);
    }

    int code() {
        return code;
    }

    /** The stream a stream error is about; 0 for a connection error. */
    int streamId() {
        return streamId;
    }

    boolean isConnectionError() {
        return streamId == 0;
    }
}
