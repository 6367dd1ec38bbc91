package io.github.asyncio4j.crawler;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.PrintStream;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The crawler's client TLS engine: BoringSSL's (Netty's {@code netty-tcnative}) when its native library loads, so
 * bulk encryption runs at C speed whatever the JIT (the launcher runs C1 only, where the JDK's AES-GCM decrypts at
 * 22-28 MB/s), else the JDK's, with one line saying why. {@code -Dasyncio4j.crawler.tls=jdk} picks the JDK's.
 * <p>
 * Invariant: a native context's engines offer the ALPN protocols given when it was made and no others (Netty's
 * engine ignores {@link SSLParameters#setApplicationProtocols}), so a crawl makes one context for its HTTP version:
 * {@code h2, http/1.1}, or {@code http/1.1} with {@code --http1}. Trust, host-name checks (endpoint
 * identification) and SNI are the JDK engine's: the trust manager is the same, and Netty's engine honours
 * {@link SSLEngine#setSSLParameters}' endpoint identification algorithm and server names.
 */
final class NativeTls {
    /** The system property choosing the engine: {@code native} (the default) or {@code jdk}. */
    static final String ENGINE_PROPERTY = "asyncio4j.crawler.tls";

    private NativeTls() {
    }

    /**
     * Why the native engine cannot be used in this JVM, or null if it can (loads the library once). Before Netty's
     * first class, sets (unless set) what only costs start-up here: no leak records for pooled buffers and no JFR
     * events (two debugging aids), and unpooled buffers as Netty's default, which the engines use anyway (its
     * pooling allocator, made for its own probe of the library, took 20-25 ms of the set-up's ~100 ms of CPU).
     */
    static Throwable unavailability() {
        setIfUnset("io.netty.leakDetection.level", "disabled");
        setIfUnset("io.netty.jfr.enabled", "false");
        setIfUnset("io.netty.allocator.type", "unpooled");
        try {
            return OpenSsl.isAvailable() ? null : OpenSsl.unavailabilityCause();
        } catch (LinkageError e) {    // the Netty classes themselves are missing or broken
            return e;
        }
    }

    private static void setIfUnset(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /**
     * The context the crawl's client uses. With {@code engine} {@code jdk}: {@code jdk.get()} (null: the JVM's
     * default). With {@code native}: a context that decides at its first engine (so a crawl that meets no https URL
     * never loads the library; the first https connection pays for it once, on the loop): BoringSSL's engines
     * trusting {@code trust.get()} and offering {@code alpn}, or, if {@code nativeUnavailable.get()} is not null,
     * the JDK's ({@code jdk.get()}, else the JVM's default) after one line on {@code err}.
     * @throws CrawlSetupException if {@code engine} is neither {@code native} nor {@code jdk}
     */
    static SSLContext choose(String engine, Supplier<Throwable> nativeUnavailable,
                             Supplier<TrustManagerFactory> trust, List<String> alpn, Supplier<SSLContext> jdk,
                             PrintStream err) {
        switch (engine) {
            case "jdk":
                return jdk.get();
            case "native":
                return new LazyContext(new LazySpi(() -> {
                    Throwable unavailable = nativeUnavailable.get();
                    if (unavailable == null) {
                        return context(trust.get(), alpn);
                    }
                    err.println("crawl: native TLS unavailable (" + ErrorText.of(unavailable)
                            + "); using the JDK's TLS engine");
                    SSLContext fallback = jdk.get();
                    try {
                        return fallback != null ? fallback : SSLContext.getDefault();
                    } catch (NoSuchAlgorithmException e) {
                        throw new IllegalStateException("no default TLS context in this JVM", e);
                    }
                }));
            default:
                throw new CrawlSetupException("-D" + ENGINE_PROPERTY + "=" + engine + ": expected native or jdk");
        }
    }

    /** A context whose client engines are BoringSSL's, trusting {@code trust} and offering {@code alpn}. */
    static SSLContext context(TrustManagerFactory trust, List<String> alpn) {
        SslContext netty;
        try {
            netty = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.OPENSSL)
                    .trustManager(trust)
                    .applicationProtocolConfig(alpn.isEmpty() ? ApplicationProtocolConfig.DISABLED
                            : new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn))
                    .build();
        } catch (SSLException e) {
            throw new CrawlSetupException("native TLS: cannot make a client context (" + ErrorText.of(e) + ")", e);
        }
        return new NativeContext(new Spi(netty));
    }

    /** A context whose engines are BoringSSL's (made by {@link #context}). */
    static final class NativeContext extends SSLContext {
        private NativeContext(Spi spi) {
            super(spi, null, "TLS");
        }
    }

    /**
     * A context that decides at its first engine (see {@link #choose}), or earlier on a thread of its own if told
     * to {@link #prepareInBackground}.
     */
    static final class LazyContext extends SSLContext {
        private final LazySpi spi;

        private LazyContext(LazySpi spi) {
            super(spi, null, "TLS");
            this.spi = spi;
        }

        /**
         * Starts deciding now on a daemon thread (loading the library and the trust store), so that on a
         * multi-core machine the cost overlaps the crawl's own start; the first engine waits for it. Idempotent.
         */
        void prepareInBackground() {
            Thread.ofPlatform().daemon().name("asyncio4j-tls-init").start(spi.resolution);
        }
    }

    /**
     * Delegates to the context {@code resolve} makes, once, at the first call that needs one or on the thread that
     * {@link LazyContext#prepareInBackground} starts; a failure there is thrown by every call.
     */
    private static final class LazySpi extends SSLContextSpi {
        private final FutureTask<SSLContext> resolution;

        LazySpi(Supplier<SSLContext> resolve) {
            this.resolution = new FutureTask<>(resolve::get);
        }

        private SSLContext delegate() {
            resolution.run();     // nothing if it ran, or runs, already: then get() waits for it
            try {
                return resolution.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the TLS context was being made", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(cause);
            }
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw new KeyManagementException("the crawler's TLS context is made initialised");
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return delegate().createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return delegate().createSSLEngine(host, port);
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return delegate().getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return delegate().getSupportedSSLParameters();
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return delegate().getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate().getServerSocketFactory();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate().getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate().getClientSessionContext();
        }
    }

    private static final class Spi extends SSLContextSpi {
        private final SslContext netty;

        Spi(SslContext netty) {
            this.netty = netty;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw new KeyManagementException("a native TLS context is made initialised");
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return netty.newEngine(UnpooledByteBufAllocator.DEFAULT);
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return netty.newEngine(UnpooledByteBufAllocator.DEFAULT, host, port);
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return engineCreateSSLEngine().getSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            SSLEngine e = engineCreateSSLEngine();
            SSLParameters p = e.getSSLParameters();
            p.setCipherSuites(e.getSupportedCipherSuites());
            p.setProtocols(e.getSupportedProtocols());
            return p;
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw new UnsupportedOperationException("a native TLS context makes engines only");
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw new UnsupportedOperationException("a native TLS context makes engines only");
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return null;
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return netty.sessionContext();
        }
    }
}
