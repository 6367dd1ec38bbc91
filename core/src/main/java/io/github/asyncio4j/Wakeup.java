package io.github.asyncio4j;

import java.util.function.Consumer;

/**
 * A done callback that only resumes a task. {@link Future} recognises it and queues the task's step handle
 * directly, where any other callback is wrapped in a new {@link Handle}: one allocation less per await.
 */
interface Wakeup extends Consumer<Future<?>> {

    /** The handle that runs the task's step: the same object for every step of the task. */
    Handle stepHandle();
}
