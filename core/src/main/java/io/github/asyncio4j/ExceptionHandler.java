package io.github.asyncio4j;

/** Called by the loop for errors nobody else can see (a failing callback, a task exception never retrieved). */
@FunctionalInterface
public interface ExceptionHandler {
    /** Reports {@code context}; called on the loop's thread. What it throws is logged, never propagated. */
    void handle(EventLoop loop, ExceptionContext context);
}
