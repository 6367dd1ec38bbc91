package io.github.asyncio4j.crawler;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A seeds file ({@code --seeds FILE}, {@code -} for standard input): one URL a line, UTF-8, blank lines and lines
 * starting with {@code #} skipped. Read a batch of lines at a time ({@link #next}), as the crawl needs them, so a
 * file of a million seeds is never held in memory at once. Blocking: the crawler calls {@link #next} off the loop,
 * one call at a time.
 */
final class SeedFile implements AutoCloseable {
    /** A line to crawl: its number in the file (from 1) and its text, stripped. */
    record Line(long number, String text) {
    }

    /** The longest line taken as a URL; a longer one is a bad line (and only its first part is read). */
    static final int MAX_LINE = 64 * 1024;

    private final String name;
    private final BufferedReader reader;
    private final boolean owned;
    private long number;

    private SeedFile(String name, InputStream in, boolean owned) {
        this.name = name;
        this.owned = owned;
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)));
    }

    /**
     * Opens {@code file} ({@code -}: {@code stdin}).
     * @throws CrawlSetupException (one line: {@code --seeds FILE: why}) if it is missing, a directory or unreadable
     */
    static SeedFile open(Path file, InputStream stdin) {
        if (file.toString().equals("-")) {
            return new SeedFile("standard input", stdin, false);
        }
        String where = "--seeds " + file;
        if (!Files.exists(file)) {
            throw new CrawlSetupException(where + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new CrawlSetupException(where + ": it is a directory");
        }
        try {
            return new SeedFile(file.toString(), Files.newInputStream(file), true);
        } catch (IOException | SecurityException e) {
            throw new CrawlSetupException(where + ": cannot be read (" + ErrorText.of(e) + ")", e);
        }
    }

    /** The file's name, or "standard input". */
    String name() {
        return name;
    }

    /**
     * The next {@code max} lines that hold something (fewer at the end; empty once the file is read).
     * @throws UncheckedIOException if reading fails
     */
    List<Line> next(int max) {
        List<Line> lines = new ArrayList<>(Math.min(max, 1024));
        try {
            String s;
            while (lines.size() < max && (s = readLine()) != null) {
                number++;
                if (number == 1 && !s.isEmpty() && s.charAt(0) == '\uFEFF') {
                    s = s.substring(1);     // a byte order mark
                }
                s = s.strip();
                if (!s.isEmpty() && s.charAt(0) != '#') {
                    lines.add(new Line(number, s));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    /** A line without its end, at most {@link #MAX_LINE} characters kept (the rest of a longer one skipped). */
    private String readLine() throws IOException {
        StringBuilder b = null;
        int c;
        while ((c = reader.read()) >= 0) {
            if (c == '\n') {
                break;
            }
            if (b == null) {
                b = new StringBuilder(128);
            }
            if (b.length() <= MAX_LINE) {
                b.append((char) c);
            }
        }
        if (c < 0 && b == null) {
            return null;
        }
        if (b == null) {
            return "";
        }
        int end = b.length();
        if (end > 0 && b.charAt(end - 1) == '\r') {
            end--;
        }
        return b.substring(0, end);
    }

    /** Closes the file (standard input stays open). */
    @Override
    public void close() {
        if (!owned) {
            return;
        }
        try {
            reader.close();
        } catch (IOException ignored) {
            // read-only: nothing is lost
        }
    }
}
