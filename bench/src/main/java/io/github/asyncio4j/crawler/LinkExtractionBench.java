package io.github.asyncio4j.crawler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Link extraction on one core, on real pages: every HTML page of Debian's Python 3.11 and PostgreSQL 15 docs, in
 * turn. {@code dom} is the crawler's old extractor (jsoup's DOM, {@code absUrl} per link); {@code scanner} the new
 * one ({@link LinkScanner}: one pass, one parsed base per page); {@code scannerNormalised} what the crawler's worker
 * threads do per page ({@link LinkExtractor#extractHere}: scan, normalise, classify). The {@code bytes} counter is
 * HTML read per second: MB/s per core is its score / 1e6. Run by {@code bench/run links}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LinkExtractionBench {
    /** Where each site's pages are (Debian's packages); a missing directory fails the run with its name. */
    @Param({"python", "postgresql"})
    public String site;

    private final List<byte[]> pages = new ArrayList<>();
    private final List<URI> urls = new ArrayList<>();
    private int next;

    /** HTML bytes extracted from, per second (a JMH auxiliary counter). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        /** Bytes of HTML handled. */
        public long bytes;
    }

    /** Reads every page of the site. */
    @Setup(Level.Trial)
    public void load() {
        Path dir = Path.of(switch (site) {
            case "python" -> "/usr/share/doc/python3.11/html";
            case "postgresql" -> "/usr/share/doc/postgresql-doc-15/html";
            default -> throw new IllegalArgumentException("unknown site " + site);
        });
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(dir + " is missing: install the site's Debian package (bench/peers/install)");
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".html")).sorted().toList()) {
                pages.add(Files.readAllBytes(p));
                urls.add(URI.create("http://127.0.0.1:8080/" + site + "/" + dir.relativize(p)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int page(Bytes b) {
        int i = next;
        next = (i + 1) % pages.size();
        b.bytes += pages.get(i).length;
        return i;
    }

    /** Before: jsoup's DOM. */
    @Benchmark
    public Object dom(Bytes b) {
        int i = page(b);
        return Links.extract(pages.get(i), null, urls.get(i).toString());
    }

    /** After: the streaming scanner. */
    @Benchmark
    public Object scanner(Bytes b) {
        int i = page(b);
        return LinkScanner.scan(pages.get(i), null, urls.get(i).toString());
    }

    /** After, as a worker thread runs it: scan, then normalise each link. */
    @Benchmark
    public Object scannerNormalised(Bytes b) {
        int i = page(b);
        return LinkExtractor.extractHere(pages.get(i), null, urls.get(i));
    }
}
