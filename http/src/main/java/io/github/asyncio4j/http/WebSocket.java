package io.github.asyncio4j.http;

import static io.github.asyncio4j.http.WebSocketFrames.BINARY;
import static io.github.asyncio4j.http.WebSocketFrames.CLOSE;
import static io.github.asyncio4j.http.WebSocketFrames.CONTINUATION;
import static io.github.asyncio4j.http.WebSocketFrames.FIN;
import static io.github.asyncio4j.http.WebSocketFrames.MASK;
import static io.github.asyncio4j.http.WebSocketFrames.PING;
import static io.github.asyncio4j.http.WebSocketFrames.PONG;
import static io.github.asyncio4j.http.WebSocketFrames.RSV1;
import static io.github.asyncio4j.http.WebSocketFrames.RSV2;
import static io.github.asyncio4j.http.WebSocketFrames.RSV3;
import static io.github.asyncio4j.http.WebSocketFrames.TEXT;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.AsyncIterable;
import io.github.asyncio4j.AsyncIterator;
import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimerHandle;
import io.github.asyncio4j.net.Connection;
import io.github.asyncio4j.net.StreamReader;
import io.github.asyncio4j.net.StreamWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.zip.DataFormatException;

/**
 * A WebSocket connection (RFC 6455, with RFC 7692's permessage-deflate): messages both ways over one upgraded
 * HTTP/1.1 connection.
 *
 * <pre>{@code
 * WebSocket ws = await(client.websocket("ws://127.0.0.1:8080/chat"));        // a client
 * await(ws.send("hello"));
 * for (WebSocket.Message m : ws.each()) {       // until the server closes
 *     System.out.println(m.text());
 * }
 *
 * HttpHandler chat = request -> Coroutine.of(() -> {                         // a server's handler
 *     if (!request.isWebSocketUpgrade()) {
 *         return HttpResponse.text(400, "a WebSocket endpoint\n");
 *     }
 *     WebSocket ws = await(WebSocket.accept(request));
 *     for (WebSocket.Message m : ws.each()) {
 *         await(ws.send(m.text()));            // echo
 *     }
 *     return null;                             // the server closes the WebSocket when the handler returns
 * });
 * }</pre>
 *
 * <p><b>Reading.</b> Each WebSocket has one reader task that reads frames as they come: it answers pings with
 * pongs, reassembles fragmented messages (control frames may come between the fragments), checks every rule of
 * the protocol, and puts whole messages in an inbox of at most {@link Options#maxQueue} messages; while the inbox
 * is full it stops reading, so a peer that sends faster than the application receives is slowed by TCP.
 * {@link #receive()} takes the next message from the inbox. A {@code receive} that is cancelled, or expires
 * under {@link Async#timeout}, takes nothing: the connection stays open and the next {@code receive} gets the
 * next message. One task at a time may wait in {@code receive}.
 *
 * <p><b>Rules.</b> A peer that breaks the protocol gets a close frame with the code that names the fault, and
 * the connection is closed: {@link #PROTOCOL_ERROR} (1002) for reserved bits or opcodes, a fragmented or
 * oversized control frame, a continuation without a message or a new message inside a fragmented one, a client
 * frame without a mask or a server frame with one, an invalid close code; {@link #INVALID_DATA} (1007) for a
 * text message or close reason that is not UTF-8 (checked frame by frame, so a bad message fails at its first
 * bad frame) and for compressed data that does not inflate; {@link #MESSAGE_TOO_BIG} (1009) for a message over
 * {@link Options#maxMessageSize}, checked before the frame's payload is read and, for compressed messages, while
 * it inflates (a decompression bomb stops at the maximum).
 *
 * <p><b>Sending.</b> {@link #send(String)} and {@link #send(byte[])} queue the whole message (every fragment, if
 * {@link Options#fragmentSize} splits it) in one step, so messages sent by different tasks never interleave; then
 * they wait until the connection's write buffer is below its high-water mark. A send cancelled in that wait has
 * still sent its message. Clients mask every frame with a key from {@link SecureRandom}. A connection lost while
 * a send waits is a {@link WebSocketClosedException} (code {@link #ABNORMAL_CLOSURE}) with the I/O error as cause.
 *
 * <p><b>Closing.</b> {@link #close(int, String)} sends a close frame and waits until the closing handshake is
 * done and the TCP connection closed: the peer echoes the close frame, the server closes TCP first (a client waits
 * for that, then closes too). Whatever the peer does, the whole takes at most {@link Options#closeTimeout} from
 * the moment this side's close frame was queued: then the connection is cut ({@link #ABNORMAL_CLOSURE}, 1006,
 * when no close frame came back). A close frame from the peer is echoed with its code and reason. Messages received before
 * the close can still be taken with {@code receive}; after them it throws {@link WebSocketClosedException}. A
 * {@code close} whose awaiter is cancelled goes on without it, bounded by the same timeout.
 *
 * <p>Invariant: the reader task ends (and {@link #closeCode()} is set) exactly once, after which the socket is
 * closed, every waiter woken and the compressor's native memory freed; nothing it meets (a reset, a protocol
 * error, a cancellation) escapes to the loop's exception handler. Loop-confined.
 */
public final class WebSocket implements AutoCloseable {
    public static final int NORMAL_CLOSURE = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    public static final int UNSUPPORTED_DATA = 1003;
    /** Never sent: the code reported for a close frame without a code. */
    public static final int NO_STATUS = 1005;
    /** Never sent: the code reported when the connection ended without a close frame. */
    public static final int ABNORMAL_CLOSURE = 1006;
    public static final int INVALID_DATA = 1007;
    public static final int POLICY_VIOLATION = 1008;
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int MANDATORY_EXTENSION = 1010;
    public static final int INTERNAL_ERROR = 1011;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] EMPTY = new byte[0];
    /** Larger unmasked payloads are written after their header instead of copied into one frame array. */
    private static final int COPY_LIMIT = 16 * 1024;

    private final StreamReader in;
    private final StreamWriter out;
    private final boolean client;
    private final Options options;
    private final PerMessageDeflate deflate;
    private final String subprotocol;
    private final EventLoop loop;
    private final Task<Void> reader;
    /** Done once the reader task ended: the closing handshake finished or was cut, and the socket is closed. */
    private final Future<Void> closed;

    private final ArrayDeque<Message> inbox = new ArrayDeque<>();
    /** A {@code receive} waiting for a message, or null. */
    private Future<Void> receiver;
    /** The reader task waiting for room in the inbox, or null. */
    private Future<Void> room;
    private final ArrayDeque<PendingPing> pings = new ArrayDeque<>(0);
    private TimerHandle closeTimer;

    private boolean closeSent;
    private int sentCode;
    private String sentReason = "";
    /** Set by a close frame from the peer. */
    private int receivedCode;
    private String receivedReason;
    /** True once a protocol violation made this side send its close frame. */
    private boolean failed;
    /** True once no more message will come: the reader stopped reading frames. */
    private boolean ended;
    private int closeCode = -1;
    private String closeReason = "";

    // the reader task's state
    private final byte[] head = new byte[WebSocketFrames.MAX_HEADER];
    private final Utf8Validator utf8 = new Utf8Validator();
    private MessageReader.Accumulator message;
    private boolean messageText;
    private boolean messageCompressed;

    // a client's masking keys, drawn in batches
    private final byte[] masks;
    private int maskAt;

    /** Opens the WebSocket on {@code connection}, whose handshake is done, and starts its reader task. */
    WebSocket(Connection connection, boolean client, Options options, PerMessageDeflate deflate, String subprotocol) {
        this.in = connection.reader();
        this.out = connection.writer();
        this.client = client;
        this.options = options;
        this.deflate = deflate;
        this.subprotocol = subprotocol;
        this.masks = client ? new byte[256] : null;
        this.maskAt = client ? 256 : 0;
        this.loop = Async.getRunningLoop();
        this.closed = loop.createFuture();
        this.reader = loop.createTask(Coroutine.of(this::run),
                "websocket reader " + (client ? "(client)" : "(server)"));
    }

    /**
     * Accepts the WebSocket upgrade {@code request}, received by an {@link HttpServer} handler that is still
     * running, with default {@link Options}: sends the {@code 101 Switching Protocols} response, and returns the
     * WebSocket over the request's connection. From then on the handler owns the connection: the server sends no
     * response of its own, and when the handler returns it closes the WebSocket ({@link #NORMAL_CLOSURE}, or
     * {@link #INTERNAL_ERROR} if the handler threw) and then the connection.
     *
     * @throws WebSocketHandshakeException (when awaited) if the request is no valid upgrade; a {@code 400} (or
     *                                     {@code 426} for an unknown version) has then been sent
     * @throws IllegalStateException (when awaited) if {@code request} is not one a running handler received, or
     *                               was accepted already
     */
    public static Awaitable<WebSocket> accept(HttpRequest request) {
        return accept(request, Options.defaults());
    }

    /** {@link #accept(HttpRequest)} with the given options (subprotocols, compression, limits). */
    public static Awaitable<WebSocket> accept(HttpRequest request, Options options) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(options, "options");
        return () -> WebSocketUpgrade.accept(request, options);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Messages

    /** One message: text (valid UTF-8, checked on arrival) or binary. */
    public static final class Message {
        private final boolean text;
        private final byte[] bytes;
        private String decoded;

        Message(boolean text, byte[] bytes) {
            this.text = text;
            this.bytes = bytes;
        }

        /** A text message. */
        public static Message text(String text) {
            return new Message(true, text.getBytes(StandardCharsets.UTF_8));
        }

        /** A binary message (the array is not copied). */
        public static Message binary(byte[] bytes) {
            return new Message(false, Objects.requireNonNull(bytes, "bytes"));
        }

        public boolean isText() {
            return text;
        }

        /**
         * The text of a text message.
         *
         * @throws IllegalStateException for a binary message
         */
        public String text() {
            if (!text) {
                throw new IllegalStateException("a binary message (" + bytes.length + " bytes) has no text: use "
                        + "bytes()");
            }
            if (decoded == null) {
                decoded = new String(bytes, StandardCharsets.UTF_8);
            }
            return decoded;
        }

        /** The message's bytes: a text message's UTF-8. The array is not copied: do not change it. */
        public byte[] bytes() {
            return bytes;
        }

        @Override
        public String toString() {
            return text ? "Message[text, " + bytes.length + " bytes]" : "Message[binary, " + bytes.length + " bytes]";
        }
    }

    /**
     * Waits for the next message and takes it.
     *
     * @throws WebSocketClosedException (when awaited) once the connection closed and every message received
     *                                  before was taken
     * @throws IllegalStateException    (when awaited) if another task is waiting in {@code receive}
     */
    public Awaitable<Message> receive() {
        return this::receiveNow;
    }

    private Message receiveNow() {
        while (inbox.isEmpty()) {
            if (ended) {
                throw closedException("the WebSocket is closed");
            }
            if (receiver != null) {
                throw new IllegalStateException("another task is already waiting in receive() on " + this);
            }
            Future<Void> wait = loop.createFuture();
            receiver = wait;
            try {
                wait.await();
            } finally {
                receiver = null;
            }
        }
        Message m = inbox.poll();
        wake(room);
        return m;
    }

    /**
     * The messages as they come: an {@link AsyncIterable}, and in a task a plain {@link Iterable} whose
     * {@code hasNext()} awaits ({@code for (Message m : ws.each())}). The iteration ends when the connection
     * closes normally ({@link WebSocketClosedException#isNormal()}); any other close throws the
     * {@link WebSocketClosedException}.
     */
    public Messages each() {
        return new Messages();
    }

    /** See {@link #each()}. */
    public final class Messages implements AsyncIterable<Message>, Iterable<Message> {
        private Messages() {
        }

        @Override
        public AsyncIterator<Message> asyncIterator() {
            return new AsyncIterator<>() {
                private Message next;

                @Override
                public Awaitable<Boolean> hasNext() {
                    return () -> {
                        if (next != null) {
                            return true;
                        }
                        try {
                            next = receiveNow();
                            return true;
                        } catch (WebSocketClosedException e) {
                            if (e.isNormal()) {
                                return false;
                            }
                            throw e;
                        }
                    };
                }

                @Override
                public Message next() {
                    if (next == null) {
                        throw new NoSuchElementException("hasNext() was not awaited to true");
                    }
                    Message m = next;
                    next = null;
                    return m;
                }
            };
        }

        @Override
        public Iterator<Message> iterator() {
            return AsyncIterable.super.each().iterator();
        }
    }

    /** Sends a text message (see the class comment on sending). */
    public Awaitable<Void> send(String text) {
        Objects.requireNonNull(text, "text");
        return () -> {
            sendMessage(TEXT, text.getBytes(StandardCharsets.UTF_8));
            return null;
        };
    }

    /** Sends a binary message; the array must not change until the send completed. */
    public Awaitable<Void> send(byte[] data) {
        Objects.requireNonNull(data, "data");
        return () -> {
            sendMessage(BINARY, data);
            return null;
        };
    }

    /** Sends {@code message} as it is: text or binary. */
    public Awaitable<Void> send(Message message) {
        Objects.requireNonNull(message, "message");
        return () -> {
            sendMessage(message.isText() ? TEXT : BINARY, message.bytes());
            return null;
        };
    }

    private void sendMessage(int opcode, byte[] data) {
        requireOpen();
        boolean compressed = deflate != null;
        byte[] payload = compressed ? deflate.compress(data, 0, data.length) : data;
        int fragment = options.fragmentSize();
        if (fragment == 0 || payload.length <= fragment) {
            writeFrame(opcode, true, compressed, payload, 0, payload.length);
        } else {
            for (int off = 0; off < payload.length; off += fragment) {
                int n = Math.min(fragment, payload.length - off);
                writeFrame(off == 0 ? opcode : CONTINUATION, off + n == payload.length, compressed && off == 0,
                        payload, off, n);
            }
        }
        drain();
    }

    /** Waits for the write buffer; a connection lost meanwhile is a {@link WebSocketClosedException}. */
    private void drain() {
        try {
            out.drain().await();
        } catch (CancelledError e) {
            throw e;
        } catch (Throwable e) {
            if (e instanceof java.io.IOException) {
                throw new WebSocketClosedException("the connection was lost: " + e.getMessage(),
                        closeCode < 0 ? ABNORMAL_CLOSURE : closeCode, closeReason, e);
            }
            throw e;
        }
    }

    /**
     * Sends a ping and waits for its pong (a pong also answers every earlier ping). The payload is at most 125
     * bytes; it is checked now.
     *
     * @throws WebSocketClosedException (when awaited) if the connection closes first
     */
    public Awaitable<Void> ping(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        if (payload.length > WebSocketFrames.MAX_CONTROL_PAYLOAD) {
            throw new IllegalArgumentException("a ping's payload is at most 125 bytes: " + payload.length);
        }
        byte[] data = payload.clone();
        return () -> {
            requireOpen();
            PendingPing ping = new PendingPing(data, loop.createFuture());
            pings.addLast(ping);
            try {
                writeFrame(PING, true, false, data, 0, data.length);
                drain();
                if (!ping.answered.await()) {
                    throw closedException("the WebSocket closed before the pong came");
                }
            } finally {
                pings.remove(ping);
            }
            return null;
        };
    }

    private record PendingPing(byte[] payload, Future<Boolean> answered) {
    }

    /**
     * Starts the closing handshake with {@code code} and {@code reason} (unless a close already started) and
     * waits until it is done and the socket closed, at most {@link Options#closeTimeout} after the close frame
     * was queued. Arguments are checked now.
     *
     * @param code   1000-1003, 1007-1014 or 3000-4999
     * @param reason at most 123 bytes of UTF-8
     * @throws IllegalArgumentException for another code or a longer reason
     */
    public Awaitable<Void> close(int code, String reason) {
        checkClose(code, reason);
        return () -> {
            sendClose(code, reason);
            awaitClosed();
            return null;
        };
    }

    /** Starts a normal closure (1000) without waiting for it; the reader task finishes it (try-with-resources). */
    @Override
    public void close() {
        sendClose(NORMAL_CLOSURE, "");
    }

    /** Waits until the connection is closed (by either side), without starting a close. */
    public Awaitable<Void> waitClosed() {
        return () -> {
            awaitClosed();
            return null;
        };
    }

    /**
     * Waits for {@link #closed} through a shield: a cancelled waiter must not cancel the future every other
     * waiter (and {@link #isClosed()}) depends on.
     */
    private void awaitClosed() {
        if (!closed.isDone()) {
            Async.shield(closed).await();
        }
    }

    static void checkClose(int code, String reason) {
        Objects.requireNonNull(reason, "reason");
        if (!WebSocketFrames.isValidCloseCode(code)) {
            throw new IllegalArgumentException("invalid WebSocket close code " + code
                    + " (1000-1003, 1007-1014 or 3000-4999)");
        }
        int bytes = reason.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > WebSocketFrames.MAX_REASON_BYTES) {
            throw new IllegalArgumentException("a close reason is at most 123 bytes of UTF-8, not " + bytes);
        }
    }

    /**
     * The close code once the connection closed, -1 before: the code of the peer's close frame ({@link #NO_STATUS}
     * if it had none); without one, the code this side sent when the peer broke the protocol (1002, 1007, 1009);
     * else {@link #ABNORMAL_CLOSURE} (the connection ended without a close frame, or the peer did not answer ours
     * within the close timeout).
     */
    public int closeCode() {
        return closeCode;
    }

    /** The reason that goes with {@link #closeCode()}; empty while open or when none was given. */
    public String closeReason() {
        return closeReason;
    }

    /** True once the connection is closed. */
    public boolean isClosed() {
        return closed.isDone();
    }

    /** The subprotocol the server chose among those offered, or null. */
    public String subprotocol() {
        return subprotocol;
    }

    /** True when permessage-deflate was negotiated. */
    public boolean isCompressed() {
        return deflate != null;
    }

    /** This side's end of the connection: true for a client. */
    public boolean isClient() {
        return client;
    }

    @Override
    public String toString() {
        return "<WebSocket " + (client ? "client" : "server") + (closed.isDone() ? " closed " + closeCode
                : closeSent ? " closing" : " open") + " " + out.peerAddress() + ">";
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writing frames

    private void requireOpen() {
        if (closeSent || ended) {
            throw closedException("the WebSocket is " + (closed.isDone() ? "closed" : "closing"));
        }
    }

    private WebSocketClosedException closedException(String what) {
        return new WebSocketClosedException(what + (closeCode < 0 ? "" : " (code " + closeCode
                + (closeReason.isEmpty() ? "" : ", reason \"" + closeReason + "\"") + ")"), closeCode, closeReason);
    }

    private void writeFrame(int opcode, boolean fin, boolean rsv1, byte[] payload, int off, int len) {
        if (client) {
            out.write(WebSocketFrames.encode(opcode, fin, rsv1, payload, off, len, true, nextMask()));
        } else if (len <= COPY_LIMIT) {
            out.write(WebSocketFrames.encode(opcode, fin, rsv1, payload, off, len, false, 0));
        } else {
            out.write(WebSocketFrames.header(opcode, fin, rsv1, len));
            out.write(payload, off, len);
        }
    }

    private int nextMask() {
        if (maskAt == masks.length) {
            RANDOM.nextBytes(masks);
            maskAt = 0;
        }
        int k = (masks[maskAt] & 0xff) << 24 | (masks[maskAt + 1] & 0xff) << 16 | (masks[maskAt + 2] & 0xff) << 8
                | masks[maskAt + 3] & 0xff;
        maskAt += 4;
        return k;
    }

    /** Queues this side's close frame once, and arms the close timeout. */
    private void sendClose(int code, String reason) {
        if (closeSent || ended) {
            return;
        }
        closeSent = true;
        sentCode = code;
        sentReason = reason;
        byte[] payload = WebSocketFrames.closePayload(code, reason);
        writeFrame(CLOSE, true, false, payload, 0, payload.length);
        armCloseTimer();
        wake(room);   // a reader waiting for room must go on reading, to see the peer's close frame
    }

    private void armCloseTimer() {
        if (closeTimer == null && !options.closeTimeout().isZero()) {
            closeTimer = loop.callLater(options.closeTimeout(), out::abort);
        }
    }

    private static void wake(Future<Void> f) {
        if (f != null && !f.isDone()) {
            f.setResult(null);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The reader task

    /** A peer's protocol violation: the close code this side answers with, and what was wrong. */
    private static final class Violation extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int code;

        Violation(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private Void run() {
        try {
            try {
                readFrames();
            } catch (Violation v) {
                failed = true;
                sendClose(v.code, truncate(v.getMessage()));
            }
            endOfMessages();
            closeTcp();
        } catch (CancelledError e) {
            out.abort();
            throw e;
        } catch (Throwable e) {   // a reset, or a TLS failure: the connection is gone
            out.abort();
        } finally {
            finish();
        }
        return null;
    }

    private static String truncate(String reason) {
        byte[] b = reason.getBytes(StandardCharsets.UTF_8);
        return b.length <= WebSocketFrames.MAX_REASON_BYTES ? reason : reason.substring(0, 60);
    }

    /** Reads frames until the peer's close frame (handled) or the end of the stream. */
    private void readFrames() {
        while (true) {
            if (!readFully(head, 0, 2)) {
                return;
            }
            int b0 = head[0] & 0xff;
            int b1 = head[1] & 0xff;
            if (!readFully(head, 2, WebSocketFrames.extraHeaderBytes(b1))) {
                return;
            }
            int opcode = b0 & 0x0f;
            boolean fin = (b0 & FIN) != 0;
            boolean rsv1 = (b0 & RSV1) != 0;
            if ((b0 & (RSV2 | RSV3)) != 0) {
                throw new Violation(PROTOCOL_ERROR, "reserved bit RSV2 or RSV3 set");
            }
            if (!WebSocketFrames.isKnown(opcode)) {
                throw new Violation(PROTOCOL_ERROR, "reserved opcode " + opcode);
            }
            boolean masked = (b1 & MASK) != 0;
            if (masked == client) {
                throw new Violation(PROTOCOL_ERROR, client ? "a masked frame from the server"
                        : "an unmasked frame from the client");
            }
            long length = WebSocketFrames.payloadLength(head);
            if (length < 0) {
                throw new Violation(PROTOCOL_ERROR, "a payload length with its most significant bit set");
            }
            int key = masked ? WebSocketFrames.maskKey(head) : 0;
            if (WebSocketFrames.isControl(opcode)) {
                if (!fin || length > WebSocketFrames.MAX_CONTROL_PAYLOAD || rsv1) {
                    throw new Violation(PROTOCOL_ERROR, !fin ? "a fragmented control frame"
                            : rsv1 ? "RSV1 set on a control frame" : "a control frame of more than 125 bytes");
                }
                byte[] payload = readPayload((int) length, masked, key);
                if (payload == null) {
                    return;
                }
                if (opcode == CLOSE) {
                    closeReceived(payload);
                    return;
                } else if (opcode == PING) {
                    if (!closeSent) {
                        writeFrame(PONG, true, false, payload, 0, payload.length);
                        out.drain().await();
                    }
                } else {
                    pongReceived(payload);
                }
                continue;
            }
            if (opcode == CONTINUATION) {
                if (message == null) {
                    throw new Violation(PROTOCOL_ERROR, "a continuation frame without a message to continue");
                }
                if (rsv1) {
                    throw new Violation(PROTOCOL_ERROR, "RSV1 set on a continuation frame");
                }
            } else {
                if (message != null) {
                    throw new Violation(PROTOCOL_ERROR, "a new message inside a fragmented one");
                }
                if (rsv1 && deflate == null) {
                    throw new Violation(PROTOCOL_ERROR, "RSV1 set without permessage-deflate");
                }
                message = new MessageReader.Accumulator(options.maxMessageSize(), "message");
                messageText = opcode == TEXT;
                messageCompressed = rsv1;
                utf8.reset();
            }
            long limit = options.maxMessageSize();
            // a compressed frame may be a little larger than what it inflates to (deflate's stored blocks)
            if (messageCompressed ? length > limit + (limit >> 10) + 64 : message.size + length > limit) {
                throw new Violation(MESSAGE_TOO_BIG, "a message of more than " + limit + " bytes");
            }
            byte[] payload = readPayload((int) length, masked, key);
            if (payload == null) {
                return;
            }
            if (messageCompressed) {
                boolean valid;
                try {
                    valid = deflate.inflate(payload, fin, message, messageText ? utf8 : null);
                } catch (DataFormatException e) {
                    throw new Violation(INVALID_DATA, "compressed data that does not inflate");
                } catch (BodyTooLargeException e) {
                    throw new Violation(MESSAGE_TOO_BIG, "a message of more than " + limit + " bytes inflated");
                }
                if (!valid) {
                    throw new Violation(INVALID_DATA, "a text message that is not UTF-8");
                }
            } else {
                if (messageText && !utf8.feed(payload, 0, payload.length)) {
                    throw new Violation(INVALID_DATA, "a text message that is not UTF-8");
                }
                message.addOwned(payload);
            }
            if (fin) {
                if (messageText && !utf8.complete()) {
                    throw new Violation(INVALID_DATA, "a text message that ends inside a UTF-8 sequence");
                }
                Message m = new Message(messageText, message.toArray());
                message = null;
                deliver(m);
            }
        }
    }

    /** Reads {@code len} bytes into {@code b} at {@code off}; false at the end of the stream. */
    private boolean readFully(byte[] b, int off, int len) {
        while (len > 0) {
            int n = in.readInto(b, off, len).await();
            if (n == 0) {
                return false;
            }
            off += n;
            len -= n;
        }
        return true;
    }

    /** A frame's payload, unmasked; null at the end of the stream. */
    private byte[] readPayload(int length, boolean masked, int key) {
        if (length == 0) {
            return EMPTY;
        }
        byte[] p = new byte[length];
        if (!readFully(p, 0, length)) {
            return null;
        }
        if (masked) {
            WebSocketFrames.mask(p, 0, length, key, 0);
        }
        return p;
    }

    /** Puts a message in the inbox, waiting for room while open; once closing, one that does not fit is dropped. */
    private void deliver(Message m) {
        while (inbox.size() >= options.maxQueue() && !closeSent) {
            Future<Void> wait = loop.createFuture();
            room = wait;
            try {
                wait.await();
            } finally {
                room = null;
            }
        }
        if (inbox.size() < options.maxQueue()) {
            inbox.addLast(m);
            wake(receiver);
        }
    }

    private void pongReceived(byte[] payload) {
        int i = 0;
        for (PendingPing p : pings) {
            i++;
            if (Arrays.equals(p.payload(), payload)) {
                for (int k = 0; k < i; k++) {   // a pong answers its ping and every earlier one
                    PendingPing answered = pings.pollFirst();
                    if (!answered.answered().isDone()) {
                        answered.answered().setResult(true);
                    }
                }
                return;
            }
        }
    }

    private void closeReceived(byte[] payload) {
        int code;
        String reason = "";
        if (payload.length == 0) {
            code = NO_STATUS;
        } else if (payload.length == 1) {
            throw new Violation(PROTOCOL_ERROR, "a close frame with a 1-byte payload");
        } else {
            code = (payload[0] & 0xff) << 8 | payload[1] & 0xff;
            if (!WebSocketFrames.isValidCloseCode(code)) {
                throw new Violation(PROTOCOL_ERROR, "invalid close code " + code);
            }
            Utf8Validator v = new Utf8Validator();
            if (!v.feed(payload, 2, payload.length - 2) || !v.complete()) {
                throw new Violation(INVALID_DATA, "a close reason that is not UTF-8");
            }
            reason = new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
        receivedCode = code;
        receivedReason = reason;
        sendClose(code, reason);   // the echo (an empty one for NO_STATUS), unless this side closed first
    }

    /** No more frames will be read: fixes the close code and wakes a waiting receive. */
    private void endOfMessages() {
        if (ended) {
            return;
        }
        ended = true;
        message = null;
        if (receivedReason != null) {
            closeCode = receivedCode;
            closeReason = receivedReason;
        } else if (failed) {
            closeCode = sentCode;
            closeReason = sentReason;
        } else {
            closeCode = ABNORMAL_CLOSURE;
            closeReason = "";
        }
        wake(receiver);
        for (PendingPing p : pings) {
            if (!p.answered().isDone()) {
                p.answered().setResult(false);
            }
        }
    }

    /**
     * Closes TCP as RFC 6455 section 7.1.1 says: the server first (and a side that failed the connection), by
     * half-closing (a FIN after the close frame; TLS: close_notify), then reading to the peer's end so that unread
     * bytes do not turn the close into a reset that could destroy the close frame; a client after the server's
     * end. Bounded by the close timer.
     */
    private void closeTcp() {
        armCloseTimer();
        if (!client || failed) {
            if (out.canWriteEof()) {
                out.writeEof();
            } else {
                out.close();
            }
        }
        while (in.read(64 * 1024).await().length > 0) {
            // discard whatever comes before the peer's end
        }
        out.close();
        try {
            out.waitClosed().await();
        } catch (CancelledError e) {
            throw e;
        } catch (Throwable e) {
            // closed by an error (a reset): closed all the same
        }
    }

    private void finish() {
        endOfMessages();
        if (closeTimer != null) {
            closeTimer.cancel();
        }
        wake(room);
        if (deflate != null) {
            deflate.end();
        }
        if (!closed.isDone()) {
            closed.setResult(null);
        }
    }

    /** Used by the server: ends the WebSocket its handler left, and waits until the connection is closed. */
    void endAfterHandler(boolean handlerFailed) {
        sendClose(handlerFailed ? INTERNAL_ERROR : NORMAL_CLOSURE, "");
        awaitClosed();
    }

    /** Used by the server when it shuts down: a going-away close, finished by the reader task. */
    void goAway() {
        sendClose(GOING_AWAY, "server shutting down");
    }

    /** The reader task (for tests). */
    Task<Void> readerTask() {
        return reader;
    }

    /**
     * Settings of a WebSocket, client or server; immutable, each {@code with...} returns a changed copy.
     *
     * @param maxMessageSize the largest message received, after decompression (default 1 MiB; more: 1009)
     * @param compression    offer (client) or accept (server) permessage-deflate (default true)
     * @param closeTimeout   the longest the closing handshake may take once this side's close frame is queued
     *                       (default 10 s; zero: no bound)
     * @param subprotocols   the subprotocols a client offers, or a server accepts, in order of preference
     * @param fragmentSize   messages (after compression) longer than this are sent in frames of this size
     *                       (default 0: never fragmented)
     * @param maxQueue       received messages kept until {@code receive} takes them (default 16)
     * @param headers        extra handshake request headers of a client ({@code Origin}, {@code Authorization},
     *                       cookies); a server ignores them
     */
    public record Options(int maxMessageSize, boolean compression, Duration closeTimeout, List<String> subprotocols,
                          int fragmentSize, int maxQueue, Headers headers) {
        private static final Options DEFAULTS = new Options(1 << 20, true, Duration.ofSeconds(10), List.of(), 0, 16,
                Headers.empty());

        public Options {
            if (maxMessageSize <= 0 || maxMessageSize > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("maxMessageSize out of range (1 byte to 2 GiB): " + maxMessageSize);
            }
            Objects.requireNonNull(closeTimeout, "closeTimeout");
            if (closeTimeout.isNegative()) {
                throw new IllegalArgumentException("negative closeTimeout: " + closeTimeout);
            }
            subprotocols = List.copyOf(subprotocols);
            for (String p : subprotocols) {
                if (p.isEmpty() || !p.chars().allMatch(c -> Http1.isTokenChar((char) c))) {
                    throw new IllegalArgumentException("a subprotocol is a token: \"" + p + "\"");
                }
            }
            if (fragmentSize < 0) {
                throw new IllegalArgumentException("negative fragmentSize: " + fragmentSize);
            }
            if (maxQueue <= 0) {
                throw new IllegalArgumentException("maxQueue must be positive: " + maxQueue);
            }
            Objects.requireNonNull(headers, "headers");
        }

        public static Options defaults() {
            return DEFAULTS;
        }

        public Options withMaxMessageSize(int bytes) {
            return new Options(bytes, compression, closeTimeout, subprotocols, fragmentSize, maxQueue, headers);
        }

        public Options withCompression(boolean on) {
            return new Options(maxMessageSize, on, closeTimeout, subprotocols, fragmentSize, maxQueue, headers);
        }

        public Options withCloseTimeout(Duration timeout) {
            return new Options(maxMessageSize, compression, timeout, subprotocols, fragmentSize, maxQueue, headers);
        }

        public Options withSubprotocols(String... protocols) {
            return new Options(maxMessageSize, compression, closeTimeout, List.of(protocols), fragmentSize, maxQueue,
                    headers);
        }

        public Options withFragmentSize(int bytes) {
            return new Options(maxMessageSize, compression, closeTimeout, subprotocols, bytes, maxQueue, headers);
        }

        public Options withMaxQueue(int messages) {
            return new Options(maxMessageSize, compression, closeTimeout, subprotocols, fragmentSize, messages,
                    headers);
        }

        public Options withHeader(String name, String value) {
            return new Options(maxMessageSize, compression, closeTimeout, subprotocols, fragmentSize, maxQueue,
                    headers.with(name, value));
        }
    }
}
