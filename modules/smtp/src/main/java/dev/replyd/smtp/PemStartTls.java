package dev.replyd.smtp;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.james.protocols.api.ClientAuth;
import org.apache.james.protocols.netty.Encryption;

/**
 * STARTTLS (RFC 3207) from the operator's PEM files, TLS 1.3 and 1.2 only.
 *
 * <p>Contract: {@link #load} reads a PEM certificate chain and an unencrypted PKCS#8 private key
 * ("BEGIN PRIVATE KEY"; Netty without BouncyCastle reads no other key format) into one Netty
 * SslContext; every STARTTLS gets a fresh server-mode SslHandler from it. No client certificates are
 * asked for. James's LegacyJavaEncryption would need a keystore, hence this small implementation.
 *
 * <p>Failures: an unreadable or unparsable file → IOException naming the configuration key, the path,
 * what was expected and how to convert the key. Key material never appears in messages.
 *
 * <p>Thread-safety: immutable; shared by all sessions opened while it is current (see
 * {@link SmtpServer#reloadTls}).
 */
final class PemStartTls implements Encryption {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SslContext context;

    private PemStartTls(SslContext context) {
        this.context = context;
    }

    static PemStartTls load(Path certificate, Path key) throws IOException {
        readable("replyd.smtp.tls.cert", certificate, "PEM certificate chain");
        readable("replyd.smtp.tls.key", key, "PEM private key");
        try {
            return new PemStartTls(SslContextBuilder.forServer(certificate.toFile(), key.toFile())
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .build());
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("replyd.smtp.tls: cannot use certificate " + certificate + " with key " + key
                    + ": " + e.getMessage() + " (expected: a PEM certificate chain and its unencrypted PKCS#8 key,"
                    + " \"BEGIN PRIVATE KEY\"; convert a key with: openssl pkcs8 -topk8 -nocrypt -in old.key -out new.key)",
                    e);
        }
    }

    private static void readable(String configKey, Path file, String expected) throws IOException {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IOException(configKey + ": " + file + " is not a readable file (expected: " + expected
                    + " readable by the user replyd runs as)");
        }
    }

    @Override
    public boolean isStartTLS() {
        return true;
    }

    @Override
    public boolean supportsEncryption() {
        return true;
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return null;
    }

    @Override
    public ClientAuth getClientAuth() {
        return ClientAuth.NONE;
    }

    @Override
    public SslHandler sslHandler() {
        return context.newHandler(ByteBufAllocator.DEFAULT);
    }
}
