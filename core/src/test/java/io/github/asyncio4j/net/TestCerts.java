package io.github.asyncio4j.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed test certificates, made at test time with the JDK's {@code keytool} (the JDK has no public API
 * to generate certificates; shared with the http module's tests through core's test jar): an EC key pair for CN=localhost with subject alternative names
 * {@code dns:localhost} and {@code ip:127.0.0.1}, valid for two days. Made once per JVM.
 */
public final class TestCerts {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static KeyStore serverStore;
    private static KeyStore otherStore;

    private TestCerts() {
    }

    /** A server context holding the localhost certificate and its key. */
    public static synchronized SSLContext serverContext() throws Exception {
        if (serverStore == null) {
            serverStore = generate("CN=localhost", "san=dns:localhost,ip:127.0.0.1");
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(serverStore, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** A server context holding the certificate of CN=someone-else (no localhost names in it). */
    public static synchronized SSLContext someoneElseServerContext() throws Exception {
        untrustingClientContext();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(otherStore, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /**
     * The localhost certificate of {@link #serverContext()} in PEM ({@code -----BEGIN CERTIFICATE-----}), as a
     * client that is told to trust it reads it.
     */
    public static synchronized String serverCertificatePem() throws Exception {
        serverContext();
        String base64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(serverStore.getCertificate("test").getEncoded());
        return "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n";
    }

    /** A client context that trusts exactly the localhost certificate of {@link #serverContext()}. */
    public static synchronized SSLContext clientContext() throws Exception {
        serverContext();
        return trusting(serverStore);
    }

    /** A client context that trusts an unrelated self-signed certificate (not the server's). */
    public static synchronized SSLContext untrustingClientContext() throws Exception {
        if (otherStore == null) {
            otherStore = generate("CN=someone-else", "san=dns:someone-else");
        }
        return trusting(otherStore);
    }

    private static SSLContext trusting(KeyStore keyStore) throws Exception {
        Certificate cert = keyStore.getCertificate("test");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("trusted", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static KeyStore generate(String dname, String san) throws Exception {
        Path dir = Files.createTempDirectory("asyncio4j-certs");
        Path file = dir.resolve("test.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "test", "-keyalg", "EC",
                "-dname", dname, "-ext", san, "-validity", "2", "-keystore", file.toString(),
                "-storetype", "PKCS12", "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)))
                .redirectErrorStream(true)
                .start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD);
        }
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
        return ks;
    }
}
