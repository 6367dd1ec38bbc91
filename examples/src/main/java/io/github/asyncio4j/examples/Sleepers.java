package io.github.asyncio4j.examples;

import static io.github.asyncio4j.Async.await;
import static io.github.asyncio4j.Async.createTask;
import static io.github.asyncio4j.Async.sleep;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.CancelledError;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import java.io.PrintStream;
import java.util.List;

/**
 * The closing program, part 1: several sleeping tasks run at once on one thread; results come back in the order
 * they are awaited; a task still sleeping is cancelled, and its cleanup runs. The tasks are created in the order
 * of their deadlines, so a slow machine can delay the output but not reorder it.
 */
public final class Sleepers {
    private Sleepers() {
    }

    static Coroutine<String> cook(String dish, double seconds, PrintStream out) {
        return Coroutine.of(() -> {
            out.println(dish + ": start (" + seconds + " s)");
            try {
                await(sleep(seconds));
            } catch (CancelledError e) {
                out.println(dish + ": cancelled while sleeping; cleaning up");
                throw e;                       // let the cancellation finish the task
            }
            out.println(dish + ": done");
            return dish;
        });
    }

    static void run(PrintStream out) {
        Async.run(Coroutine.of(() -> {
            Task<String> toast = createTask(cook("toast", 0.1, out));
            Task<String> eggs = createTask(cook("eggs", 0.2, out));
            Task<String> tea = createTask(cook("tea", 0.3, out));
            Task<String> dishes = createTask(cook("dishes", 60.0, out));
            List<String> served = List.of(await(tea), await(toast), await(eggs));   // tea first, please
            out.println("main: served in the order awaited: " + served);
            out.println("main: nobody waits 60 s for the dishes: cancel()");
            dishes.cancel();
            try {
                await(dishes);
            } catch (CancelledError expected) {
                out.println("main: dishes.isCancelled() = " + dishes.isCancelled());
            }
            return null;
        }));
    }

    public static void main(String[] args) {
        run(System.out);
    }
}
