package io.github.asyncio4j.crawler;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.netpreserve.jwarc.MediaType;
import org.netpreserve.jwarc.MessageVersion;
import org.netpreserve.jwarc.WarcCompression;
import org.netpreserve.jwarc.WarcDigest;
import org.netpreserve.jwarc.WarcMetadata;
import org.netpreserve.jwarc.WarcRequest;
import org.netpreserve.jwarc.WarcResponse;
import org.netpreserve.jwarc.WarcWriter;
import org.netpreserve.jwarc.Warcinfo;

/**
 * Writes every exchange of a crawl as WARC 1.1 records ({@code --warc FILE}) with jwarc: a {@code response} record
 * (with {@code WARC-Payload-Digest} and {@code WARC-Block-Digest}, SHA-1) and a {@code request} record concurrent
 * to it, each gzipped on its own when the name ends in {@code .gz}, as wget and Heritrix write them. Past
 * {@code maxBytes} the next exchange goes to a new file: {@code crawl.warc.gz}, {@code crawl-00001.warc.gz}, ...;
 * each file starts with a {@code warcinfo} record. An existing file is appended to (a resumed crawl adds to it).
 *
 * <p>{@code metadata} records ({@code application/warc-fields}), as Heritrix writes one beside a response: a
 * redirect's response is followed by one concurrent to it with {@code outlink: TARGET R location:} (Heritrix's
 * field, hop type {@code R} for a redirect); a fetch attempt that got no response (refused, reset, timed out, a
 * body over the limit) gets one of its own with {@code fetchError: WHY} and {@code fetchTimeMs: N}, where wget and
 * Heritrix write nothing to the WARC (their logs have it): so a WARC tells what was tried and failed.
 *
 * <p>Records are built and written on a {@link BatchWriter} thread: the loop only hands over the bytes. The
 * request record holds the request head exactly as the crawler's HTTP client sends it; the response record holds
 * the status line and header fields as received and the body as the client delivered it, decoded: when the
 * server sent {@code Content-Encoding} or {@code Transfer-Encoding: chunked}, those fields are replaced by the
 * {@code Content-Length} of the decoded body, so that the record is a valid HTTP message for any reader.
 *
 * <p>A body is never held whole for its record: it is written into a {@link Payload} as it arrives, in memory up to
 * {@link Payload#IN_MEMORY} bytes and past that in a temporary file beside the WARC file, which the writer thread
 * digests, copies into the record and deletes.
 */
final class WarcRecorder implements AutoCloseable {
    /** What is written: an exchange, or a fetch that got no response. */
    sealed interface Entry permits Exchange, Failure {
    }

    /**
     * One exchange to write: the request head, the response's head (status line and fields, ending with the blank
     * line) and its body; {@code redirectTo} is the absolute target of a redirect response, else null.
     */
    record Exchange(URI url, Instant date, byte[] request, byte[] responseHead, Payload payload, URI redirectTo)
            implements Entry {
    }

    /**
     * A response body on its way into a record, written as it arrives (on the loop): in memory up to
     * {@link #IN_MEMORY} bytes, past that in a temporary file beside the WARC file. Handed to {@link #record} in an
     * {@link Exchange}, it belongs to the writer thread, which deletes the file; else {@link #discard} it.
     */
    static final class Payload {
        /** The most of a body held in memory: a larger one goes to a temporary file. */
        static final int IN_MEMORY = 64 * 1024;

        private final Path directory;
        private java.io.ByteArrayOutputStream memory = new java.io.ByteArrayOutputStream();
        private Path file;
        private FileChannel channel;
        private long length;
        private boolean handedOver;

        private Payload(Path directory) {
            this.directory = directory;
        }

        /** A payload of {@code bytes} (a body that arrived whole). */
        static Payload of(byte[] bytes) {
            Payload p = new Payload(null);
            p.memory.writeBytes(bytes);
            p.length = bytes.length;
            return p;
        }

        /** Appends the next bytes of the body. @throws CrawlWriteException if the temporary file fails */
        void write(byte[] b, int offset, int n) {
            length += n;
            try {
                if (channel == null && memory.size() + n > IN_MEMORY && directory != null) {
                    file = Files.createTempFile(directory, ".warc-body-", ".tmp");
                    channel = FileChannel.open(file, StandardOpenOption.WRITE);
                    writeFully(java.nio.ByteBuffer.wrap(memory.toByteArray()));
                    memory = null;
                }
                if (channel != null) {
                    writeFully(java.nio.ByteBuffer.wrap(b, offset, n));
                } else {
                    memory.write(b, offset, n);
                }
            } catch (IOException e) {
                discard();
                throw new CrawlWriteException("--warc: a temporary file for a response body in " + directory
                        + " failed (" + ErrorText.of(e) + ")", e);
            }
        }

        private void writeFully(java.nio.ByteBuffer buffer) throws IOException {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }

        long length() {
            return length;
        }

        /** True once it is queued in an {@link Exchange}: the writer thread owns it. */
        boolean handedOver() {
            return handedOver;
        }

        /** The body's bytes, from the start (the writer thread's side). */
        java.io.InputStream open() throws IOException {
            if (file == null) {
                return new java.io.ByteArrayInputStream(memory.toByteArray());
            }
            channel.close();
            return Files.newInputStream(file);
        }

        /** Deletes the temporary file, if any. */
        void discard() {
            if (file != null) {
                try {
                    channel.close();
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);  // a file the crawl made, in a directory it writes
                }
            }
        }
    }

    /** A fetch of {@code url} started at {@code date} that got no complete response, and why ({@code error}). */
    record Failure(URI url, Instant date, String error, long fetchMillis) implements Entry {
    }

    private final BatchWriter<Entry> writer;
    /** Where bodies too large for memory wait for their record: the WARC file's directory. */
    private final Path spoolDirectory;

    private WarcRecorder(Path file, Sink sink) {
        spoolDirectory = file.toAbsolutePath().getParent();
        writer = new BatchWriter<>("crawl-warc-writer", "--warc " + file, sink, 50, 256);
    }

    /**
     * Opens {@code file} for appending, creating it (the command checked it first, with {@link OutputFile#check}).
     *
     * @throws OutputFile.UnwritableException if it cannot be written after all
     */
    static WarcRecorder open(Path file, long maxBytes) {
        try {
            return new WarcRecorder(file, new Sink(file, maxBytes));
        } catch (IOException e) {
            throw OutputFile.unwritable("--warc", file, ErrorText.of(e));
        }
    }

    /** A new, empty payload for a body about to arrive. */
    Payload payload() {
        return new Payload(spoolDirectory);
    }

    /**
     * Queues one exchange or failure; never blocks.
     * @throws CrawlWriteException if writing the file has failed
     */
    void record(Entry entry) {
        writer.submit(entry);
        if (entry instanceof Exchange x) {
            x.payload().handedOver = true;
        }
    }

    /** Writes what is queued and closes the file. @throws CrawlWriteException if writing failed */
    @Override
    public void close() {
        writer.close();
    }

    /** The name of the {@code index}th file: {@code crawl.warc.gz}, then {@code crawl-00001.warc.gz}, ... */
    static Path rotated(Path file, int index) {
        if (index == 0) {
            return file;
        }
        String name = file.getFileName().toString();
        int dot = name.indexOf(".warc");
        if (dot < 0) {
            dot = name.indexOf('.') < 0 ? name.length() : name.indexOf('.');
        }
        return file.resolveSibling(name.substring(0, dot) + String.format("-%05d", index) + name.substring(dot));
    }

    /** The writer thread's side: owns the open file. */
    private static final class Sink implements BatchWriter.Sink<Entry> {
        private final Path first;
        private final long maxBytes;
        private final WarcCompression compression;
        private int index;
        private FileChannel channel;
        private WarcWriter out;

        Sink(Path file, long maxBytes) throws IOException {
            this.first = file;
            this.maxBytes = maxBytes;
            this.compression = file.getFileName().toString().endsWith(".gz") ? WarcCompression.GZIP
                    : WarcCompression.NONE;
            while (Files.exists(rotated(file, index + 1))) {
                index++;    // a resumed crawl appends to the last file
            }
            openFile();
        }

        private void openFile() throws IOException {
            Path path = rotated(first, index);
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            out = new WarcWriter(channel, compression);
            String fields = "software: asyncio4j-crawler/0.1\r\nformat: WARC File Format 1.1\r\n"
                    + "conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n";
            out.write(new Warcinfo.Builder().version(MessageVersion.WARC_1_1).date(Instant.now())
                    .filename(path.getFileName().toString())
                    .body(MediaType.WARC_FIELDS, fields.getBytes(StandardCharsets.UTF_8)).build());
        }

        @Override
        public void write(List<Entry> batch) throws IOException {
            int done = 0;
            try {
                for (Entry entry : batch) {
                    writeEntry(entry);
                    done++;
                }
            } finally {     // after a failure, the temporary files of the records not written are deleted too
                for (Entry entry : batch.subList(done, batch.size())) {
                    if (entry instanceof Exchange x) {
                        x.payload().discard();
                    }
                }
            }
        }

        private void writeEntry(Entry entry) throws IOException {
            if (channel.size() >= maxBytes) {
                out.close();
                index++;
                openFile();
            }
            if (entry instanceof Exchange x) {   // an instanceof chain, not a pattern switch: see Robots#rulesFor
                write(x);
            } else if (entry instanceof Failure f) {
                out.write(new WarcMetadata.Builder().version(MessageVersion.WARC_1_1)
                        .targetURI(f.url()).date(f.date())
                        .fields(fields("fetchError", f.error(), "fetchTimeMs", Long.toString(f.fetchMillis())))
                        .build());
            } else {
                throw new AssertionError("a WARC entry this writer does not know: " + entry);   // Entry is sealed
            }
        }

        private void write(Exchange x) throws IOException {
            try {
                writeExchange(x);
            } finally {
                x.payload().discard();
            }
        }

        private void writeExchange(Exchange x) throws IOException {
            MessageDigest block = sha1();
            MessageDigest payload = sha1();
            block.update(x.responseHead());
            try (java.io.InputStream in = x.payload().open()) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    block.update(buffer, 0, n);
                    payload.update(buffer, 0, n);
                }
            }
            WarcResponse response;
            try (java.io.InputStream body = x.payload().open()) {
                response = new WarcResponse.Builder(x.url()).version(MessageVersion.WARC_1_1)
                        .date(x.date())
                        .body(MediaType.HTTP_RESPONSE, java.nio.channels.Channels.newChannel(
                                new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(x.responseHead()),
                                        body)), x.responseHead().length + x.payload().length())
                        .blockDigest(new WarcDigest("sha1", block.digest()))
                        .payloadDigest(new WarcDigest("sha1", payload.digest()))
                        .build();
                out.write(response);
            }
            WarcRequest request = new WarcRequest.Builder(x.url()).version(MessageVersion.WARC_1_1)
                    .date(x.date())
                    .body(MediaType.HTTP_REQUEST, x.request())
                    .blockDigest(sha1(x.request()))
                    .concurrentTo(response.id())
                    .build();
            out.write(request);
            if (x.redirectTo() != null) {
                out.write(new WarcMetadata.Builder().version(MessageVersion.WARC_1_1).targetURI(x.url())
                        .date(x.date()).concurrentTo(response.id())
                        .fields(fields("outlink", x.redirectTo() + " R location:")).build());
            }
        }

        /** WARC fields from name, value pairs, in order. */
        private static Map<String, List<String>> fields(String... nameValues) {
            Map<String, List<String>> m = new LinkedHashMap<>();
            for (int i = 0; i < nameValues.length; i += 2) {
                m.computeIfAbsent(nameValues[i], k -> new ArrayList<>()).add(nameValues[i + 1]);
            }
            return m;
        }

        @Override
        public void close() throws IOException {
            out.close();
        }

        private static WarcDigest sha1(byte[] bytes) {
            return new WarcDigest("sha1", sha1().digest(bytes));
        }

        private static MessageDigest sha1() {
            try {
                return MessageDigest.getInstance("SHA-1");
            } catch (NoSuchAlgorithmException e) {
                throw new AssertionError("every JDK has SHA-1", e);
            }
        }
    }

}
