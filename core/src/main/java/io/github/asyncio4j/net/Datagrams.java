package io.github.asyncio4j.net;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Awaitable;
import io.github.asyncio4j.internal.Exceptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;

/**
 * UDP endpoints ({@code loop.create_datagram_endpoint} with a local address).
 *
 * <pre>{@code
 * DatagramEndpoint ep = await(Datagrams.createEndpoint("127.0.0.1", 0));
 * await(ep.sendTo(bytes, peer));
 * Datagram d = await(ep.receiveFrom());
 * }</pre>
 */
public final class Datagrams {
    private Datagrams() {
    }

    /**
     * Opens a UDP socket bound to {@code localHost:localPort} (host null or empty: all interfaces; port 0: an
     * ephemeral port). The host is resolved off the loop thread unless it is a literal address.
     */
    public static Awaitable<DatagramEndpoint> createEndpoint(String localHost, int localPort) {
        if (localPort < 0 || localPort > 65535) {
            throw new IllegalArgumentException("port out of range: " + localPort);
        }
        return () -> {
            InetSocketAddress local = localHost == null || localHost.isEmpty()
                    ? new InetSocketAddress(localPort)
                    : new InetSocketAddress(Resolver.resolve(localHost).get(0), localPort);
            DatagramChannel channel = null;
            try {
                channel = DatagramChannel.open();
                channel.bind(local);
                channel.configureBlocking(false);
                return new DatagramEndpoint(Async.getRunningLoop(), channel);
            } catch (IOException | RuntimeException e) {
                Streams.closeQuietly(channel);
                throw Exceptions.sneakyThrow(e);
            }
        };
    }
}
