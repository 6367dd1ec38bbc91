package io.github.asyncio4j.crawler;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The built-in item sinks: JSON Lines or CSV, in a file or on standard output. Writes never await (a page's items
 * reach the operating system when the page's turn ends: {@link #flush}), so the items of the pages that a
 * {@code --state} has recorded done are a prefix of the file: the state keeps that prefix's length
 * ({@link #position}) with the page records, and a resumed crawl cuts the file back to it ({@link #open} with an
 * offset). {@link #sync} makes the written bytes durable, from the state's writer thread, before a commit.
 */
final class ItemFile implements ItemSink {
    enum Format { JSON_LINES, CSV }

    private final String what;
    private final Format format;
    private final FileChannel channel;
    private final OutputStream out;
    private List<String> columns;
    private long position;
    private boolean closed;

    private ItemFile(String what, Format format, FileChannel channel, OutputStream out, List<String> columns,
                     long position) {
        this.what = what;
        this.format = format;
        this.channel = channel;
        this.out = out;
        this.columns = columns;
        this.position = position;
    }

    /** The format {@code file}'s extension names: {@code .jsonl} (or {@code .ndjson}), {@code .csv}; else null. */
    static Format formatOf(Path file) {
        String name = file.getFileName() == null ? ""
                : file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".jsonl") || name.endsWith(".ndjson") ? Format.JSON_LINES
                : name.endsWith(".csv") ? Format.CSV : null;
    }

    /** JSON Lines on {@code out} (standard output: not closed at the end, and no offset to resume from). */
    static ItemFile stream(OutputStream out) {
        return new ItemFile("--output -", Format.JSON_LINES, null, out, null, 0);
    }

    /**
     * {@code file} in {@code format}, cut to {@code offset} bytes (0: a new file; more: the length a resumed
     * crawl's state recorded, whose CSV header is read back from the file).
     * @throws CrawlSetupException if it cannot be opened, or is shorter than {@code offset}
     */
    static ItemFile open(Path file, Format format, List<String> columns, long offset) {
        String what = "--output " + file;
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            long size = ch.size();
            if (size < offset) {
                throw new CrawlSetupException(what + " holds " + size + " bytes, fewer than the " + offset
                        + " the crawl's state recorded: it was changed since; give another file or a new state");
            }
            List<String> cols = columns;
            if (format == Format.CSV && offset > 0) {
                cols = readHeader(ch, offset);
            }
            ch.truncate(offset);
            ch.position(offset);
            ItemFile f = new ItemFile(what, format, ch, new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16),
                    cols, offset);
            if (format == Format.CSV && offset == 0 && cols != null) {
                f.writeHeader();
                f.flush();
            }
            return f;
        } catch (IOException e) {
            closeQuietly(ch);
            throw new CrawlSetupException(what + ": cannot write there (" + ErrorText.of(e) + ")", e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing: the first error is the one reported
            }
        }
    }

    /** The header row of a CSV file written before (its first record, up to {@code limit} bytes). */
    private static List<String> readHeader(FileChannel ch, long limit) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(limit, 1 << 20));
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
            // reads up to the limit
        }
        String text = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
        List<String> cols = Csv.firstRecord(text);
        if (cols == null) {
            throw new CrawlSetupException("the CSV file's header row cannot be read back to resume");
        }
        return cols;
    }

    @Override
    public void write(Object item) {
        writeTree(Items.toJson(item));
        flush();
    }

    /** Writes {@code item} (buffered: {@link #flush} hands it to the operating system). */
    void writeTree(JsonObject item) {
        if (closed) {
            throw new IllegalStateException(what + " is closed");
        }
        if (format == Format.JSON_LINES) {
            put(Items.GSON.toJson(item) + "\n");
        } else {
            if (columns == null) {
                columns = new ArrayList<>(item.keySet());
                writeHeader();
            }
            StringBuilder row = new StringBuilder();
            for (int i = 0; i < columns.size(); i++) {
                if (i > 0) {
                    row.append(',');
                }
                Csv.field(row, cell(item.get(columns.get(i))));
            }
            put(row.append("\r\n").toString());
        }
    }

    private static String cell(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return "";
        }
        return e.isJsonPrimitive() ? e.getAsJsonPrimitive().getAsString() : Items.GSON.toJson(e);
    }

    private void writeHeader() {
        StringBuilder row = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                row.append(',');
            }
            Csv.field(row, columns.get(i));
        }
        put(row.append("\r\n").toString());
    }

    private void put(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        try {
            out.write(bytes);
        } catch (IOException e) {
            throw new CrawlWriteException(what + ": writing failed (" + ErrorText.of(e) + ")", e);
        }
        position += bytes.length;
    }

    /** Hands what is buffered to the operating system. */
    void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new CrawlWriteException(what + ": writing failed (" + ErrorText.of(e) + ")", e);
        }
    }

    /** Bytes written (and, after {@link #flush}, in the file), from the start of the file; -1 on a stream. */
    long position() {
        return channel == null ? -1 : position;
    }

    /** Makes what the operating system holds durable (any thread); nothing on a stream. */
    void sync() throws IOException {
        if (channel != null) {
            try {
                channel.force(false);
            } catch (java.nio.channels.ClosedChannelException e) {
                // closed: close() made it durable first
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        flush();
        if (channel != null) {
            try {
                channel.force(false);
                channel.close();
            } catch (IOException e) {
                throw new CrawlWriteException(what + ": writing failed (" + ErrorText.of(e) + ")", e);
            }
        }
    }
}
