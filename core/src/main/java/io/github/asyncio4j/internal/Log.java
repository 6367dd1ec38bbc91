package io.github.asyncio4j.internal;

/**
 * asyncio4j's {@link System.Logger}, looked up at its first use. The first {@code System.getLogger} of a JVM
 * looks for a {@code LoggerFinder} service on the class path and detects a logging backend; a program that logs
 * nothing, as most runs of the loop do, should not pay that at start-up, which a {@code static final} logger field
 * makes it do.
 */
public final class Log {
    private Log() {
    }

    /** The {@code "io.github.asyncio4j"} logger. */
    public static System.Logger asyncio4j() {
        return Holder.LOGGER;
    }

    private static final class Holder {
        static final System.Logger LOGGER = System.getLogger("io.github.asyncio4j");
    }
}
