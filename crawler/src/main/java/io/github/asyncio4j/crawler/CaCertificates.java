package io.github.asyncio4j.crawler;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * {@code --ca-cert FILE}: a TLS context that trusts the certificates of a PEM file (a private CA, or one server's
 * own certificate) beside the JDK's default trust anchors, so a crawl can reach both a test site behind a
 * throwaway CA and the public web. Host names are still checked.
 */
final class CaCertificates {
    private CaCertificates() {
    }

    /** The JDK's context trusting {@code tmf}, made by {@link #trust} from {@code pem} (named in a failure). */
    static SSLContext sslContext(Path pem, TrustManagerFactory tmf) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new CrawlSetupException("--ca-cert " + pem + ": cannot be trusted (" + ErrorText.of(e) + ")", e);
        }
    }

    /** The JDK's default trust (its {@code cacerts}, or {@code javax.net.ssl.trustStore}). Blocking. */
    static TrustManagerFactory defaultTrust() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            return tmf;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's default trust store cannot be read", e);
        }
    }

    /**
     * The trust in {@code pem}'s certificates and the default ones: {@link #certificates} then
     * {@link #trust(Path, Collection)}. Blocking.
     */
    static TrustManagerFactory trust(Path pem) {
        return trust(pem, certificates(pem));
    }

    /**
     * The certificates of {@code pem}. Blocking (reads the file): call it before the crawl starts.
     * @throws CrawlSetupException (one line: {@code --ca-cert FILE: why}) if the file is missing, unreadable, or
     *                             holds no certificate or a malformed one
     */
    static Collection<? extends Certificate> certificates(Path pem) {
        String where = "--ca-cert " + pem;
        if (!Files.isRegularFile(pem)) {
            throw new CrawlSetupException(where + ": " + (Files.exists(pem) ? "not a regular file" : "no such file"));
        }
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(pem)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new CrawlSetupException(where + ": cannot be read (" + ErrorText.of(e) + ")", e);
        } catch (CertificateException e) {
            throw new CrawlSetupException(where + ": not a PEM certificate file (" + ErrorText.of(e) + ")", e);
        }
        if (certificates.isEmpty()) {
            throw new CrawlSetupException(where + ": holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    /**
     * The trust in {@code certificates} (read from {@code pem}) and the default ones. Blocking (reads the JDK's
     * trust store): the crawler calls it when it makes its TLS context.
     * @throws CrawlSetupException ({@code --ca-cert FILE: cannot be trusted (why)}) if the key store refuses them
     */
    static TrustManagerFactory trust(Path pem, Collection<? extends Certificate> certificates) {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (X509Certificate anchor : defaultTrustManager().getAcceptedIssuers()) {
                trust.setCertificateEntry("default-" + i++, anchor);
            }
            for (Certificate c : certificates) {
                trust.setCertificateEntry("ca-cert-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            return tmf;
        } catch (GeneralSecurityException | IOException e) {
            throw new CrawlSetupException("--ca-cert " + pem + ": cannot be trusted (" + ErrorText.of(e) + ")", e);
        }
    }

    /** The JDK's default trust manager (its {@code cacerts}, or {@code javax.net.ssl.trustStore}). */
    private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
        for (TrustManager tm : defaultTrust().getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("the JDK has no default X.509 trust manager");
    }
}
