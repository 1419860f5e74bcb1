package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.address.ReplyToken;
import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A real replyd SMTP server in this JVM on 127.0.0.1 with an ephemeral port and a Maildir under a
 * test directory, with fixed test keys: the one in-process server of the tests (published in this
 * module's test-jar for the fault tests, which need thousands of sessions: a child JVM per case would
 * be too slow). Closing it stops the server (threads and port released).
 *
 * <p>Thread-safety: immutable after start; the server itself is thread-safe.
 */
public final class TestServer implements AutoCloseable {

    public static final String HOSTNAME = "tracker.test";
    public static final String REPLY_DOMAIN = "reply.tracker.test";
    public static final byte[] KEY = "replyd-smtp-test-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    public final Path root;
    public final Maildir maildir;
    public final ReplyAddressCodec codec;
    public final SmtpServer server;
    public final SmtpSettings settings;

    private TestServer(Path root, Maildir maildir, ReplyAddressCodec codec, SmtpSettings settings, SmtpServer server) {
        this.root = root;
        this.maildir = maildir;
        this.codec = codec;
        this.settings = settings;
        this.server = server;
    }

    public static ReplyAddressCodec codec() {
        return codec(KEY);
    }

    /** The codec of this server's address format with another key (an address from another installation). */
    public static ReplyAddressCodec codec(byte[] key) {
        return new ReplyAddressCodec("reply", REPLY_DOMAIN, List.of("i", "p", "c", "d"), List.of(key));
    }

    public static SmtpSettings settings() {
        return SmtpSettings.defaults(HOSTNAME, REPLY_DOMAIN)
                .withBind(new InetSocketAddress("127.0.0.1", 0))
                .withMinFreeBytes(0);
    }

    public static TestServer start(Path root) throws IOException {
        return start(root, UnaryOperator.identity());
    }

    public static TestServer start(Path root, UnaryOperator<SmtpSettings> customize) throws IOException {
        Maildir maildir = Maildir.open(root);
        ReplyAddressCodec codec = codec();
        SmtpSettings settings = customize.apply(settings());
        return new TestServer(root, maildir, codec, settings, SmtpServer.start(settings, codec, maildir));
    }

    public int port() {
        return server.address().getPort();
    }

    public String replyAddress(long thread, long user) {
        return codec.mint(new ReplyToken("i", thread, user));
    }

    public List<Path> newFiles() {
        return list(MaildirLayout.NEW);
    }

    public List<Path> tmpFiles() {
        return list(MaildirLayout.TMP);
    }

    public String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The single file in new/ (fails when there are none or several). */
    public String onlyMessage() {
        List<Path> files = newFiles();
        if (files.size() != 1) {
            throw new AssertionError("expected exactly one file in new/, found " + files);
        }
        return read(files.get(0));
    }

    /**
     * Fails unless new/ and tmp/ are empty, after waiting (generously) for tmp/ to empty: a refused
     * delivery's file is removed by the disconnect handlers, on the I/O thread, just after the
     * client sees the close.
     */
    public void assertNothingStored() throws InterruptedException {
        Await.within(Duration.ofSeconds(30), () -> tmpFiles().isEmpty());
        assertThat(newFiles()).isEmpty();
        assertThat(tmpFiles()).isEmpty();
    }

    private List<Path> list(String state) {
        try (Stream<Path> files = Files.list(root.resolve(state))) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void stop(Duration grace) {
        server.stop(grace);
    }

    @Override
    public void close() {
        server.close();
    }
}
