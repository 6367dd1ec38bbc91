package io.github.asyncio4j.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The test JVM's host name resolver (registered in META-INF/services): the platform's resolver, except that
 * a name ending in {@value #GATED_DOMAIN} resolves to 127.0.0.1 only once {@link #gate} is opened, like a slow DNS
 * lookup that blocks its thread. It records the thread the lookup ran on, so tests can show the loop thread never
 * blocks. (The JDK caches answers: give each test its own name.)
 */
public final class GatedResolverProvider extends InetAddressResolverProvider {
    static final String GATED_DOMAIN = ".gated.asyncio4j.test";

    /** Opened by the test; a lookup of a gated name waits for it (at most 10 s, then fails). */
    static volatile CountDownLatch gate = new CountDownLatch(0);
    /** The thread the last lookup of a gated name ran on. */
    static volatile Thread lookupThread;
    /** Names a test gives fixed addresses, in the order the resolver answers them (Happy Eyeballs tests). */
    static final java.util.Map<String, java.util.List<InetAddress>> FIXED =
            new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                java.util.List<InetAddress> fixed = FIXED.get(host);
                if (fixed != null) {
                    lookupThread = Thread.currentThread();
                    return fixed.stream();
                }
                if (!host.toLowerCase(java.util.Locale.ROOT).endsWith(GATED_DOMAIN)) {
                    return builtin.lookupByName(host, policy);
                }
                lookupThread = Thread.currentThread();
                try {
                    if (!gate.await(10, TimeUnit.SECONDS)) {
                        throw new UnknownHostException(host + ": the test never opened the gate");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UnknownHostException(host + ": interrupted");
                }
                return Stream.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                return builtin.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "asyncio4j test resolver (gated names *" + GATED_DOMAIN + ")";
    }
}
