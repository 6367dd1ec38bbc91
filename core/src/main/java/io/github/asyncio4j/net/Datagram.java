package io.github.asyncio4j.net;

import java.net.SocketAddress;

/** One received UDP datagram and the address it came from. */
public record Datagram(byte[] data, SocketAddress from) {
}
