package io.github.asyncio4j.process;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.Future;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.net.StreamOptions;
import io.github.asyncio4j.net.StreamReader;
import io.github.asyncio4j.net.StreamWriter;
import io.github.asyncio4j.net.Streams;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A child process with asyncio's interface ({@code asyncio.subprocess.Process}): its pipes are a
 * {@link StreamWriter} ({@link #stdin()}) and {@link StreamReader}s ({@link #stdout()}, {@link #stderr()}) with
 * back-pressure; {@link #waitFor()} and {@link #communicate} are awaitables.
 *
 * <pre>{@code
 * Subprocess p = await(Subprocess.exec("sort"));
 * Subprocess.Output out = await(p.communicate("b\na\n".getBytes()));
 * // out.stdout() is "a\nb\n", out.exitCode() is 0
 *
 * Subprocess ls = await(Subprocess.exec("ls", "-l"));
 * for (byte[] line : Subprocess.lines(ls.stdout()).each()) { ... }
 * }</pre>
 *
 * <p><b>How the JDK's blocking pipes are bridged.</b> {@link Process}' streams only block, and the JDK offers no
 * selectable channel for them, so each pipe gets one small platform thread (128 KiB stack) that does the
 * blocking call and hands over to the loop with {@code callSoonThreadsafe}: stdout and stderr each have a reader
 * thread (one chunk in flight, paused when the {@link StreamReader} is full: the child then blocks on a full pipe,
 * as with asyncio), stdin gets a writer thread at its first write (a stdin closed unwritten, as by
 * {@code communicate()} without input, needs none). Exit is noticed by the JDK's own reaper thread
 * ({@link Process#onExit()}), which every {@code Process} has anyway (idle reaper threads are reused). So a child
 * costs two or three threads of asyncio4j's while it runs, each a platform thread start (tens of microseconds)
 * and a {@code callSoonThreadsafe} per chunk; each ends with its pipe (at EOF, when the child and every process
 * it shares the pipe with have exited). Redirect a pipe you do not need ({@link #exec(ProcessBuilder)}) to save its thread.
 *
 * <p><b>Cancellation.</b> Cancelling a task in {@link #waitFor()} or {@link #communicate} kills the process and
 * the processes it started (SIGKILL, as Trio's {@code run_process} does), so no child is left running, none is
 * left a zombie (the JDK reaps it) and no pipe thread outlives it. Use {@link Async#shield} to wait without that.
 * Loop-confined: use it from the loop that started it.
 */
public final class Subprocess {
    private final EventLoop loop;
    private final Process process;
    private final StreamWriter stdin;
    private final StreamReader stdout;
    private final StreamReader stderr;
    private final PipeWriter stdinPipe;
    private final List<Thread> threads = new ArrayList<>(3);
    private final Future<Integer> exited;
    private Integer returnCode;

    /** What {@link #communicate} collects: the whole output of both pipes and the exit code. */
    public record Output(byte[] stdout, byte[] stderr, int exitCode) {
        @Override
        public String toString() {
            return "Output[stdout=" + (stdout == null ? null : stdout.length + " bytes") + ", stderr="
                    + (stderr == null ? null : stderr.length + " bytes") + ", exitCode=" + exitCode + "]";
        }
    }

    private Subprocess(EventLoop loop, Process process, ProcessBuilder builder) {
        this.loop = loop;
        this.process = process;
        long pid = process.pid();
        if (builder.redirectInput() == ProcessBuilder.Redirect.PIPE) {
            PipeWriter[] made = new PipeWriter[1];
            stdin = Streams.overTransport(p -> made[0] = new PipeWriter(loop, process.getOutputStream(),
                    "stdin of process " + pid).start(p), StreamOptions.DEFAULT_LIMIT).writer();
            stdinPipe = made[0];
        } else {
            stdin = null;
            stdinPipe = null;
        }
        stdout = builder.redirectOutput() == ProcessBuilder.Redirect.PIPE
                ? readPipe(process.getInputStream(), "stdout of process " + pid) : null;
        stderr = builder.redirectError() == ProcessBuilder.Redirect.PIPE && !builder.redirectErrorStream()
                ? readPipe(process.getErrorStream(), "stderr of process " + pid) : null;
        exited = loop.createFuture();
        process.onExit().whenComplete((p, e) -> {
            try {
                loop.callSoonThreadsafe(this::processExited);
            } catch (IllegalStateException loopClosed) {
                // the loop is gone: nobody waits any more
            }
        });
    }

    private StreamReader readPipe(java.io.InputStream in, String name) {
        PipeReader[] made = new PipeReader[1];
        StreamReader reader = Streams.overTransport(p -> made[0] = new PipeReader(loop, in, name).start(p),
                StreamOptions.DEFAULT_LIMIT).reader();
        threads.add(made[0].thread());
        return reader;
    }

    private void processExited() {
        returnCode = process.exitValue();
        if (stdinPipe != null) {
            stdinPipe.close("process " + process.pid() + " has exited");
        }
        if (!exited.isDone()) {
            exited.setResult(returnCode);
        }
    }

    /**
     * Starts {@code argv[0]} with the arguments that follow, all three pipes connected
     * ({@code asyncio.create_subprocess_exec(*argv, stdin=PIPE, stdout=PIPE, stderr=PIPE)}).
     *
     * @throws IllegalArgumentException if {@code argv} is empty or holds a null
     */
    public static Awaitable<Subprocess> exec(String... argv) {
        Objects.requireNonNull(argv, "argv");
        if (argv.length == 0) {
            throw new IllegalArgumentException("argv is empty: the program to run comes first");
        }
        for (int i = 0; i < argv.length; i++) {
            if (argv[i] == null) {
                throw new IllegalArgumentException("argv[" + i + "] is null");
            }
        }
        return exec(new ProcessBuilder(argv));
    }

    /**
     * Starts {@code command} with {@code /bin/sh -c} ({@code asyncio.create_subprocess_shell}), all pipes
     * connected. Quote what you pass to a shell.
     *
     * @throws IllegalArgumentException if {@code command} is blank
     */
    public static Awaitable<Subprocess> shell(String command) {
        Objects.requireNonNull(command, "command");
        if (command.isBlank()) {
            throw new IllegalArgumentException("the shell command is empty");
        }
        return exec(new ProcessBuilder("/bin/sh", "-c", command));
    }

    /**
     * Starts the process {@code builder} describes: its directory, environment and redirects are used as they
     * are; a stream redirected elsewhere than {@link ProcessBuilder.Redirect#PIPE} gets no pipe, no thread, and a
     * null accessor.
     *
     * <p>Awaiting it throws {@link UncheckedIOException} (with the JDK's message, such as {@code Cannot run
     * program "x": error=2, No such file or directory}) if the program cannot be run.
     */
    public static Awaitable<Subprocess> exec(ProcessBuilder builder) {
        Objects.requireNonNull(builder, "builder");
        if (builder.command().isEmpty()) {
            throw new IllegalArgumentException("the command is empty: the program to run comes first");
        }
        return () -> {
            EventLoop loop = Async.getRunningLoop();
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
            return new Subprocess(loop, process, builder);
        };
    }

    /** The child's stdin; null if it was not a pipe. */
    public StreamWriter stdin() {
        return stdin;
    }

    /** The child's stdout; null if it was not a pipe. */
    public StreamReader stdout() {
        return stdout;
    }

    /** The child's stderr; null if it was not a pipe (or merged into stdout). */
    public StreamReader stderr() {
        return stderr;
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    /** The exit code once the loop has seen the process exit, else null ({@code returncode}). */
    public Integer returnCode() {
        return returnCode;
    }

    /**
     * Waits for the process to exit and returns its exit code (Python's {@code wait()}). Leaves the pipes
     * alone: a child that fills a pipe nobody reads never exits (read it, or use {@link #communicate}).
     * Cancelled, it kills the process (see the class comment).
     */
    public Awaitable<Integer> waitFor() {
        return () -> {
            try {
                return await(Async.shield(exited));
            } catch (CancelledError e) {
                killTree();
                throw e;
            }
        };
    }

    /**
     * Sends {@code input} (if not null) to stdin and closes it, reads stdout and stderr to their ends, waits for
     * the exit, and returns it all. Cancelled, it kills the process (see the class comment).
     *
     * @throws IllegalStateException (when awaited) if {@code input} is given but stdin is not a pipe
     */
    public Awaitable<Output> communicate(byte[] input) {
        return () -> {
            if (input != null && stdin == null) {
                throw new IllegalStateException("communicate(input) needs stdin to be a pipe");
            }
            List<Task<?>> parts = new ArrayList<>(3);
            try {
                Task<byte[]> out = stdout == null ? null : loop.createTask(readAll(stdout));
                Task<byte[]> err = stderr == null ? null : loop.createTask(readAll(stderr));
                if (out != null) {
                    parts.add(out);
                }
                if (err != null) {
                    parts.add(err);
                }
                if (stdin != null) {
                    Task<Void> feed = loop.createTask(feed(input));
                    parts.add(feed);
                    await(feed);
                }
                byte[] o = out == null ? null : await(out);
                byte[] e = err == null ? null : await(err);
                int code = await(Async.shield(exited));
                return new Output(o, e, code);
            } catch (CancelledError e) {
                killTree();
                for (Task<?> t : parts) {
                    t.cancel();
                }
                throw e;
            }
        };
    }

    /** {@link #communicate(byte[])} with nothing to send: stdin (if a pipe) is just closed. */
    public Awaitable<Output> communicate() {
        return communicate(null);
    }

    private Coroutine<Void> feed(byte[] input) {
        return Coroutine.of(() -> {
            try {
                if (input != null && input.length > 0) {
                    stdin.write(input);
                    await(stdin.drain());
                }
            } catch (Exception exitedFirst) {
                // the child exited without reading it all (a broken pipe, or stdin already closed because it
                // exited): ignored, as Python's communicate() does; its output and exit code tell the story
            } finally {
                stdin.close();
            }
            return null;
        });
    }

    private static Coroutine<byte[]> readAll(StreamReader reader) {
        return Coroutine.of(() -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] chunk;
            while ((chunk = await(reader.read(64 * 1024))).length > 0) {
                all.writeBytes(chunk);
            }
            return all.toByteArray();
        });
    }

    /**
     * The lines of {@code reader} (each with its {@code \n}, the last one maybe without) as an async generator:
     * {@code for (byte[] line : Subprocess.lines(p.stdout()).each())}.
     */
    public static io.github.asyncio4j.AsyncGenerator<byte[]> lines(StreamReader reader) {
        Objects.requireNonNull(reader, "reader");
        return io.github.asyncio4j.AsyncGenerator.of(y -> {
            byte[] line;
            while ((line = await(reader.readLine())).length > 0) {
                y.yield(line);
            }
        });
    }

    /** Asks the process to stop: SIGTERM on Unix ({@code terminate()}). Does nothing once it has exited. */
    public void terminate() {
        process.destroy();
    }

    /** Kills the process: SIGKILL on Unix ({@code kill()}). Does nothing once it has exited. */
    public void kill() {
        process.destroyForcibly();
    }

    /** Kills the process and every process it started, so no pipe is held open by a grandchild. */
    private void killTree() {
        List<ProcessHandle> family = process.descendants().toList();   // before the parent dies and they move
        process.destroyForcibly();                                     // the parent first: it cannot react
        family.forEach(ProcessHandle::destroyForcibly);
    }

    /** The pipe threads started so far (for tests: they end with their pipes). */
    List<Thread> pipeThreads() {
        List<Thread> all = new ArrayList<>(threads);
        if (stdinPipe != null && stdinPipe.thread() != null) {
            all.add(stdinPipe.thread());
        }
        return all;
    }

    @Override
    public String toString() {
        return "<Subprocess pid=" + process.pid() + " " + (returnCode == null ? "running" : "returncode="
                + returnCode) + " " + Arrays.toString(new Object[] {stdin != null, stdout != null, stderr != null})
                + ">";
    }
}
