package io.github.asyncio4j.crawler;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A spider from one Java source file: compiled ({@link SpiderCompiler}) into a cache directory named by the hash of
 * the file's bytes, the JDK's version and the crawler's own build, so that a later run of the same file loads its
 * classes and starts as fast as a crawl (the compiler is not even loaded). The cache is the system property
 * {@code asyncio4j.spiderCache} (the launcher's: {@code crawler/target/spider-cache}), else
 * {@code ~/.cache/asyncio4j/spiders}.
 */
final class SpiderLoader {
    /** The class in the file that implements {@link Spider}, named in the cache entry. */
    static final String CLASS_FILE = "spider-class";

    /** The file cannot be run as a spider; the message is one line (a compile error's text went to the stream). */
    static final class NotASpiderException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotASpiderException(String message) {
            super(message);
        }
    }

    private SpiderLoader() {
    }

    /**
     * The spider in {@code source}, made with its constructor without arguments; compile errors are printed on
     * {@code err} as javac prints them.
     * @throws NotASpiderException if it does not compile, declares no spider (or two), or cannot be made
     */
    static Spider load(Path source, PrintStream err) {
        byte[] text;
        try {
            text = Files.readAllBytes(source);
        } catch (IOException e) {
            throw new NotASpiderException(source + ": cannot read it (" + ErrorText.of(e) + ")");
        }
        Path cache = cacheRoot();
        Path entry = cache.resolve(key(text));
        if (!Files.isRegularFile(entry.resolve(CLASS_FILE))) {
            compileInto(source, cache, entry, err);
        }
        String className;
        try {
            className = Files.readString(entry.resolve(CLASS_FILE), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return instantiate(source, load(entry, className));
    }

    private static void compileInto(Path source, Path cache, Path entry, PrintStream err) {
        Path tmp;
        try {
            Files.createDirectories(cache);
            tmp = Files.createTempDirectory(cache, "compiling-");
        } catch (IOException e) {
            throw new NotASpiderException("cannot use the spider cache " + cache + " (" + ErrorText.of(e) + ")");
        }
        try {
            String className = SpiderCompiler.compile(source, tmp, err);
            Files.writeString(tmp.resolve(CLASS_FILE), className, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                // another run compiled the same file meanwhile: its entry is as good
            } catch (IOException e) {
                if (!Files.isRegularFile(entry.resolve(CLASS_FILE))) {
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new NotASpiderException("cannot write to the spider cache " + cache + " (" + ErrorText.of(e) + ")");
        } finally {
            deleteTree(tmp);
        }
    }

    /** Every class of the cache entry, loaded by a loader of their own over the crawler's. */
    private static Class<?> load(Path entry, String className) {
        try {
            @SuppressWarnings("resource")   // the spider's classes live as long as the process
            URLClassLoader loader = new URLClassLoader(new URL[]{entry.toUri().toURL()},
                    SpiderLoader.class.getClassLoader());
            return Class.forName(className, true, loader);
        } catch (MalformedURLException | ClassNotFoundException e) {
            throw new NotASpiderException("the compiled spider " + className + " cannot be loaded from " + entry
                    + " (" + ErrorText.of(e) + "): delete that directory");
        }
    }

    /** {@code new C()}. */
    static Spider instantiate(Path source, Class<?> c) {
        Constructor<?> ctor;
        try {
            ctor = c.getDeclaredConstructor();
        } catch (NoSuchMethodException e) {
            throw new NotASpiderException(source + ": " + c.getName() + " has no constructor without arguments"
                    + (c.getEnclosingClass() != null && !Modifier.isStatic(c.getModifiers())
                    ? " (an inner class needs an outer object: make it static)" : "")
                    + ": the spider command makes its spider with new " + c.getSimpleName() + "()");
        }
        try {
            ctor.setAccessible(true);
            return (Spider) ctor.newInstance();
        } catch (InvocationTargetException e) {
            throw new NotASpiderException(source + ": new " + c.getSimpleName() + "() failed: "
                    + ErrorText.of(e.getCause()));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new NotASpiderException(source + ": new " + c.getSimpleName() + "() failed: " + ErrorText.of(e));
        }
    }

    static Path cacheRoot() {
        String dir = System.getProperty("asyncio4j.spiderCache");
        return dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "asyncio4j", "spiders");
    }

    /** The cache key: the source's bytes, the JDK, and the crawler's build (its jar's or directory's time). */
    private static String key(byte[] text) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(text);
            sha.update(("\0" + Runtime.version() + "\0" + crawlerBuild()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
    }

    private static String crawlerBuild() {
        try {
            Path where = Path.of(Spider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path stamp = Files.isDirectory(where) ? where.resolve("io/github/asyncio4j/crawler/Spider.class") : where;
            return where + "@" + Files.getLastModifiedTime(stamp).toMillis();
        } catch (Exception e) {     // no code source (an unusual loader): the JDK and the text still key it
            return "unknown";
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a temporary directory left behind is harmless
                }
            });
        } catch (IOException ignored) {
            // as above
        }
    }
}
