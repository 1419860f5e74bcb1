package dev.replyd.diagnostics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates made by the real {@code openssl} for the TLS checks.
 *
 * <p>Thread-safety: stateless.
 */
final class TestCertificates {

    private TestCertificates() {
    }

    /** Writes {@code <name>.crt} and {@code <name>.key} in {@code dir}, valid from now for {@code days}. */
    static Path selfSigned(Path dir, String name, int days, String subjectAltName)
            throws IOException, InterruptedException {
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        Process openssl = new ProcessBuilder(List.of("openssl", "req", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out",
                cert.toString(), "-days", Integer.toString(days), "-subj", "/CN=" + name,
                "-addext", "subjectAltName=" + subjectAltName))
                .redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
            throw new IOException("openssl req failed: " + output);
        }
        return cert;
    }
}
