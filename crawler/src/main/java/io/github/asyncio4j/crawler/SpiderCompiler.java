package io.github.asyncio4j.crawler;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles a spider's source file with the JDK's compiler (javax.tools), in this process, against this process's
 * class path (the crawler and its libraries: jsoup, Gson), and finds the class that implements {@link Spider}.
 * Loaded only when the cache has no entry for the file.
 */
final class SpiderCompiler {
    private SpiderCompiler() {
    }

    /**
     * Compiles {@code source} into {@code into}; javac's messages go to {@code err} as javac prints them.
     * @return the binary name of the concrete class that implements {@link Spider}
     * @throws SpiderLoader.NotASpiderException if it does not compile, or declares no spider, or more than one
     */
    static String compile(Path source, Path into, PrintStream err) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new SpiderLoader.NotASpiderException("this Java runtime has no compiler (javax.tools): run the "
                    + "spider command with a JDK");
        }
        PrintWriter messages = new PrintWriter(err, true);
        boolean ok;
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
            List<String> options = List.of("-d", into.toString(), "-cp", System.getProperty("java.class.path"),
                    "-proc:none", "-encoding", "UTF-8", "-implicit:none", "-Xlint:none", "-g");
            ok = javac.getTask(messages, files, null, options, null,
                    files.getJavaFileObjects(source.toFile())).call();
        }
        messages.flush();
        if (!ok) {
            throw new SpiderLoader.NotASpiderException(source + " does not compile (javac's messages are above)");
        }
        return findSpider(source, into);
    }

    private static String findSpider(Path source, Path classes) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(classes)) {
            paths.filter(p -> p.toString().endsWith(".class")).forEach(p -> {
                String rel = classes.relativize(p).toString();
                names.add(rel.substring(0, rel.length() - ".class".length()).replace(java.io.File.separatorChar, '.'));
            });
        }
        List<Class<?>> spiders = new ArrayList<>();
        try (URLClassLoader loader = new URLClassLoader(new URL[]{classes.toUri().toURL()},
                SpiderCompiler.class.getClassLoader())) {
            for (String name : names) {
                Class<?> c;
                try {
                    c = Class.forName(name, false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    continue;
                }
                if (Spider.class.isAssignableFrom(c) && !c.isInterface() && !Modifier.isAbstract(c.getModifiers())
                        && !c.isAnonymousClass() && !c.isLocalClass()) {
                    spiders.add(c);
                }
            }
        }
        if (spiders.isEmpty()) {
            throw new SpiderLoader.NotASpiderException(source + " declares no class that implements "
                    + Spider.class.getName());
        }
        if (spiders.size() > 1) {
            List<Class<?>> topLevel = spiders.stream().filter(c -> c.getEnclosingClass() == null).toList();
            if (topLevel.size() != 1) {
                throw new SpiderLoader.NotASpiderException(source + " declares " + spiders.size() + " spiders ("
                        + String.join(", ", spiders.stream().map(Class::getName).sorted().toList())
                        + "): the spider command runs one");
            }
            return topLevel.get(0).getName();
        }
        return spiders.get(0).getName();
    }
}
