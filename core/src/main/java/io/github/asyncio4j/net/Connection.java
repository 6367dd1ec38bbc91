package io.github.asyncio4j.net;

/**
 * The two halves of an open connection, as {@link Streams#openConnection} hands them out. {@link #close()} closes
 * the writer (and so the connection) without waiting, for try-with-resources.
 */
public record Connection(StreamReader reader, StreamWriter writer) implements AutoCloseable {

    /** Closes the connection: same as {@code writer().close()}. */
    @Override
    public void close() {
        writer.close();
    }
}
