package dev.replyd.diagnostics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed certificates made by the real {@code openssl} for the TLS checks.
 *
 * <p>Thread-safety: stateless.
 */
final class TestCertificates {

    private TestCertificates() {
    }

    private static final char[] PASSWORD = "test-keystore".toCharArray();

    /** A server-side TLS context holding the key and certificate of {@link #selfSigned} {@code name} in {@code dir}. */
    static SSLContext serverContext(Path dir, String name) throws IOException, InterruptedException,
            GeneralSecurityException {
        Path p12 = dir.resolve(name + ".p12");
        run(List.of("openssl", "pkcs12", "-export", "-in", dir.resolve(name + ".crt").toString(), "-inkey",
                dir.resolve(name + ".key").toString(), "-out", p12.toString(), "-name", name, "-passout",
                "pass:" + new String(PASSWORD)));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            store.load(in, PASSWORD);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** A client socket factory that trusts exactly the certificate in {@code cert}. */
    static SSLSocketFactory trusting(Path cert) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("test", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    /** Writes {@code <name>.crt} and {@code <name>.key} in {@code dir}, valid from now for {@code days}. */
    static Path selfSigned(Path dir, String name, int days, String subjectAltName)
            throws IOException, InterruptedException {
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", Integer.toString(days),
                "-subj", "/CN=" + name, "-addext", "subjectAltName=" + subjectAltName));
        return cert;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process openssl = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
            throw new IOException(String.join(" ", command.subList(0, 2)) + " failed: " + output);
        }
    }
}
