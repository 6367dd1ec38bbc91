package io.github.asyncio4j.bench

import java.util.function.LongSupplier
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield

/**
 * The Kotlin coroutines twins of LoopBench's workloads and of TaskMemory's suspended tasks, for `bench/run loop`.
 * Each runs in `runBlocking`: an event loop on the calling thread, one thread as an asyncio4j loop is, and
 * started and stopped once per invocation as `loop.runUntilComplete` is in LoopBench.
 */
object KotlinPeer {
    /** Two coroutines alternating `yield()`, `n` times each: `2 n` switches. */
    @JvmStatic
    fun taskSwitch(n: Int) = runBlocking {
        val a = launch { repeat(n) { yield() } }
        val b = launch { repeat(n) { yield() } }
        a.join()
        b.join()
    }

    /** `launch` of `n` coroutines that return at once, then `join` of the last (the queue is FIFO: all are done). */
    @JvmStatic
    fun spawn(n: Int) = runBlocking {
        var last: Job? = null
        repeat(n) { last = launch { } }
        last!!.join()
    }

    /**
     * `n` coroutines each suspended in `gate.await()` on one shared deferred; returns `heap` before they start
     * and once all are suspended, then lets them finish.
     */
    @JvmStatic
    fun suspendedHeap(n: Int, heap: LongSupplier): LongArray = runBlocking {
        val gate = CompletableDeferred<Unit>()
        val before = heap.asLong
        repeat(n) { launch { gate.await() } }
        yield()   // every child has run to its await (the loop is FIFO)
        val after = heap.asLong
        gate.complete(Unit)
        longArrayOf(before, after)
    }
}
