package io.github.asyncio4j.process;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.sleep;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.net.StreamWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Subprocess}: pipes, communicate, exit codes, signals, cancellation without leftovers, bad input. */
@Timeout(30)
class SubprocessTest {

    static <T> T run(Callable<T> body) {
        return Async.run(Coroutine.of(body));
    }

    static String text(byte[] b) {
        return new String(b, UTF_8);
    }

    @Test
    void communicateCollectsOutputAndExitCode() {
        run(() -> {
            Subprocess p = await(Subprocess.exec("echo", "hello", "world"));
            assertThat(p.pid()).isPositive();
            Subprocess.Output out = await(p.communicate());
            assertThat(text(out.stdout())).isEqualTo("hello world\n");
            assertThat(out.stderr()).isEmpty();
            assertThat(out.exitCode()).isZero();
            assertThat(p.returnCode()).isZero();
            assertThat(p.pipeThreads()).hasSize(2);   // stdout's and stderr's: stdin closed unwritten needs none

            Subprocess sh = await(Subprocess.shell("echo oops >&2; exit 3"));
            assertThat(sh.returnCode()).isNull();
            Subprocess.Output failed = await(sh.communicate());
            assertThat(text(failed.stderr())).isEqualTo("oops\n");
            assertThat(failed.exitCode()).isEqualTo(3);
            assertThat(await(sh.waitFor())).isEqualTo(3);
            return null;
        });
    }

    @Test
    void aMegabyteThroughCatBothWays() {
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        run(() -> {
            Subprocess cat = await(Subprocess.exec("cat"));
            Subprocess.Output out = await(cat.communicate(data));
            assertThat(out.stdout()).isEqualTo(data);
            assertThat(out.exitCode()).isZero();
            return null;
        });
    }

    @Test
    void streamsByHandAndLinesAsAnAsyncGenerator() {
        run(() -> {
            Subprocess cat = await(Subprocess.exec("cat"));
            List<String> lines = new ArrayList<>();
            Task<Void> reader = createTask(Coroutine.of(() -> {
                for (byte[] line : Subprocess.lines(cat.stdout()).each()) {
                    lines.add(text(line));
                }
                return null;
            }));
            for (int i = 0; i < 3; i++) {
                cat.stdin().write(("line " + i + "\n").getBytes(UTF_8));
                await(cat.stdin().drain());
            }
            cat.stdin().close();
            await(reader);
            assertThat(lines).containsExactly("line 0\n", "line 1\n", "line 2\n");
            assertThat(await(cat.waitFor())).isZero();
            assertThatThrownBy(() -> cat.stdin().write(new byte[] {1}))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot write to stdin of process");
            return null;
        });
    }

    @Test
    void stdinPausesAtTheHighWaterMarkForAChildThatDoesNotRead() {
        run(() -> {
            Subprocess p = await(Subprocess.exec("sleep", "30"));   // never reads its stdin
            StreamWriter in = p.stdin();
            in.write(new byte[1 << 20]);
            assertThat(in.writeBufferSize()).isGreaterThan(in.highWaterMark());
            assertThatThrownBy(() -> await(Async.waitFor(in.drain(), Duration.ofMillis(100))))
                    .isInstanceOf(TimeoutError.class);   // paused: the pipe cannot take a megabyte
            assertThatThrownBy(() -> in.setWriteBufferLimits(10, 20)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("need 0 <= low <= high");
            in.setWriteBufferLimits(4 << 20, 2 << 20);   // the buffer is now below the low mark: resumed
            await(in.drain());
            assertThat(in.highWaterMark()).isEqualTo(4 << 20);
            p.kill();
            assertThat(await(p.waitFor())).isEqualTo(128 + 9);
            return null;
        });
    }

    @Test
    void terminateAndKillEndTheProcessWithTheSignal() {
        run(() -> {
            Subprocess p = await(Subprocess.exec("sleep", "30"));
            p.terminate();
            assertThat(await(p.waitFor())).isEqualTo(128 + 15);
            Subprocess q = await(Subprocess.exec("sleep", "30"));
            q.kill();
            assertThat(await(q.waitFor())).isEqualTo(128 + 9);
            return null;
        });
    }

    @Test
    void cancellingCommunicateLeavesNoProcessNoZombieAndNoThread() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<ProcessHandle> family = new ArrayList<>();
        run(() -> {
            // a shell that starts a grandchild holding the pipes: killing only the shell would leave it running
            Subprocess p = await(Subprocess.shell("sleep 30; echo never"));
            ProcessHandle self = ProcessHandle.of(p.pid()).orElseThrow();
            for (int i = 0; i < 200 && self.descendants().findAny().isEmpty(); i++) {
                await(sleep(0.01));
            }
            family.add(self);
            self.descendants().forEach(family::add);
            assertThat(family).hasSizeGreaterThan(1);
            Task<Subprocess.Output> talk = createTask(Coroutine.of(() -> await(p.communicate("ignored".getBytes(UTF_8)))));
            await(sleep(0.05));
            threads.addAll(p.pipeThreads());
            assertThat(threads).hasSizeBetween(2, 3);   // stdout, stderr, and stdin's once the input is being sent
            assertThat(threads.subList(0, 2)).allMatch(Thread::isAlive);
            talk.cancel();
            assertThatThrownBy(() -> await(talk)).isInstanceOf(CancelledError.class);
            assertThat(await(p.waitFor())).isEqualTo(128 + 9);
            return null;
        });
        for (Thread t : threads) {
            t.join(10_000);
            assertThat(t.isAlive()).as("pipe thread %s", t.getName()).isFalse();
        }
        for (ProcessHandle h : family) {
            h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(h.isAlive()).as("process %d", h.pid()).isFalse();
        }
        assertThat(ProcessHandle.current().children()).noneMatch(h -> family.get(0).pid() == h.pid());
    }

    @Test
    void cancellingWaitForKillsTheProcess() {
        run(() -> {
            Subprocess p = await(Subprocess.exec("sleep", "30"));
            Task<Integer> waiting = createTask(Coroutine.of(() -> await(p.waitFor())));
            await(sleep(0.01));
            waiting.cancel();
            assertThatThrownBy(() -> await(waiting)).isInstanceOf(CancelledError.class);
            assertThat(await(p.waitFor())).isEqualTo(128 + 9);
            assertThat(p.returnCode()).isEqualTo(128 + 9);
            return null;
        });
    }

    @Test
    void badInputIsAClearError() {
        assertThatThrownBy(() -> Subprocess.exec()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("argv is empty");
        assertThatThrownBy(() -> Subprocess.exec("ls", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("argv[1] is null");
        assertThatThrownBy(() -> Subprocess.shell(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> run(() -> await(Subprocess.exec("/no/such/program-asyncio4j"))))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("/no/such/program-asyncio4j");
        run(() -> {
            Subprocess p = await(Subprocess.exec(new ProcessBuilder("true")
                    .redirectInput(ProcessBuilder.Redirect.INHERIT)));
            assertThat(p.stdin()).isNull();
            assertThatThrownBy(() -> await(p.communicate(new byte[] {1})))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("stdin to be a pipe");
            assertThat(await(p.communicate()).exitCode()).isZero();
            return null;
        });
    }
}
