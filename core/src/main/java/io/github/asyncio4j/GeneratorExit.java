package io.github.asyncio4j;

/**
 * Raised at a generator's suspension point by {@link Generator#close()}, so its {@code finally} blocks run.
 * An {@link Error}, like Python's {@code BaseException}, so that {@code catch (Exception e)} cannot swallow it.
 */
public class GeneratorExit extends Error {
    private static final long serialVersionUID = 1L;

    /** The request to finish that {@code close()} raises at the suspension point. */
    public GeneratorExit() {
        super("generator closed", null, false, false);
    }
}
