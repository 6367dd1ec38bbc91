package io.github.asyncio4j.crawler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A crawler in a JVM of its own (so a test can kill it), on this JVM's class path and engine; its stdout and
 * stderr go to {@code NAME.out} and {@code NAME.err} in a directory.
 */
final class ChildCrawl {
    private final Process process;
    private final Path out;
    private final Path err;

    private ChildCrawl(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** The command line that runs {@link CrawlCommand} with {@code args} in a new JVM. */
    static List<String> command(List<String> args) {
        return command(List.of(), args);
    }

    /** The same, with JVM options ({@code -Dname=value}) before the class name. */
    static List<String> command(List<String> jvmArgs, List<String> args) {
        return command(jvmArgs, CrawlCommand.class.getName(), args);
    }

    /** The same with another main class (one that runs the command with a spider). */
    static List<String> command(List<String> jvmArgs, String mainClass, List<String> args) {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(DEFAULT_SIGINT);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (Object.class.getModule().isExported("jdk.internal.vm", ChildCrawl.class.getModule())) {
            cmd.add("--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED");    // the same engine as this run
        }
        for (String engine : List.of("asyncio4j.coroutines", "asyncio4j.generators")) {    // compiled, if this run is
            if (System.getProperty(engine) != null) {
                cmd.add("-D" + engine + "=" + System.getProperty(engine));
            }
        }
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", classPath, mainClass));
        cmd.addAll(args);
        return cmd;
    }

    /**
     * A prefix giving the child SIGINT's default disposition (GNU env's {@code --default-signal}; empty where env
     * lacks it): a build run in the background by a non-interactive shell ignores SIGINT, children inherit that, and
     * a JVM cannot catch an ignored SIGINT, so the Ctrl-C tests would fail for a reason that is not the crawler's.
     */
    private static final List<String> DEFAULT_SIGINT = defaultSigint();

    private static List<String> defaultSigint() {
        try {
            Process p = new ProcessBuilder("env", "--default-signal=INT", "true").start();
            boolean ok = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
            return ok ? List.of("env", "--default-signal=INT") : List.of();
        } catch (IOException | InterruptedException e) {
            return List.of();
        }
    }

    static ChildCrawl start(Path dir, String name, List<String> args) throws IOException {
        return start(dir, name, List.of(), args);
    }

    static ChildCrawl start(Path dir, String name, List<String> jvmArgs, List<String> args) throws IOException {
        return startCommand(dir, name, command(jvmArgs, args));
    }

    /** A child running {@code command}. */
    static ChildCrawl startCommand(Path dir, String name, List<String> command) throws IOException {
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new ChildCrawl(p, out, err);
    }

    Process process() {
        return process;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Sends {@code signal} ({@code KILL}, {@code INT}) to the JVM. */
    void signal(String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
    }

    /** Waits for the exit and returns its code; fails after {@code seconds}. */
    int waitFor(int seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the crawl did not end within " + seconds + " s; " + output());
        }
        return process.exitValue();
    }

    /** What it printed, for failure messages. */
    String output() {
        try {
            return "stdout:\n" + Files.readString(out) + "\nstderr:\n" + Files.readString(err);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    String stderr() throws IOException {
        return Files.readString(err);
    }
}
