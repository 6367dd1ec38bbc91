package io.github.asyncio4j.net;

import java.util.Objects;

/**
 * What {@link io.github.asyncio4j.EventLoop#createConnection} hands back: asyncio's {@code (transport, protocol)}
 * pair. {@link #close()} closes the transport, for try-with-resources.
 *
 * @param transport the connection's transport
 * @param protocol  the protocol the factory made, already told {@code connectionMade}
 * @param <P>       the protocol's type
 */
public record ProtocolConnection<P extends Protocol>(Transport transport, P protocol) implements AutoCloseable {

    /** @throws NullPointerException if either part is null */
    public ProtocolConnection {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(protocol, "protocol");
    }

    /** Closes the transport after its buffered data is sent. */
    @Override
    public void close() {
        transport.close();
    }
}
