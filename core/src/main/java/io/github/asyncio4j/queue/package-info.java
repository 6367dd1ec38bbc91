/**
 * asyncio's queues for tasks of one event loop: {@link io.github.asyncio4j.queue.Queue} (first in, first out),
 * {@link io.github.asyncio4j.queue.PriorityQueue} and {@link io.github.asyncio4j.queue.LifoQueue}, with
 * {@link io.github.asyncio4j.queue.QueueFull}, {@link io.github.asyncio4j.queue.QueueEmpty} and
 * {@link io.github.asyncio4j.queue.QueueShutDown}. A queue is also an {@link io.github.asyncio4j.AsyncIterable}:
 * consumers may iterate it until it is shut down and drained.
 *
 * <pre>{@code
 * Queue<String> urls = new Queue<>(100);
 * createTask(Coroutine.of(() -> {                  // a consumer
 *     for (String url : urls.each()) {
 *         fetch(url);
 *         urls.taskDone();
 *     }
 *     return null;
 * }));
 * await(urls.put("https://example.org/"));
 * await(urls.join());                              // every url handled
 * urls.shutdown();                                 // the consumer's loop ends
 * }</pre>
 */
package io.github.asyncio4j.queue;
