package io.github.asyncio4j.http;

import static io.github.asyncio4j.Async.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.asyncio4j.Async;
import io.github.asyncio4j.Coroutine;
import io.github.asyncio4j.Task;
import io.github.asyncio4j.junit.AsyncioTest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;

/**
 * The client's DNS cache, on a lookup of the test's own (no query leaves the machine) and on virtual time: answers
 * and failures remembered for their time-to-live, one lookup for many tasks, literals never looked up, the least
 * recently used names forgotten past the bound; and through the client, a name that does not resolve is a
 * {@link DnsException}.
 */
@Timeout(30)
class DnsCacheTest {
    private static final Duration TTL = Duration.ofSeconds(60);
    private static final Duration NEGATIVE_TTL = Duration.ofSeconds(10);

    /** Names to addresses; a name not in it does not resolve. Counts lookups per name. */
    static final class FakeDns implements DnsCache.Lookup {
        final Map<String, String> names;
        final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
        volatile CountDownLatch gate;

        FakeDns(Map<String, String> names) {
            this.names = names;
        }

        @Override
        public List<InetAddress> lookup(String host) throws Exception {
            lookups.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
            CountDownLatch g = gate;
            if (g != null && !g.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
            String address = names.get(host);
            if (address == null) {
                throw new UnknownHostException(host + ": Name or service not known");
            }
            return List.of(InetAddress.getByName(address));
        }

        int count(String host) {
            AtomicInteger n = lookups.get(host);
            return n == null ? 0 : n.get();
        }
    }

    @AsyncioTest(virtualTime = true)
    void anAnswerIsRememberedForItsTimeToLive() {
        FakeDns fake = new FakeDns(Map.of("a.test", "127.0.0.1"));
        DnsCache cache = new DnsCache(fake, TTL, NEGATIVE_TTL, 100);
        assertThat(cache.resolve("a.test")).extracting(InetAddress::getHostAddress).containsExactly("127.0.0.1");
        await(Async.sleep(59));
        assertThat(cache.resolve("A.TEST")).hasSize(1);     // names are case-insensitive
        assertThat(fake.count("a.test")).isEqualTo(1);
        await(Async.sleep(2));                              // 61 s after the answer: looked up again
        assertThat(cache.resolve("a.test")).hasSize(1);
        assertThat(fake.count("a.test")).isEqualTo(2);
        assertThat(cache.lookups()).isEqualTo(2);
    }

    @AsyncioTest(virtualTime = true)
    void aFailureIsADnsExceptionRememberedForTheNegativeTimeToLive() {
        FakeDns fake = new FakeDns(Map.of());
        DnsCache cache = new DnsCache(fake, TTL, NEGATIVE_TTL, 100);
        assertThatThrownBy(() -> cache.resolve("nowhere.test"))
                .isInstanceOf(DnsException.class).isInstanceOf(UnknownHostException.class)
                .hasMessage("cannot resolve host 'nowhere.test': nowhere.test: Name or service not known")
                .hasCauseInstanceOf(UnknownHostException.class);
        await(Async.sleep(9));
        assertThatThrownBy(() -> cache.resolve("nowhere.test")).isInstanceOf(DnsException.class);
        assertThat(fake.count("nowhere.test")).as("remembered: no second lookup").isEqualTo(1);
        await(Async.sleep(2));
        assertThatThrownBy(() -> cache.resolve("nowhere.test")).isInstanceOf(DnsException.class);
        assertThat(fake.count("nowhere.test")).as("forgotten after 10 s").isEqualTo(2);
    }

    @AsyncioTest(virtualTime = true)
    void tasksThatNeedANameBeingLookedUpShareTheLookup() throws Exception {
        FakeDns fake = new FakeDns(Map.of("shared.test", "127.0.0.2"));
        fake.gate = new CountDownLatch(1);
        DnsCache cache = new DnsCache(fake, TTL, NEGATIVE_TTL, 100);
        List<Task<List<InetAddress>>> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tasks.add(Async.createTask(Coroutine.of(() -> cache.resolve("shared.test"))));
        }
        Task<List<InetAddress>> cancelled = Async.createTask(Coroutine.of(() -> cache.resolve("shared.test")));
        await(Async.sleep(0));
        cancelled.cancel();     // one waiter gone: the lookup goes on for the others
        fake.gate.countDown();
        for (Task<List<InetAddress>> t : tasks) {
            assertThat(await(t)).extracting(InetAddress::getHostAddress).containsExactly("127.0.0.2");
        }
        assertThat(cancelled.isCancelled()).isTrue();
        assertThat(fake.count("shared.test")).isEqualTo(1);
    }

    @AsyncioTest(virtualTime = true)
    void literalsAreParsedNeverLookedUp() {
        FakeDns fake = new FakeDns(Map.of());
        DnsCache cache = new DnsCache(fake, TTL, NEGATIVE_TTL, 100);
        assertThat(cache.resolve("127.0.0.3")).extracting(InetAddress::getHostAddress).containsExactly("127.0.0.3");
        assertThat(cache.resolve("::1")).hasSize(1);
        assertThat(cache.lookups()).isZero();
        assertThat(DnsCache.isLiteral("256.1.1.1")).as("not an address: a name").isFalse();
    }

    @AsyncioTest(virtualTime = true)
    void theLeastRecentlyUsedNamesAreForgottenPastTheBound() {
        FakeDns fake = new FakeDns(Map.of("a.test", "127.0.0.1", "b.test", "127.0.0.1", "c.test", "127.0.0.1"));
        DnsCache cache = new DnsCache(fake, TTL, NEGATIVE_TTL, 2);
        cache.resolve("a.test");
        cache.resolve("b.test");
        cache.resolve("a.test");        // a is now the most recently used
        cache.resolve("c.test");        // b goes
        cache.resolve("a.test");
        assertThat(fake.count("a.test")).isEqualTo(1);
        cache.resolve("b.test");
        assertThat(fake.count("b.test")).isEqualTo(2);
    }

    @AsyncioTest
    void theClientConnectsByTheCachedAnswerAndReportsAFailedNameAsADnsException() {
        HttpServer server = await(HttpServer.start(request -> Coroutine.of(() ->
                HttpResponse.text(200, "hello " + request.headers().get("Host"))), "127.0.0.1", 0));
        FakeDns fake = new FakeDns(Map.of("site.test", "127.0.0.1"));
        try (server; HttpClient client = HttpClient.builder()
                .dnsCache(new DnsCache(fake, TTL, NEGATIVE_TTL, 100)).maxConnectionsPerHost(1).build()) {
            String url = "http://site.test:" + server.port() + "/";
            assertThat(await(client.get(url)).text()).isEqualTo("hello site.test:" + server.port());
            assertThat(await(client.get(url + "again")).status()).isEqualTo(200);
            assertThatThrownBy(() -> await(client.get("http://gone.test:" + server.port() + "/")))
                    .isInstanceOf(DnsException.class).hasMessageStartingWith("cannot resolve host 'gone.test'");
            assertThat(fake.count("site.test")).isEqualTo(1);
            assertThat(client.openConnections()).isEqualTo(1);
        }
        await(server.waitClosed());
    }
}
