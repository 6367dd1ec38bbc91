package io.github.asyncio4j.net;

import static io.github.asyncio4j.Async.await;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.internal.Exceptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Host name resolution that never stalls the loop: literal IP addresses are parsed in place, names are looked up
 * with {@link Async#toThread} (a blocking {@code getaddrinfo} runs on the default executor). Call it inside an
 * await context.
 */
final class Resolver {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private Resolver() {
    }

    /** The addresses of {@code host}, in the resolver's order. @throws java.net.UnknownHostException unchecked */
    static List<InetAddress> resolve(String host) {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("a host is required");
        }
        try {
            if (isLiteral(host)) {
                return List.of(InetAddress.getAllByName(host));   // a literal is only parsed, never looked up
            }
        } catch (Exception e) {
            throw Exceptions.sneakyThrow(e);
        }
        return List.of(await(Async.toThread(() -> InetAddress.getAllByName(host))));
    }

    /** {@code address}, resolved off the loop if it is an unresolved {@link InetSocketAddress}. */
    static SocketAddress resolved(SocketAddress address) {
        if (address instanceof InetSocketAddress isa && isa.isUnresolved()) {
            return new InetSocketAddress(resolve(isa.getHostString()).get(0), isa.getPort());
        }
        return address;
    }

    /** True for an IPv4 dotted quad or an IPv6 literal (optionally in brackets). */
    static boolean isLiteral(String host) {
        return host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
    }
}
