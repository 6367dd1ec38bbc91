package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;

/** The child JVM of {@link PsTest}: a loop with a small await tree ({@code tree}), or no loop at all ({@code idle}). */
public final class PsChild {
    private PsChild() {
    }

    /** Entry point; prints "ready" and waits to be killed. */
    public static void main(String[] args) throws Exception {
        if (args[0].equals("idle")) {
            System.out.println("ready");
            System.out.flush();
            Thread.sleep(120_000);
            return;
        }
        Async.run(Coroutine.of(() -> {
            Future<Void> never = Async.getRunningLoop().createFuture();
            Task<Void> worker = Async.createTask(Coroutine.of(() -> {
                await(never);
                return null;
            }), "worker");
            System.out.println("ready");
            System.out.flush();
            await(Async.gather(worker));
            return null;
        }));
    }
}
