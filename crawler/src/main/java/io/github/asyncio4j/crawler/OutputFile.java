package io.github.asyncio4j.crawler;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * An output file given on the command line ({@code --json}, {@code --html}, {@code --warc}), checked before the
 * crawl starts so that a report is never lost at the end of a crawl for want of a place to write it: its directory
 * must exist and be writable, and the file, if it exists, must be a writable regular file. Nothing is created.
 */
public final class OutputFile {
    private OutputFile() {
    }

    /** Thrown when an output file cannot be written; the message is one line naming the option and the reason. */
    public static final class UnwritableException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnwritableException(String message) {
            super(message);
        }
    }

    /**
     * Checks that {@code file} (given as {@code option}, e.g. {@code "--json"}) can be written; null is fine (the
     * option was not given).
     * @throws UnwritableException naming the option, the path and why not
     */
    public static void check(String option, Path file) {
        if (file == null) {
            return;
        }
        Path abs = file.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        String why = null;
        if (Files.isDirectory(abs)) {
            why = "it is a directory";
        } else if (dir == null || !Files.exists(dir)) {
            why = "directory " + (dir == null ? "(none)" : dir) + " does not exist";
        } else if (!Files.isDirectory(dir)) {
            why = dir + " is not a directory";
        } else if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) ? !Files.isWritable(abs) : !Files.isWritable(dir)) {
            why = Files.exists(abs) ? "the file is not writable" : "directory " + dir + " is not writable";
        } else if (Files.exists(abs) && !Files.isRegularFile(abs)) {
            why = "it is not a regular file";
        }
        if (why != null) {
            throw unwritable(option, file, why);
        }
    }

    /**
     * The one wording of "{@code file} cannot be written", for {@link #check} and for a writer that finds out only
     * when it opens the file ({@code --warc}).
     */
    static UnwritableException unwritable(String option, Path file, String why) {
        return new UnwritableException(option + " " + file + ": cannot write there: " + why);
    }
}
