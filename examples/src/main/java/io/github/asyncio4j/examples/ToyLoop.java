package io.github.asyncio4j.examples;

import io.github.asyncio4j.Generator;
import io.github.asyncio4j.StopIteration;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Step 6 of the guide: a whole event loop in one screen, built only on {@link Generator}. A task is a generator
 * that yields traps, the loop's system calls; each iteration waits for I/O or the next timer, moves what became
 * ready to the ready queue and runs one step of each ready task. Single-threaded; a failing task ends the loop.
 */
public final class ToyLoop {
    /** What a task may ask of the loop: resume me after some seconds, when a channel (non-blocking) is readable,
     *  or at once after starting another task. */
    public sealed interface Trap { }
    public record Sleep(double seconds) implements Trap { }
    public record WaitReadable(SelectableChannel channel) implements Trap { }
    public record Spawn(Generator<Trap, Void, ?> task) implements Trap { }

    private record Timer(double when, long order, Generator<Trap, Void, ?> task) { }

    private final ArrayDeque<Generator<Trap, Void, ?>> ready = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers =
            new PriorityQueue<>(Comparator.comparingDouble(Timer::when).thenComparingLong(Timer::order));
    private Selector selector;
    private long timersAdded;
    private int live;

    public void spawn(Generator<Trap, Void, ?> task) { live++; ready.add(task); }

    /** Runs until every task has returned. */
    @SuppressWarnings("unchecked")
    public void run() throws IOException {
        try (Selector s = Selector.open()) {
            selector = s;
            while (live > 0) {
                // 1. Wait for I/O: not at all if a task is ready, else until the earliest timer (0: no time limit).
                long waitMillis = timers.isEmpty() ? 0 : millisUntil(timers.peek().when());
                if (ready.isEmpty()) {
                    selector.select(waitMillis);
                } else {
                    selector.selectNow();
                }
                // 2. Tasks whose channel is readable become ready.
                for (SelectionKey key : selector.selectedKeys()) {
                    key.interestOps(0);
                    ready.add((Generator<Trap, Void, ?>) key.attachment());
                }
                selector.selectedKeys().clear();
                // 3. So do tasks whose timer is due.
                while (!timers.isEmpty() && timers.peek().when() <= now()) {
                    ready.add(timers.poll().task());
                }
                // 4. One step of each task that is ready now; tasks made ready meanwhile wait for the next round.
                for (int n = ready.size(); n > 0; n--) {
                    step(ready.poll());
                }
            }
        }
    }

    private void step(Generator<Trap, Void, ?> task) throws IOException {
        Trap trap;
        try {
            trap = task.next();
        } catch (StopIteration returned) {
            live--;
            return;
        }
        switch (trap) {
            case Sleep(double seconds) -> timers.add(new Timer(now() + seconds, timersAdded++, task));
            case WaitReadable(SelectableChannel channel) -> {
                SelectionKey key = channel.keyFor(selector);
                (key != null ? key : channel.register(selector, 0)).interestOps(SelectionKey.OP_READ).attach(task);
            }
            case Spawn(Generator<Trap, Void, ?> child) -> {
                spawn(child);
                step(task);   // a system call that does not block returns at once
            }
        }
    }

    private static double now() { return System.nanoTime() / 1e9; }
    private static long millisUntil(double when) { return Math.max(1, (long) Math.ceil((when - now()) * 1e3)); }
}
