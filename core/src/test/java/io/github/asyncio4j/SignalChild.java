package io.github.asyncio4j;

import static io.github.asyncio4j.Async.await;

/**
 * The child JVM of {@link SignalTest}: runs a main coroutine under {@link Async#run} and reports what Ctrl-C did.
 * {@code polite}: the main task's cleanup runs and {@code run} throws CancelledError (exit 3).
 * {@code stubborn}: the main task swallows the cancellation and keeps waiting; only a second Ctrl-C ends the JVM.
 * {@code handler}: a loop signal handler for USR2 counts deliveries, then removes itself.
 */
public final class SignalChild {
    private SignalChild() {
    }

    /** Entry point; the argument picks the scenario. */
    public static void main(String[] args) {
        String mode = args[0];
        try {
            Async.run(Coroutine.of(() -> {
                if (mode.equals("handler")) {
                    return usr2();
                }
                Future<Void> never = Async.getRunningLoop().createFuture();
                System.out.println("ready");
                System.out.flush();
                try {
                    await(never);
                } catch (CancelledError e) {
                    System.out.println("cleanup: " + e.getMessage());
                    System.out.flush();
                    if (mode.equals("stubborn")) {
                        Async.currentTask().uncancel();
                        System.out.println("still running");
                        System.out.flush();
                        await(Async.getRunningLoop().createFuture());
                    }
                    throw e;
                }
                return null;
            }));
        } catch (CancelledError e) {
            System.out.println("run threw CancelledError: " + e.getMessage());
            System.exit(3);
        }
        System.exit(0);
    }

    private static Object usr2() {
        EventLoop loop = Async.getRunningLoop();
        Future<Void> done = loop.createFuture();
        int[] count = {0};
        loop.addSignalHandler("SIGUSR2", () -> {
            count[0]++;
            System.out.println("USR2 " + count[0] + " on the loop thread: " + (Async.getRunningLoop() == loop));
            System.out.flush();
            if (count[0] == 2) {
                System.out.println("removed: " + loop.removeSignalHandler("USR2"));
                done.setResult(null);
            }
        });
        System.out.println("ready");
        System.out.flush();
        await(done);
        System.out.println("removed again: " + loop.removeSignalHandler("USR2"));
        System.out.flush();
        return null;
    }
}
