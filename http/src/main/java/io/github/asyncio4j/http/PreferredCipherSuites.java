package io.github.asyncio4j.http;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An {@link SSLContext} whose engines offer some cipher suites first: the same suites as the wrapped context's,
 * in its order, except that the preferred ones it enables come before the rest. Used by
 * {@link HttpClient.Builder#preferredCipherSuites} (a JVM without C2 decrypts ChaCha20-Poly1305 about three times
 * faster than AES-GCM, whose fast path is a C2 intrinsic: the choice browsers make on CPUs without AES
 * instructions). Only the JDK's own engines (java.base's) are reordered: an engine from elsewhere (BoringSSL's, say)
 * runs its ciphers in native code, where AES-GCM is the faster. Invariant: the set of enabled suites never changes,
 * only their order.
 */
final class PreferredCipherSuites {
    private PreferredCipherSuites() {
    }

    /** {@code suites} with those of {@code preferred} it contains moved to the front (in {@code preferred}'s order). */
    static String[] reorder(String[] suites, List<String> preferred) {
        List<String> out = new ArrayList<>(suites.length);
        List<String> all = Arrays.asList(suites);
        for (String p : preferred) {
            if (all.contains(p)) {
                out.add(p);
            }
        }
        for (String s : suites) {
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out.toArray(String[]::new);
    }

    /** {@code context}, wrapped so that its engines offer {@code preferred} first; itself if none is preferred. */
    static SSLContext wrap(SSLContext context, List<String> preferred) {
        if (preferred.isEmpty()) {
            return context;
        }
        return new SSLContext(new Spi(context, List.copyOf(preferred)), context.getProvider(), context.getProtocol()) { };
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext delegate;
        private final List<String> preferred;

        Spi(SSLContext delegate, List<String> preferred) {
            this.delegate = delegate;
            this.preferred = preferred;
        }

        private SSLEngine ordered(SSLEngine engine) {
            if (engine.getClass().getModule() == SSLEngine.class.getModule()) {
                engine.setEnabledCipherSuites(reorder(engine.getEnabledCipherSuites(), preferred));
            }
            return engine;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw new KeyManagementException("this context wraps one that is initialised already");
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return ordered(delegate.createSSLEngine());
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return ordered(delegate.createSSLEngine(host, port));
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            SSLParameters p = delegate.getDefaultSSLParameters();
            p.setCipherSuites(reorder(p.getCipherSuites(), preferred));
            return p;
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return delegate.getSupportedSSLParameters();
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return delegate.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return delegate.getServerSocketFactory();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }
    }
}
