package io.github.asyncio4j;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A test's child JVM: the same java, class path and engine as the test, running {@code mainClass}; its output is
 * read line by line (stderr merged into stdout), so a test can wait for a line, then signal or attach to it.
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final StringBuilder seen = new StringBuilder();

    private ChildJvm(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Starts the child; it is destroyed after {@link #LIFETIME_SECONDS} whatever happens, so a read of its output
     * always ends (a child that never prints what a test waits for fails the test instead of hanging the build).
     */
    static ChildJvm start(Class<?> mainClass, String... args) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(DEFAULT_SIGINT);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (Object.class.getModule().isExported("jdk.internal.vm", ChildJvm.class.getModule())) {
            cmd.add("--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED");    // the same engine as this run
        }
        cmd.addAll(List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classPath, mainClass.getName()));
        cmd.addAll(List.of(args));
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture.delayedExecutor(LIFETIME_SECONDS, TimeUnit.SECONDS).execute(process::destroyForcibly);
        return new ChildJvm(process);
    }

    static final int LIFETIME_SECONDS = 100;

    /**
     * A prefix that gives the child SIGINT's default disposition: a build started in the background by a
     * non-interactive shell runs with SIGINT ignored, children inherit that, and a JVM cannot catch an ignored
     * SIGINT (Ctrl-C tests would wait for nothing). GNU env's {@code --default-signal}; empty where env lacks it.
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

    long pid() {
        return process.pid();
    }

    /** Reads output until a line starts with {@code prefix}; returns that line (fails at the end of output). */
    String awaitLine(String prefix) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("the child JVM ended without printing '" + prefix + "'; it printed:\n" + seen);
    }

    void signal(String name) throws IOException, InterruptedException {
        int rc = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
        if (rc != 0) {
            throw new AssertionError("kill -" + name + " failed: " + rc);
        }
    }

    /** Waits for the exit (bounded) and returns its status; the rest of the output is kept in {@link #output()}. */
    int exitValue() throws IOException, InterruptedException {
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the child JVM did not exit; it printed:\n" + seen);
        }
        return process.exitValue();
    }

    /** Everything read so far. */
    String output() {
        return seen.toString();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
