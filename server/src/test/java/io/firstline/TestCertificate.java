package io.firstline;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1 made with the JDK's keytool, written out as PEM files (certificate, and its
 * private key in PKCS#8) in a directory of the test's.
 */
public record TestCertificate(Path certFile, Path keyFile, Certificate certificate, Path keyStore) {

    private static final char[] STORE_PASSWORD = "test-store-pass".toCharArray();

    public static TestCertificate make(Path dir) throws Exception {
        Path store = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "firstline", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", "test-store-pass", "-keypass", "test-store-pass").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, STORE_PASSWORD);
        }
        Certificate cert = ks.getCertificate("firstline");
        byte[] key = ks.getKey("firstline", STORE_PASSWORD).getEncoded();
        Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        Path certFile = Files.writeString(dir.resolve("cert.pem"),
                "-----BEGIN CERTIFICATE-----\n" + b64.encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n");
        Path keyFile = Files.writeString(dir.resolve("key.pem"),
                "-----BEGIN PRIVATE KEY-----\n" + b64.encodeToString(key) + "\n-----END PRIVATE KEY-----\n");
        return new TestCertificate(certFile, keyFile, cert, store);
    }

    /** TLS for a client that trusts this certificate only, and shows it (with its key) when asked for one. */
    public SSLContext showingIt() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, STORE_PASSWORD);
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, STORE_PASSWORD);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), trustManagers(), null);
        return ssl;
    }

    /** TLS for a client that trusts this certificate only, and shows none of its own. */
    public SSLContext trustingIt() throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trustManagers(), null);
        return ssl;
    }

    private javax.net.ssl.TrustManager[] trustManagers() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("firstline", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf.getTrustManagers();
    }
}
