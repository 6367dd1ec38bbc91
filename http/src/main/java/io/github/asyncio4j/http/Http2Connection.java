package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.net.IncompleteReadError;
import io.github.asyncio4j.net.StreamReader;
import io.github.asyncio4j.net.StreamWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP/2 connection (RFC 9113), client or server side: frames in and out, stream states, flow control both
 * ways, SETTINGS, PING, GOAWAY, RST_STREAM, and the limits that answer known attacks. It owns no task: the
 * connection's {@link #run} loop reads and dispatches frames (the server runs it in the connection's task, the
 * client in a task of its own), and each stream is driven by one task of its user (a client request, a server
 * handler), which waits on its {@link Http2Stream} and writes through {@link #writeHeaders} / {@link #writeData}.
 *
 * <p><b>Flow control.</b> Receiving: each stream may have {@link Config#streamWindow} bytes in flight or unread;
 * the stream's task gives them back (WINDOW_UPDATE) as it takes them, so a slow reader holds back only its own
 * stream. The connection window is returned as DATA arrives (the per-stream windows bound what is buffered), so
 * one stalled stream never stops the others. Sending: {@link #writeData} sends what both windows allow and waits
 * for WINDOW_UPDATE (and for the socket to drain) before more, so a large body is never buffered whole.
 *
 * <p><b>Limits.</b> Frames over our SETTINGS_MAX_FRAME_SIZE, header blocks over {@link Config#maxHeaderBlock}
 * bytes or {@link #MAX_CONTINUATIONS} CONTINUATION frames (the 2024 CONTINUATION flood), decoded header lists
 * over SETTINGS_MAX_HEADER_LIST_SIZE (the stream is refused, the HPACK state kept in step), and more than
 * {@link #FLOOD_LIMIT} resets (CVE-2023-44487's rapid reset), SETTINGS, PINGs, empty DATA frames or refused
 * streams in {@link #FLOOD_WINDOW_SECONDS}, or a peer that does not read our replies (more than
 * {@link #MAX_QUEUED_CONTROL} bytes queued), end the connection with GOAWAY (ENHANCE_YOUR_CALM for the floods).
 *
 * <p>Never throws to the loop: every failure of the peer ends in GOAWAY or RST_STREAM with its code, and every
 * stream still open then fails with the reason. Loop-confined.
 */
final class Http2Connection {
    static final int MAX_CONTINUATIONS = 64;
    static final int FLOOD_LIMIT = 200;
    static final double FLOOD_WINDOW_SECONDS = 10;
    static final int MAX_QUEUED_CONTROL = 1 << 20;
    /** The connection-level receive window we announce right after the preface. */
    private static final int CONNECTION_WINDOW = 1 << 24;

    /** What this side announces and enforces. */
    record Config(boolean server, int maxConcurrentStreams, int streamWindow, int maxHeaderListSize,
                  int maxHeaderBlock) {
    }

    /** What a server does with a stream the peer opened. */
    interface StreamListener {
        /** A request's header section arrived on a new stream; start its task. */
        void onStream(Http2Connection connection, Http2Stream stream);
    }

    /** DATA pieces up to this size are copied into {@link #pending}; larger ones are written as they are. */
    private static final int COPY_LIMIT = 4096;

    private final Config config;
    private final StreamReader in;
    private final StreamWriter out;
    private final StreamListener listener;
    private final EventLoop loop;
    private final StreamTable streams = new StreamTable();
    private final Hpack.Decoder decoder;
    private final Hpack.Encoder encoder = new Hpack.Encoder();
    private final ByteSink block = new ByteSink(256);
    /** Frames queued in this pass of the loop, sent in one socket write by {@link #flush}. */
    private final ByteSink pending = new ByteSink(4096);
    private boolean flushScheduled;
    private final byte[] header = new byte[Http2.FRAME_HEADER];

    private int peerMaxFrameSize = Http2.DEFAULT_MAX_FRAME_SIZE;
    private long peerInitialWindow = Http2.DEFAULT_WINDOW;
    private long peerMaxConcurrent = Long.MAX_VALUE;
    private long sendWindow = Http2.DEFAULT_WINDOW;
    private long recvWindow = Http2.DEFAULT_WINDOW;
    private final List<Http2Stream> windowWaiters = new ArrayList<>();
    private boolean settingsReceived;

    private int nextStreamId;
    private int lastPeerStreamId;
    /** Streams opened by us or the peer and not yet closed. */
    private int localActive;
    /** Streams whose task (a server handler) still runs: what the concurrency limit counts. */
    private int peerActive;
    /** The last-stream-id of a GOAWAY we received, or -1. */
    private int goAwayReceived = -1;
    private boolean goAwaySent;
    private RuntimeException failure;
    private final Future<Void> closed;
    private final Future<Void> firstSettings;
    private double idleSince;
    /** When the last frame arrived (loop time). */
    private double lastReceived;
    private Future<Void> pingAck;
    private int pingsSent;

    // what a header block in progress (HEADERS then CONTINUATION) has gathered
    private int continuingStream;
    private int continuingFlags;
    private int continuations;
    private final ByteSink headerBlock = new ByteSink(256);

    private final Flood resets = new Flood("stream resets");
    private final Flood settingsFlood = new Flood("SETTINGS frames");
    private final Flood pings = new Flood("PING frames");
    private final Flood emptyData = new Flood("empty DATA frames");
    private final Flood refused = new Flood("refused streams");

    Http2Connection(Config config, StreamReader in, StreamWriter out, StreamListener listener) {
        this.config = config;
        this.in = in;
        this.out = out;
        this.listener = listener;
        this.loop = Async.getRunningLoop();
        this.decoder = new Hpack.Decoder(Http2.DEFAULT_HEADER_TABLE_SIZE, config.maxHeaderListSize());
        this.nextStreamId = config.server() ? 2 : 1;
        this.closed = loop.createFuture();
        this.firstSettings = loop.createFuture();
        this.idleSince = loop.time();
        this.lastReceived = idleSince;
    }

    int streamWindow() {
        return config.streamWindow();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The reader loop

    /**
     * Sends our preface and SETTINGS, then reads and dispatches frames until the peer closes, a connection error
     * ends it, or the task running it is cancelled; then fails what is left open and closes the socket. Never
     * throws but {@link CancelledError}.
     *
     * @param prefaceRead a server whose HTTP/1.1 parser already took the client's preface
     */
    void run(boolean prefaceRead) {
        try {
            start();
            if (config.server() && !prefaceRead) {
                byte[] preface = await(in.readExactly(Http2.PREFACE.length));
                if (!java.util.Arrays.equals(preface, Http2.PREFACE)) {
                    throw Http2Exception.protocol("the client's connection preface is missing");
                }
            }
            while (readFrame()) {
                // next frame
            }
            fail(new HttpProtocolException("HTTP/2 connection closed by the peer"), false);
        } catch (Http2Exception e) {
            goAway(e.code(), e.getMessage());
            fail(e, true);
        } catch (IncompleteReadError e) {
            fail(new HttpProtocolException("HTTP/2 connection closed by the peer in the middle of a frame"), true);
        } catch (CancelledError e) {
            fail(new HttpProtocolException("HTTP/2 connection closed"), true);
            throw e;
        } catch (RuntimeException e) {   // IOException too (undeclared): the socket failed
            fail(e, true);
        } finally {
            closeSocket();
        }
    }

    private void start() {
        ByteSink s = new ByteSink(64);
        if (!config.server()) {
            s.write(Http2.PREFACE, 0, Http2.PREFACE.length);
        }
        int settings = config.server() ? 4 : 5;
        frameHeader(s, 6 * settings, Http2.SETTINGS, 0, 0);
        setting(s, Http2.SETTINGS_MAX_CONCURRENT_STREAMS, config.maxConcurrentStreams());
        setting(s, Http2.SETTINGS_INITIAL_WINDOW_SIZE, config.streamWindow());
        setting(s, Http2.SETTINGS_MAX_HEADER_LIST_SIZE, config.maxHeaderListSize());
        setting(s, Http2.SETTINGS_MAX_FRAME_SIZE, Http2.DEFAULT_MAX_FRAME_SIZE);
        if (!config.server()) {
            setting(s, Http2.SETTINGS_ENABLE_PUSH, 0);
        }
        frameHeader(s, 4, Http2.WINDOW_UPDATE, 0, 0);
        int32(s, CONNECTION_WINDOW - Http2.DEFAULT_WINDOW);
        recvWindow = CONNECTION_WINDOW;
        emit(s.array(), 0, s.size());
    }

    /** Reads one frame and acts on it; false at a clean EOF between frames. */
    private boolean readFrame() {
        int n = await(in.readInto(header, 0, Http2.FRAME_HEADER));
        if (n == 0) {
            return false;
        }
        while (n < Http2.FRAME_HEADER) {
            int more = await(in.readInto(header, n, Http2.FRAME_HEADER - n));
            if (more == 0) {
                throw new IncompleteReadError(new byte[0], Http2.FRAME_HEADER);
            }
            n += more;
        }
        int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
        int type = header[3] & 0xff;
        int flags = header[4] & 0xff;
        int streamId = ((header[5] & 0x7f) << 24) | (header[6] & 0xff) << 16 | (header[7] & 0xff) << 8
                | header[8] & 0xff;
        if (length > Http2.DEFAULT_MAX_FRAME_SIZE) {
            throw Http2Exception.connection(Http2.FRAME_SIZE_ERROR, "a " + Http2.frameName(type) + " frame of "
                    + length + " bytes, over our SETTINGS_MAX_FRAME_SIZE of " + Http2.DEFAULT_MAX_FRAME_SIZE);
        }
        byte[] payload = await(in.readExactly(length));
        lastReceived = loop.time();
        if (!settingsReceived && type != Http2.SETTINGS) {
            throw Http2Exception.protocol("the peer's first frame is " + Http2.frameName(type) + ", not SETTINGS");
        }
        if (continuingStream != 0 && (type != Http2.CONTINUATION || streamId != continuingStream)) {
            throw Http2Exception.protocol("a " + Http2.frameName(type) + " frame inside the header block of stream "
                    + continuingStream + " (only CONTINUATION may follow)");
        }
        try {
            dispatch(type, flags, streamId, payload);
        } catch (Http2Exception e) {
            if (e.isConnectionError()) {
                throw e;
            }
            resetStream(e.streamId(), e.code(), e);
        }
        return true;
    }

    private void dispatch(int type, int flags, int streamId, byte[] p) {
        switch (type) {
            case Http2.DATA -> onData(flags, streamId, p);
            case Http2.HEADERS -> onHeaders(flags, streamId, p);
            case Http2.PRIORITY -> {
                requireStream(type, streamId);
                if (p.length != 5) {
                    throw Http2Exception.stream(Http2.FRAME_SIZE_ERROR, streamId, "a PRIORITY frame of "
                            + p.length + " bytes (5 expected)");
                }
                if ((int32(p, 0) & 0x7fffffff) == streamId) {
                    throw Http2Exception.stream(Http2.PROTOCOL_ERROR, streamId, "a stream depends on itself");
                }
            }
            case Http2.RST_STREAM -> onRstStream(streamId, p);
            case Http2.SETTINGS -> onSettings(flags, streamId, p);
            case Http2.PUSH_PROMISE -> throw Http2Exception.protocol(config.server()
                    ? "a client sent PUSH_PROMISE" : "PUSH_PROMISE though we disabled push");
            case Http2.PING -> onPing(flags, streamId, p);
            case Http2.GOAWAY -> onGoAway(streamId, p);
            case Http2.WINDOW_UPDATE -> onWindowUpdate(streamId, p);
            case Http2.CONTINUATION -> onContinuation(flags, streamId, p);
            default -> {
                // unknown frame types are ignored (section 5.5)
            }
        }
    }

    private static void requireStream(int type, int streamId) {
        if (streamId == 0) {
            throw Http2Exception.protocol("a " + Http2.frameName(type) + " frame on stream 0");
        }
    }

    /** A peer's stream id that is not (or no longer) in the table: idle (never used) or closed. */
    private boolean isIdle(int streamId) {
        boolean peers = (streamId & 1) == (config.server() ? 1 : 0);
        return peers ? streamId > lastPeerStreamId : streamId >= nextStreamId;
    }

    /** Strips the padding of a PADDED frame; returns {offset, length} of the rest. */
    private static int[] unpad(int flags, byte[] p, int offset, int streamId) {
        if ((flags & Http2.FLAG_PADDED) == 0) {
            return new int[] {offset, p.length - offset};
        }
        if (p.length < 1) {
            throw Http2Exception.protocol("a PADDED frame without its pad length on stream " + streamId);
        }
        int pad = p[0] & 0xff;
        int rest = p.length - 1 - offset - pad;
        if (rest < 0) {
            throw Http2Exception.protocol("padding of " + pad + " bytes is longer than the frame on stream "
                    + streamId);
        }
        return new int[] {1 + offset, rest};
    }

    private void onData(int flags, int streamId, byte[] p) {
        requireStream(Http2.DATA, streamId);
        consumeConnectionWindow(p.length);   // all of it, padding included, whatever becomes of the stream
        if ((flags & Http2.FLAG_END_STREAM) == 0 && p.length == 0) {
            emptyData.count();
        }
        Http2Stream s = streams.get(streamId);
        if (s == null) {
            if (isIdle(streamId)) {
                throw Http2Exception.protocol("DATA on idle stream " + streamId);
            }
            throw Http2Exception.stream(Http2.STREAM_CLOSED, streamId, "DATA on a closed stream");
        }
        if (s.remoteEnded()) {
            throw Http2Exception.stream(Http2.STREAM_CLOSED, streamId, "DATA after the stream's END_STREAM");
        }
        if (s.headers == null && !s.headersTooLarge) {
            throw Http2Exception.stream(Http2.PROTOCOL_ERROR, streamId, "DATA before the header section");
        }
        if (p.length > s.recvWindow) {
            throw Http2Exception.stream(Http2.FLOW_CONTROL_ERROR, streamId, p.length + " bytes of DATA with "
                    + s.recvWindow + " bytes of the stream's window left");
        }
        s.recvWindow -= p.length;
        int[] body = unpad(flags, p, 0, streamId);
        s.receivedLength += body[1];
        if (s.expectedLength >= 0 && s.receivedLength > s.expectedLength) {
            throw Http2Exception.stream(Http2.PROTOCOL_ERROR, streamId, "more DATA than its content-length of "
                    + s.expectedLength);
        }
        byte[] chunk = body[0] == 0 && body[1] == p.length ? p
                : java.util.Arrays.copyOfRange(p, body[0], body[0] + body[1]);
        int padding = p.length - body[1];
        if (padding > 0) {   // padding is flow-controlled but never read: give it back now
            s.recvWindow += padding;
            windowUpdate(streamId, padding);
        }
        if ((flags & Http2.FLAG_END_STREAM) != 0) {
            endOfRemote(s);
        }
        s.received(chunk);
    }

    private void endOfRemote(Http2Stream s) {
        if (s.expectedLength >= 0 && s.receivedLength != s.expectedLength) {
            throw Http2Exception.stream(Http2.PROTOCOL_ERROR, s.id, "DATA of " + s.receivedLength
                    + " bytes, not its content-length of " + s.expectedLength);
        }
        s.endReceived = true;
        s.state = s.state == Http2Stream.State.HALF_CLOSED_LOCAL ? Http2Stream.State.CLOSED
                : Http2Stream.State.HALF_CLOSED_REMOTE;
        if (s.isClosed()) {
            closeStream(s);
        }
    }

    private void consumeConnectionWindow(int n) {
        if (n > recvWindow) {
            throw Http2Exception.connection(Http2.FLOW_CONTROL_ERROR, n + " bytes of DATA with " + recvWindow
                    + " bytes of the connection's window left");
        }
        recvWindow -= n;
        if (recvWindow < CONNECTION_WINDOW / 2) {
            windowUpdate(0, CONNECTION_WINDOW - (int) recvWindow);
            recvWindow = CONNECTION_WINDOW;
        }
    }

    private void onHeaders(int flags, int streamId, byte[] p) {
        requireStream(Http2.HEADERS, streamId);
        int offset = (flags & Http2.FLAG_PRIORITY) != 0 ? 5 : 0;
        int[] frag = unpad(flags, p, offset, streamId);
        if ((flags & Http2.FLAG_PRIORITY) != 0 && (int32(p, (flags & Http2.FLAG_PADDED) != 0 ? 1 : 0)
                & 0x7fffffff) == streamId) {
            throw Http2Exception.stream(Http2.PROTOCOL_ERROR, streamId, "a stream depends on itself");
        }
        headerBlock.reset();
        addToBlock(p, frag[0], frag[1]);
        if ((flags & Http2.FLAG_END_HEADERS) == 0) {
            continuingStream = streamId;
            continuingFlags = flags;
            continuations = 0;
            return;
        }
        onHeaderBlock(flags, streamId);
    }

    private void onContinuation(int flags, int streamId, byte[] p) {
        if (continuingStream == 0) {
            throw Http2Exception.protocol("CONTINUATION without a HEADERS frame before it on stream " + streamId);
        }
        if (++continuations > MAX_CONTINUATIONS) {
            throw Http2Exception.connection(Http2.ENHANCE_YOUR_CALM, "more than " + MAX_CONTINUATIONS
                    + " CONTINUATION frames in one header block");
        }
        addToBlock(p, 0, p.length);
        if ((flags & Http2.FLAG_END_HEADERS) != 0) {
            continuingStream = 0;
            onHeaderBlock(continuingFlags, streamId);
        }
    }

    private void addToBlock(byte[] p, int offset, int length) {
        if (headerBlock.size() + length > config.maxHeaderBlock()) {
            throw Http2Exception.connection(Http2.ENHANCE_YOUR_CALM, "a header block over "
                    + config.maxHeaderBlock() + " bytes");
        }
        headerBlock.write(p, offset, length);
    }

    private void onHeaderBlock(int flags, int streamId) {
        Hpack.Decoder.Block decoded = decoder.decode(headerBlock.array(), 0, headerBlock.size());
        boolean end = (flags & Http2.FLAG_END_STREAM) != 0;
        Http2Stream s = streams.get(streamId);
        if (s == null) {
            if (!config.server() || (streamId & 1) == 0 || !isIdle(streamId)) {
                if (isIdle(streamId)) {
                    throw Http2Exception.protocol("HEADERS on idle stream " + streamId + " (a "
                            + (config.server() ? "server" : "client") + " cannot open it)");
                }
                throw Http2Exception.stream(Http2.STREAM_CLOSED, streamId, "HEADERS on a closed stream");
            }
            lastPeerStreamId = streamId;
            if (goAwaySent) {
                return;   // after our GOAWAY, new streams are ignored
            }
            if (peerActive >= config.maxConcurrentStreams()) {
                refused.count();
                writeRst(streamId, Http2.REFUSED_STREAM);
                return;
            }
            long length = -1;
            if (!decoded.overLimit()) {   // checked before the stream exists: a malformed one costs no slot
                Http2Headers.validate(decoded.fields(), true, false, streamId);
                length = Http2Headers.contentLength(decoded.fields(), streamId);
                if (end && length > 0) {
                    throw Http2Exception.stream(Http2.PROTOCOL_ERROR, streamId, "END_STREAM with a content-length"
                            + " of " + length);
                }
            }
            s = new Http2Stream(this, streamId, peerInitialWindow, config.streamWindow());
            streams.put(s);
            peerActive++;
            localActive++;
            s.headersTooLarge = decoded.overLimit();
            if (!decoded.overLimit()) {
                s.headers = decoded.fields();
                s.expectedLength = length;
            }
            if (end) {
                endOfRemote(s);
            }
            listener.onStream(this, s);
            return;
        }
        if (s.remoteEnded()) {
            throw Http2Exception.stream(Http2.STREAM_CLOSED, streamId, "HEADERS after the stream's END_STREAM");
        }
        if (decoded.overLimit()) {
            throw Http2Exception.stream(Http2.PROTOCOL_ERROR, streamId, "a header list of " + decoded.listSize()
                    + " bytes, over our SETTINGS_MAX_HEADER_LIST_SIZE of " + config.maxHeaderListSize());
        }
        if (s.headers == null && !config.server()) {
            Http2Headers.validate(decoded.fields(), false, false, streamId);
            int status = Http2Headers.status(decoded.fields());
            if (status < 200) {   // an informational response: another header section follows
                if (end) {
                    throw Http2Exception.stream(Http2.PROTOCOL_ERROR, streamId, "END_STREAM on a 1xx response");
                }
                return;
            }
            s.headers = decoded.fields();
            s.expectedLength = Http2Headers.contentLength(decoded.fields(), streamId);
        } else {
            if (!end) {
                throw Http2Exception.stream(Http2.PROTOCOL_ERROR, streamId, "trailers without END_STREAM");
            }
            Http2Headers.validate(decoded.fields(), !config.server(), true, streamId);
            s.trailers = decoded.fields();
        }
        if (end) {
            endOfRemote(s);
        }
        s.wake();
    }

    private void onRstStream(int streamId, byte[] p) {
        requireStream(Http2.RST_STREAM, streamId);
        if (p.length != 4) {
            throw Http2Exception.connection(Http2.FRAME_SIZE_ERROR, "an RST_STREAM frame of " + p.length
                    + " bytes (4 expected)");
        }
        if (isIdle(streamId)) {
            throw Http2Exception.protocol("RST_STREAM on idle stream " + streamId);
        }
        if (config.server()) {
            resets.count();   // every reset counts, of streams refused or already done too (CVE-2023-44487)
        }
        Http2Stream s = streams.get(streamId);
        if (s == null) {
            return;
        }
        int code = int32(p, 0);
        s.error = code == Http2.REFUSED_STREAM ? new RefusedStreamException(streamId, "the server refused stream "
                + streamId + " (REFUSED_STREAM): it was not processed")
                : Http2Exception.stream(code, streamId, "the peer reset the stream");
        closeStream(s);
        s.wake();
        if (s.task != null) {
            s.task.cancel();   // nobody wants the response: the handler stops
        }
    }

    private void onSettings(int flags, int streamId, byte[] p) {
        if (streamId != 0) {
            throw Http2Exception.protocol("a SETTINGS frame on stream " + streamId);
        }
        if ((flags & Http2.FLAG_ACK) != 0) {
            if (p.length != 0) {
                throw Http2Exception.connection(Http2.FRAME_SIZE_ERROR, "a SETTINGS ack with a payload");
            }
            return;
        }
        if (p.length % 6 != 0) {
            throw Http2Exception.connection(Http2.FRAME_SIZE_ERROR, "a SETTINGS frame of " + p.length
                    + " bytes (a multiple of 6 expected)");
        }
        settingsFlood.count();
        settingsReceived = true;
        if (!firstSettings.isDone()) {
            firstSettings.setResult(null);
        }
        for (int i = 0; i < p.length; i += 6) {
            int id = (p[i] & 0xff) << 8 | p[i + 1] & 0xff;
            long value = int32(p, i + 2) & 0xffffffffL;
            switch (id) {
                case Http2.SETTINGS_HEADER_TABLE_SIZE -> encoder.setMaxTableSize(value);
                case Http2.SETTINGS_ENABLE_PUSH -> {
                    if (value > 1 || !config.server() && value != 0) {
                        throw Http2Exception.protocol("SETTINGS_ENABLE_PUSH of " + value);
                    }
                }
                case Http2.SETTINGS_MAX_CONCURRENT_STREAMS -> peerMaxConcurrent = value;
                case Http2.SETTINGS_INITIAL_WINDOW_SIZE -> {
                    if (value > Http2.MAX_WINDOW) {
                        throw Http2Exception.connection(Http2.FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE of "
                                + value);
                    }
                    long delta = value - peerInitialWindow;
                    peerInitialWindow = value;
                    for (Http2Stream s : streams.snapshot()) {
                        s.sendWindow += delta;
                        if (s.sendWindow > Http2.MAX_WINDOW) {
                            throw Http2Exception.connection(Http2.FLOW_CONTROL_ERROR, "a stream window over 2^31 - 1"
                                    + " after a SETTINGS_INITIAL_WINDOW_SIZE change");
                        }
                        s.wake();
                    }
                }
                case Http2.SETTINGS_MAX_FRAME_SIZE -> {
                    if (value < Http2.DEFAULT_MAX_FRAME_SIZE || value > Http2.MAX_MAX_FRAME_SIZE) {
                        throw Http2Exception.protocol("SETTINGS_MAX_FRAME_SIZE of " + value);
                    }
                    peerMaxFrameSize = (int) value;
                }
                default -> {
                    // SETTINGS_MAX_HEADER_LIST_SIZE is advisory; unknown settings are ignored
                }
            }
        }
        writeControl(Http2.SETTINGS, Http2.FLAG_ACK, 0, new byte[0]);
    }

    private void onPing(int flags, int streamId, byte[] p) {
        if (streamId != 0) {
            throw Http2Exception.protocol("a PING frame on stream " + streamId);
        }
        if (p.length != 8) {
            throw Http2Exception.connection(Http2.FRAME_SIZE_ERROR, "a PING frame of " + p.length
                    + " bytes (8 expected)");
        }
        if ((flags & Http2.FLAG_ACK) == 0) {
            pings.count();
            writeControl(Http2.PING, Http2.FLAG_ACK, 0, p);
        } else if (pingAck != null && int32(p, 0) == pingsSent) {
            pingAck.setResult(null);
            pingAck = null;
        }
    }

    private void onGoAway(int streamId, byte[] p) {
        if (streamId != 0) {
            throw Http2Exception.protocol("a GOAWAY frame on stream " + streamId);
        }
        if (p.length < 8) {
            throw Http2Exception.connection(Http2.FRAME_SIZE_ERROR, "a GOAWAY frame of " + p.length + " bytes");
        }
        int last = int32(p, 0) & 0x7fffffff;
        int code = int32(p, 4);
        String debug = new String(p, 8, Math.min(p.length - 8, 200), StandardCharsets.UTF_8);
        goAwayReceived = goAwayReceived < 0 ? last : Math.min(goAwayReceived, last);
        for (Http2Stream s : streams.snapshot()) {
            boolean ours = (s.id & 1) == (config.server() ? 0 : 1);
            if (ours && s.id > last) {
                s.error = new RefusedStreamException(s.id, "the server sent GOAWAY (" + Http2.errorName(code)
                        + (debug.isEmpty() ? "" : ", \"" + debug + "\"") + ") before processing stream " + s.id);
                closeStream(s);
                s.wake();
            }
        }
        if (code != Http2.NO_ERROR) {
            goAwayCode = code;
            goAwayDebug = debug;
        }
    }

    private int goAwayCode = Http2.NO_ERROR;
    private String goAwayDebug = "";

    private void onWindowUpdate(int streamId, byte[] p) {
        if (p.length != 4) {
            throw Http2Exception.connection(Http2.FRAME_SIZE_ERROR, "a WINDOW_UPDATE frame of " + p.length
                    + " bytes (4 expected)");
        }
        int increment = int32(p, 0) & 0x7fffffff;
        if (streamId == 0) {
            if (increment == 0) {
                throw Http2Exception.protocol("a WINDOW_UPDATE of 0 for the connection");
            }
            sendWindow += increment;
            if (sendWindow > Http2.MAX_WINDOW) {
                throw Http2Exception.connection(Http2.FLOW_CONTROL_ERROR, "the connection window over 2^31 - 1");
            }
            for (Http2Stream s : List.copyOf(windowWaiters)) {
                s.wake();
            }
            windowWaiters.clear();
            return;
        }
        Http2Stream s = streams.get(streamId);
        if (s == null) {
            if (isIdle(streamId)) {
                throw Http2Exception.protocol("WINDOW_UPDATE on idle stream " + streamId);
            }
            return;
        }
        if (increment == 0) {
            throw Http2Exception.stream(Http2.PROTOCOL_ERROR, streamId, "a WINDOW_UPDATE of 0");
        }
        s.sendWindow += increment;
        if (s.sendWindow > Http2.MAX_WINDOW) {
            throw Http2Exception.stream(Http2.FLOW_CONTROL_ERROR, streamId, "the stream window over 2^31 - 1");
        }
        s.wake();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Streams

    /**
     * Opens a stream for a request (client side), or throws {@link RefusedStreamException} if this connection
     * takes no new streams (GOAWAY, failed, ids used up).
     */
    Http2Stream openStream() {
        if (!canOpenStream()) {
            throw new RefusedStreamException(0, "the HTTP/2 connection takes no new streams"
                    + (failure != null ? " (" + failure.getMessage() + ")" : ""));
        }
        int id = nextStreamId;
        nextStreamId += 2;
        Http2Stream s = new Http2Stream(this, id, peerInitialWindow, config.streamWindow());
        streams.put(s);
        localActive++;
        return s;
    }

    boolean canOpenStream() {
        return failure == null && goAwayReceived < 0 && !goAwaySent && nextStreamId > 0
                && nextStreamId < Integer.MAX_VALUE - 2;
    }

    /** Streams open on this connection now. */
    int activeStreams() {
        return localActive;
    }

    /** How many streams the peer lets us have open at once. */
    long peerMaxConcurrentStreams() {
        return peerMaxConcurrent;
    }

    boolean isFailed() {
        return failure != null;
    }

    double idleSince() {
        return idleSince;
    }

    private void closeStream(Http2Stream s) {
        if (streams.remove(s.id) == null) {
            return;
        }
        s.state = Http2Stream.State.CLOSED;
        localActive--;
        windowWaiters.remove(s);
        if (localActive == 0) {
            idleSince = loop.time();
        }
        if (onStreamClosed != null) {
            onStreamClosed.run();
        }
        if (goAwaySent && localActive == 0 && peerActive == 0) {
            closeSocket();
        }
    }

    /** Runs when a stream closes (the client's pool: a slot is free). */
    Runnable onStreamClosed;

    /**
     * The stream's task is done with it: a server handler finished (its slot in the concurrency limit is free),
     * or a client request ended. A stream not yet closed both ways is reset with CANCEL (a cancelled request, a
     * handler that stopped reading), so the connection stays usable.
     */
    void release(Http2Stream s, boolean peerStream) {
        if (peerStream) {
            peerActive--;
        }
        if (!s.isClosed() && streams.get(s.id) != null) {
            resetStream(s.id, Http2.CANCEL, null);
        }
        if (goAwaySent && localActive == 0 && peerActive == 0) {
            closeSocket();
        }
    }

    /** Sends RST_STREAM and fails the stream's task, if the stream is still known. */
    private void resetStream(int streamId, int code, RuntimeException why) {
        if (failure == null) {
            writeRst(streamId, code);
        }
        Http2Stream s = streams.get(streamId);
        if (s != null) {
            s.error = why != null ? why : Http2Exception.stream(code, streamId, "stream reset");
            closeStream(s);
            s.wake();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writing

    /**
     * Sends a header section (HEADERS, then CONTINUATION frames as the peer's frame size requires); it is encoded
     * and written in one go, so blocks of different streams never interleave.
     */
    void writeHeaders(Http2Stream s, List<String> fields, boolean endStream) {
        checkWritable(s);
        block.reset();
        encoder.encode(fields, block);
        byte[] b = block.array();
        int total = block.size();
        int max = peerMaxFrameSize;
        int first = Math.min(total, max);
        frameHeader(pending, first, Http2.HEADERS, (endStream ? Http2.FLAG_END_STREAM : 0)
                | (first == total ? Http2.FLAG_END_HEADERS : 0), s.id);
        emit(b, 0, first);
        for (int at = first; at < total; ) {
            int n = Math.min(total - at, max);
            frameHeader(pending, n, Http2.CONTINUATION, at + n == total ? Http2.FLAG_END_HEADERS : 0, s.id);
            emit(b, at, n);
            at += n;
        }
        if (endStream) {
            endOfLocal(s);
        }
    }

    private void checkWritable(Http2Stream s) {
        if (failure != null) {
            throw failure;
        }
        s.throwIfFailed();
        if (s.localEnded()) {
            throw new IllegalStateException("stream " + s.id + " already ended its side");
        }
    }

    private void endOfLocal(Http2Stream s) {
        s.state = s.state == Http2Stream.State.HALF_CLOSED_REMOTE ? Http2Stream.State.CLOSED
                : Http2Stream.State.HALF_CLOSED_LOCAL;
        if (s.isClosed()) {
            closeStream(s);
        }
    }

    /**
     * Sends {@code length} bytes as DATA frames as both windows allow, waiting (at most {@code stall} each time:
     * a peer that keeps the window shut longer fails the stream) for WINDOW_UPDATE and for the socket to drain.
     */
    void writeData(Http2Stream s, byte[] data, int offset, int length, boolean endStream, Duration stall) {
        int at = offset;
        int end = offset + length;
        do {
            checkWritable(s);
            int n = (int) Math.min(Math.min(end - at, peerMaxFrameSize), Math.min(s.sendWindow, sendWindow));
            if (n <= 0 && at < end) {
                if (sendWindow <= 0 && !windowWaiters.contains(s)) {
                    windowWaiters.add(s);
                }
                s.awaitEvent(stall, HttpTimeoutException.Kind.READ, "waiting for the peer's flow-control window");
                continue;
            }
            boolean last = at + n == end && endStream;
            frameHeader(pending, n, Http2.DATA, last ? Http2.FLAG_END_STREAM : 0, s.id);
            if (n > COPY_LIMIT) {   // a large piece goes to the socket as it is, after what was queued before it
                flush();
                out.write(data, at, n);
            } else {
                emit(data, at, n);
            }
            at += n;
            s.sendWindow -= n;
            sendWindow -= n;
            if (last) {
                endOfLocal(s);
            }
            if (queued() > out.highWaterMark()) {
                flush();
                Timeouts.within(stall, HttpTimeoutException.Kind.READ, "sending DATA", out.drain());
            }
        } while (at < end);
    }

    /** Sends WINDOW_UPDATE for {@code increment} bytes on a stream (or the connection, stream 0). */
    void windowUpdate(int streamId, int increment) {
        if (failure != null || increment <= 0) {
            return;
        }
        byte[] p = new byte[4];
        int32(p, 0, increment);
        writeFrame(Http2.WINDOW_UPDATE, 0, streamId, p);
    }

    private void writeRst(int streamId, int code) {
        byte[] p = new byte[4];
        int32(p, 0, code);
        writeFrame(Http2.RST_STREAM, 0, streamId, p);
    }

    /** A reply to the peer's control frame; a peer that does not read them is flooding us. */
    private void writeControl(int type, int flags, int streamId, byte[] payload) {
        if (queued() > MAX_QUEUED_CONTROL) {
            throw Http2Exception.connection(Http2.ENHANCE_YOUR_CALM, "the peer does not read our replies ("
                    + queued() + " bytes queued)");
        }
        writeFrame(type, flags, streamId, payload);
    }

    private void writeFrame(int type, int flags, int streamId, byte[] payload) {
        frameHeader(pending, payload.length, type, flags, streamId);
        emit(payload, 0, payload.length);
    }

    /**
     * Queues frame bytes: everything written in one pass of the loop goes to the socket in one write, at the end of
     * the pass ({@link #flush}), so a hundred small responses cost one system call, not three hundred.
     */
    private void emit(byte[] b, int offset, int length) {
        pending.write(b, offset, length);
        if (!flushScheduled) {
            flushScheduled = true;
            loop.callSoon(this::flush);
        }
    }

    /** Writes the queued frames to the socket (which copies what it cannot send at once). */
    private void flush() {
        flushScheduled = false;
        if (pending.size() > 0) {
            out.write(pending.array(), 0, pending.size());
            pending.reset();
        }
    }

    /** Bytes written and not yet sent: queued here and in the socket's buffer. */
    private long queued() {
        return out.writeBufferSize() + pending.size();
    }

    /** Closes the socket after the queued frames (GOAWAY among them). */
    private void closeSocket() {
        flush();
        out.close();
    }

    /**
     * Sends GOAWAY (once) with the last stream we took from the peer: no new streams from either side after it;
     * with {@code NO_ERROR} the streams in progress finish first, with an error the connection ends now.
     */
    void goAway(int code, String message) {
        if (goAwaySent || out.isClosing()) {
            return;
        }
        goAwaySent = true;
        byte[] debug = message == null ? new byte[0]
                : message.substring(0, Math.min(message.length(), 200)).getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[8 + debug.length];
        int32(p, 0, lastPeerStreamId);
        int32(p, 4, code);
        System.arraycopy(debug, 0, p, 8, debug.length);
        writeFrame(Http2.GOAWAY, 0, 0, p);
        if (localActive == 0 && peerActive == 0) {
            closeSocket();
        }
    }

    /** Ends the connection: GOAWAY(NO_ERROR), then the socket closes once open streams finish. */
    void close() {
        goAway(Http2.NO_ERROR, null);
    }

    /** Closes the socket now and fails every open stream. */
    void abort(String why) {
        fail(new HttpProtocolException(why), true);
        out.abort();
    }

    private void fail(RuntimeException e, boolean error) {
        if (failure != null) {
            return;
        }
        failure = goAwayReceived >= 0 && !error && goAwayCode != Http2.NO_ERROR
                ? new HttpProtocolException("HTTP/2 connection ended by the peer's GOAWAY ("
                        + Http2.errorName(goAwayCode) + (goAwayDebug.isEmpty() ? "" : ", \"" + goAwayDebug + "\"")
                        + ")")
                : e;
        for (Http2Stream s : streams.snapshot()) {
            if (s.error == null) {
                s.error = failure;
            }
            closeStream(s);
            s.wake();
        }
        if (!closed.isDone()) {
            closed.setResult(null);
        }
        if (!firstSettings.isDone()) {
            firstSettings.setResult(null);
        }
        if (pingAck != null && !pingAck.isDone()) {
            pingAck.setResult(null);   // the waiter sees the failure
        }
    }

    /** When the last frame arrived from the peer (loop time). */
    double lastReceived() {
        return lastReceived;
    }

    /**
     * Checks that the peer still answers: sends PING and waits at most {@code timeout} for its ACK. A peer that
     * does not answer in time has its connection aborted (its streams fail). Returns whether it answered.
     */
    boolean ping(Duration timeout) {
        if (failure != null) {
            return false;
        }
        Future<Void> ack = loop.createFuture();
        pingAck = ack;
        byte[] p = new byte[8];
        int32(p, 0, ++pingsSent);
        writeFrame(Http2.PING, 0, 0, p);
        try {
            Timeouts.within(timeout, HttpTimeoutException.Kind.READ, "waiting for the answer to a PING", ack);
        } catch (HttpTimeoutException e) {
            abort("no answer to a PING within " + timeout.toMillis() + " ms");
            return false;
        } finally {
            if (pingAck == ack) {
                pingAck = null;
            }
        }
        return failure == null;
    }

    /** Done when the peer's first SETTINGS frame was applied, or the connection ended. */
    Future<Void> settingsFuture() {
        return firstSettings;
    }

    /** Done when the connection has ended (failed or closed). */
    Future<Void> closedFuture() {
        return closed;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Bytes

    static void frameHeader(ByteSink s, int length, int type, int flags, int streamId) {
        s.write(length >>> 16);
        s.write(length >>> 8);
        s.write(length);
        s.write(type);
        s.write(flags);
        int32(s, streamId);
    }

    private static void setting(ByteSink s, int id, int value) {
        s.write(id >>> 8);
        s.write(id);
        int32(s, value);
    }

    static void int32(ByteSink s, int v) {
        s.write(v >>> 24);
        s.write(v >>> 16);
        s.write(v >>> 8);
        s.write(v);
    }

    static int int32(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
    }

    static void int32(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    /** Counts a kind of frame in a sliding window; over {@link #FLOOD_LIMIT} ends the connection. */
    private final class Flood {
        private final String what;
        private double windowStart = -1;
        private int count;

        Flood(String what) {
            this.what = what;
        }

        void count() {
            double now = loop.time();
            if (windowStart < 0 || now - windowStart > FLOOD_WINDOW_SECONDS) {
                windowStart = now;
                count = 0;
            }
            if (++count > FLOOD_LIMIT) {
                throw Http2Exception.connection(Http2.ENHANCE_YOUR_CALM, "more than " + FLOOD_LIMIT + " " + what
                        + " in " + (int) FLOOD_WINDOW_SECONDS + " s");
            }
        }
    }

    /**
     * A request the server did not process (RST_STREAM REFUSED_STREAM, or a stream id above a GOAWAY's
     * last-stream-id): safe to retry on another connection, whatever the method.
     */
    static final class RefusedStreamException extends HttpProtocolException {
        private static final long serialVersionUID = 1L;

        RefusedStreamException(int streamId, String message) {
            super(message);
        }
    }

    /** The socket failed: an {@link IOException}, undeclared. For callers that tell those apart. */
    static boolean isIoFailure(Throwable e) {
        return e instanceof IOException;
    }
}
