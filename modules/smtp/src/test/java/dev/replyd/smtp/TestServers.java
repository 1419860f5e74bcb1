package dev.replyd.smtp;

import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.LeakCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fixture of a test that talks to {@link TestServer}s: each test gets a fresh storage directory;
 * the servers it starts there (plainly or with STARTTLS on a fresh self-signed certificate) are
 * stopped after it (after its own {@code @AfterEach} methods), then {@link LeakCheck} fails the
 * test if anything is left behind (threads named {@code replyd-smtp}, listening ports, files in a
 * started server's Maildir {@code tmp/}), and the directory is removed.
 *
 * <pre>
 * &#64;RegisterExtension final TestServers servers = new TestServers();
 * &#64;Test void ...() { TestServer replyd = servers.start(settings -&gt; settings.withLimits(1024, 5)); ... }
 * </pre>
 *
 * <p>Failures: the test fails with LeakCheck's message when something leaked; a directory that cannot
 * be removed fails it too. Thread-safety: confined to the thread running one test (no parallel test
 * execution), like LeakCheck.
 */
public final class TestServers implements BeforeEachCallback, AfterEachCallback {

    private final LeakCheck leaks = LeakCheck.threads("replyd-smtp").listeningPorts();
    private final List<TestServer> started = new ArrayList<>();
    private Path directory;
    private Path storage;

    /** The storage directory of this test (the Maildir root of the servers it starts). */
    public Path storage() {
        return storage;
    }

    /** Starts a server on this test's storage directory with the test settings. */
    public TestServer start() throws IOException {
        return start(UnaryOperator.identity());
    }

    /** Starts a server on this test's storage directory with the test settings changed by {@code customize}. */
    public TestServer start(UnaryOperator<SmtpSettings> customize) throws IOException {
        TestServer server = TestServer.start(storage, customize);
        if (started.isEmpty()) {
            leaks.watchTmp(storage.resolve(MaildirLayout.TMP));
        }
        started.add(server);
        return server;
    }

    /**
     * Starts a server with STARTTLS on a fresh self-signed certificate for {@link TestServer#HOSTNAME}
     * (made by openssl, kept beside the storage directory).
     */
    public TestServer startWithTls() throws IOException, InterruptedException {
        Path[] pem = ExternalCommand.selfSignedCertificate(directory, "replyd");
        return start(settings -> settings.withTls(pem[0], pem[1]));
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        leaks.beforeEach(context);
        directory = Files.createTempDirectory("replyd-smtp-test");
        storage = Files.createDirectory(directory.resolve("var"));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            started.forEach(TestServer::close);
            started.clear();
            leaks.afterEach(context);
        } finally {
            delete(directory);
        }
    }

    /** Removes the directory and everything in it. */
    private static void delete(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path path : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
