package io.github.asyncio4j.http;

import io.github.asyncio4j.net.Connection;

/**
 * One keep-alive connection of a {@link ConnectionPool}: its streams, the number of requests it carried, and when
 * it went idle (-1 while busy or new). Loop-confined.
 */
final class PooledConnection {
    private final int id;
    private final Origin origin;
    private final Connection connection;
    private int requests;
    private double idleSince = -1;

    PooledConnection(int id, Origin origin, Connection connection) {
        this.id = id;
        this.origin = origin;
        this.connection = connection;
    }

    int id() {
        return id;
    }

    Origin origin() {
        return origin;
    }

    Connection connection() {
        return connection;
    }

    /** Requests sent on this connection before the current one. */
    int requests() {
        return requests;
    }

    void countRequest() {
        requests++;
        idleSince = -1;
    }

    double idleSince() {
        return idleSince;
    }

    void idleSince(double time) {
        idleSince = time;
    }

    @Override
    public String toString() {
        return "<connection #" + id + " to " + origin + ", " + requests + " requests>";
    }
}
