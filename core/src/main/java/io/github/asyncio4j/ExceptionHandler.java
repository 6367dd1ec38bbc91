package io.github.asyncio4j;

/** Called by the loop for errors nobody else can see (a failing callback, a task exception never retrieved). */
@FunctionalInterface
public interface ExceptionHandler {
    void handle(EventLoop loop, ExceptionContext context);
}
