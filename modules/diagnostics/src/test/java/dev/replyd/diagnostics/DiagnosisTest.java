package dev.replyd.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.replyd.testing.FakeRelay;
import dev.replyd.testing.LoopbackPorts;
import dev.replyd.testing.RecordingMainApp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Diagnose's non-DNS checks against real peers on loopback: a fake SMTP greeter, a JDK HTTP server that
 * verifies the signed ping, certificates made by openssl, and a real storage directory. DNS points at a closed
 * UDP port; DiagnoseDnsTest covers DNS.
 */
class DiagnosisTest {

    private static final byte[] SECRET = "callback-secret-for-diagnose-tests".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private int closedDnsPort;

    @BeforeEach
    void findClosedDnsPort() throws IOException {
        // Nothing listens there afterwards: queries fail at once (ICMP port unreachable) instead of timing out.
        closedDnsPort = LoopbackPorts.free();
    }

    @Test
    void configProblemsFailTheConfigCheckAndListEachProblem() {
        Report report = Diagnosis.run(inputs().configProblems(List.of(
                "replyd.callback.url: \"ftp://x\" is not an http(s) URL",
                "replyd.address.keys: missing (expected: at least one key of 32+ bytes)")).build());

        Check config = report.find("config").orElseThrow();
        assertThat(config.status()).isEqualTo(Status.FAIL);
        assertThat(config.detail()).isEqualTo("replyd.callback.url: \"ftp://x\" is not an http(s) URL; "
                + "replyd.address.keys: missing (expected: at least one key of 32+ bytes)");
        assertThat(config.fix()).contains("replyd check-config");
        assertThat(report.anyFailed()).isTrue();
    }

    @ParameterizedTest(name = "greeted with \"{0}\": {1}")
    @MethodSource("greetings")
    void bannerCheckPassesOnlyReplydsGreetingAndSaysWhatToDoOtherwise(String greeting, Status status, String detail,
            String fix) throws Exception {
        FakeRelay smtp = FakeRelay.greeting(greeting);
        Check banner;
        try (smtp) {
            banner = Diagnosis.run(inputs().smtp(smtp.address()).build()).find("smtp banner").orElseThrow();
        }

        assertThat(banner.status()).isEqualTo(status);
        assertThat(banner.detail()).isEqualTo("127.0.0.1:" + smtp.port() + " " + detail);
        assertThat(banner.fix()).isEqualTo(fix);
        // Read after close(), which waits for the server thread: the check says goodbye politely.
        assertThat(smtp.commands()).containsExactly("QUIT");
    }

    static Stream<Arguments> greetings() {
        String stopOther = "stop the other server (e.g. systemctl disable --now postfix) and restart replyd";
        return Stream.of(
                arguments("220 tracker.test ESMTP replyd", Status.PASS,
                        "answers \"220 tracker.test ESMTP replyd\"", ""),
                arguments("220 mail.other.test ESMTP Postfix (Debian/GNU)", Status.FAIL,
                        "answers \"220 mail.other.test ESMTP Postfix (Debian/GNU)\", which does not name tracker.test:"
                                + " another mail server holds the port", stopOther),
                arguments("220 tracker.test ESMTP Postfix (Debian/GNU)", Status.FAIL,
                        "answers \"220 tracker.test ESMTP Postfix (Debian/GNU)\", which is not replyd's greeting:"
                                + " another mail server holds the port", stopOther),
                arguments("554 tracker.test replyd no service", Status.FAIL,
                        "greeted with \"554 tracker.test replyd no service\" instead of 220",
                        "check the mail log for why replyd refuses sessions (e.g. shutting down, limits)"));
    }

    @Test
    void wildcardBindAddressIsProbedOnLoopback() throws Exception {
        try (FakeRelay smtp = FakeRelay.greeting("220 tracker.test ESMTP replyd")) {
            InetSocketAddress wildcard = new InetSocketAddress("0.0.0.0", smtp.port());

            Report report = Diagnosis.run(inputs().smtp(wildcard).build());

            assertThat(report.find("smtp banner").orElseThrow().detail())
                    .startsWith("127.0.0.1:" + smtp.port() + " answers");
        }
    }

    @Test
    void closedSmtpPortFailsAsNothingListening() throws IOException {
        int port = closedTcpPort();

        Check banner = Diagnosis.run(inputs().smtp(new InetSocketAddress("127.0.0.1", port)).build())
                .find("smtp banner").orElseThrow();

        assertThat(banner.status()).isEqualTo(Status.FAIL);
        assertThat(banner.detail()).isEqualTo("nothing listens on 127.0.0.1:" + port + " (connection refused)");
        assertThat(banner.fix()).startsWith("start replyd (systemctl start replyd)");
    }

    @Test
    void callbackReceivesAPingSignedWithTheCallbackSecretAndPasses() throws Exception {
        try (RecordingMainApp app = RecordingMainApp.start(SECRET).answerAlways(RecordingMainApp.Response.of(204))) {
            Report report = Diagnosis.run(inputs().callback(app.url(), SECRET).build());

            Check ping = report.find("callback ping").orElseThrow();
            assertThat(ping.status()).isEqualTo(Status.PASS);
            assertThat(ping.detail()).startsWith(app.url() + " answered 204 in ").endsWith(" ms to a signed ping");
            assertThat(app.requests()).singleElement().satisfies(request -> {
                assertThat(request.signatureValid()).isTrue();
                assertThat(request.deliveryId()).matches("ping-[0-9a-f]{16}");
                assertThat(request.bodyText()).matches("\\{\"type\":\"ping\",\"time\":\"\\d{4}-\\d\\d-\\d\\dT[^\"]+Z\"}");
            });
            assertThat(report.find("clock").orElseThrow().status()).isEqualTo(Status.PASS);
            assertThat(report.render()).doesNotContain(new String(SECRET, StandardCharsets.UTF_8));
        }
    }

    @Test
    void callbackPingShowsTheUrlWithoutItsQueryValues() throws IOException {
        URI down = URI.create("http://127.0.0.1:" + closedTcpPort() + "/hooks/replyd?token=T0KEN-in-the-url");

        Report report = Diagnosis.run(inputs().callback(down, SECRET).build());

        Check ping = report.find("callback ping").orElseThrow();
        assertThat(ping.detail()).isEqualTo("connection to http://127.0.0.1:" + down.getPort()
                + "/hooks/replyd?token=<redacted> refused");
        assertThat(report.render()).doesNotContain("T0KEN-in-the-url");
    }

    @Test
    void callbackVerifyingWithAnotherSecretFailsAndNamesTheSecretKey() throws Exception {
        byte[] otherSecret = "the-main-app-has-another-secret".getBytes(StandardCharsets.UTF_8);
        try (RecordingMainApp app = RecordingMainApp.start(otherSecret).answerAlways(RecordingMainApp.Response.of(204))) {
            Check ping = Diagnosis.run(inputs().callback(app.url(), SECRET).build())
                    .find("callback ping").orElseThrow();

            assertThat(ping.status()).isEqualTo(Status.FAIL);
            assertThat(ping.detail()).contains(" answered 401 in ")
                    .endsWith("the signature was refused: \"{\"error\":\"bad signature\"}\"");
            assertThat(ping.fix()).startsWith("set replyd.callback.secret to the secret the main app verifies with");
            assertThat(app.requests()).singleElement().satisfies(r -> assertThat(r.signatureValid()).isFalse());
        }
    }

    @Test
    void callbackThatIsDownFailsAndLeavesTheClockUncompared() throws IOException {
        URI down = URI.create("http://127.0.0.1:" + closedTcpPort() + "/hooks/replyd");

        Report report = Diagnosis.run(inputs().callback(down, SECRET).build());

        Check ping = report.find("callback ping").orElseThrow();
        assertThat(ping.status()).isEqualTo(Status.FAIL);
        assertThat(ping.detail()).isEqualTo("connection to " + down + " refused");
        Check clock = report.find("clock").orElseThrow();
        assertThat(clock.status()).isEqualTo(Status.WARN);
        assertThat(clock.detail()).startsWith("not compared");
    }

    @Test
    void aMainAppAnsweringWithAHugeBodyFullOfEscapesIsShownAShortEscapedExcerpt() throws Exception {
        String junk = "\u001b[31mBOOM\u001b[0m\r\nSet-Cookie: x\u202e".repeat(200_000); // about 6 MB
        byte[] answer = ("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: "
                + junk.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + junk).getBytes(StandardCharsets.UTF_8);
        try (RawHttpPeer peer = RawHttpPeer.answering(answer, false)) {
            Report report = Diagnosis.run(inputs().callback(peer.url(), SECRET).build());

            Check ping = report.find("callback ping").orElseThrow();
            assertThat(ping.status()).isEqualTo(Status.FAIL);
            assertThat(ping.detail()).contains(" answered 500 in ")
                    .contains(": the main app failed: \"\\x1b[31mBOOM\\x1b[0m Set-Cookie: x\\u202e\\x1b[31mBOOM")
                    .endsWith("…\"");
            assertThat(ping.detail().length()).isLessThan(600);
            assertThat(report.render()).doesNotContain("\u001b").doesNotContain("\u202e");
        }
    }

    @Test
    void aMainAppThatStallsInsideItsResponseBodyFailsThePingAtTheTimeout() throws Exception {
        byte[] answer = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789".getBytes(StandardCharsets.US_ASCII);
        try (RawHttpPeer peer = RawHttpPeer.answering(answer, true)) {
            Report report = Diagnosis.run(inputs().callback(peer.url(), SECRET).build());

            Check ping = report.find("callback ping").orElseThrow();
            assertThat(ping.status()).isEqualTo(Status.FAIL);
            assertThat(ping.detail()).isEqualTo(peer.url() + " did not answer within 5000 ms");
        }
    }

    @Test
    void localClockTwoMinutesAheadOfTheMainAppWarns() throws Exception {
        try (RecordingMainApp app = RecordingMainApp.start(SECRET).answerAlways(RecordingMainApp.Response.of(204))) {
            Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(120));

            Report report = Diagnosis.run(inputs().callback(app.url(), SECRET).build(), ahead);

            Check clock = report.find("clock").orElseThrow();
            assertThat(clock.status()).isEqualTo(Status.WARN);
            // The Date header has one-second resolution.
            assertThat(clock.detail()).matches("local clock is 1(19|20|21) s ahead of the main app's");
            assertThat(report.find("callback ping").orElseThrow().status()).isEqualTo(Status.PASS);
        }
    }

    @Test
    void localClockTenMinutesBehindFailsBecauseSignaturesWouldBeRefused() throws Exception {
        try (RecordingMainApp app = RecordingMainApp.start(SECRET).answerAlways(RecordingMainApp.Response.of(204))) {
            Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10));

            Report report = Diagnosis.run(inputs().callback(app.url(), SECRET).build(), behind);

            assertThat(report.find("callback ping").orElseThrow().status()).isEqualTo(Status.FAIL);
            Check clock = report.find("clock").orElseThrow();
            assertThat(clock.status()).isEqualTo(Status.FAIL);
            assertThat(clock.detail()).matches("local clock is (599|600|601) s behind the main app's: .*");
        }
    }

    @ParameterizedTest(name = "a certificate {0}: {2}")
    @MethodSource("certificates")
    void tlsCertificateCheckJudgesTheNamesAndTheTimeLeft(PemFile pem, Duration later, Status status, String detail,
            String fix) throws Exception {
        Path file = pem.writeIn(dir);
        Clock clock = Clock.offset(Clock.systemUTC(), later);

        Check tls = Diagnosis.run(inputs().tls(file).build(), clock).find("tls certificate").orElseThrow();

        assertThat(tls.status()).isEqualTo(status);
        assertThat(tls.detail()).matches(detail.replace("{pem}", Pattern.quote(file.toString())));
        assertThat(tls.fix()).isEqualTo(fix);
    }

    /**
     * A PEM file, the time from now at which it is checked, and what the check says: {@code detail} is a
     * regular expression in which {pem} stands for the file's path.
     */
    static Stream<Arguments> certificates() {
        String renew = "renew the certificate for reply.tracker.test and restart replyd";
        return Stream.of(
                arguments(named("for the reply domain with months left",
                        certificate("fine", 90, "DNS:reply.tracker.test,DNS:tracker.test")), Duration.ZERO, Status.PASS,
                        "{pem} covers reply\\.tracker\\.test, tracker\\.test, expires \\S+ \\((89|90) days\\)", ""),
                arguments(named("with a wildcard covering the reply domain",
                        certificate("wildcard", 90, "DNS:*.tracker.test")), Duration.ZERO, Status.PASS,
                        "{pem} covers reply\\.tracker\\.test, expires \\S+ \\((89|90) days\\)", ""),
                arguments(named("expiring within three weeks", certificate("soon", 10, "DNS:reply.tracker.test")),
                        Duration.ZERO, Status.WARN,
                        "{pem} covers reply\\.tracker\\.test, expires \\S+ \\((9|10) days\\): fewer than 21 days left", renew),
                arguments(named("that expired", certificate("old", 1, "DNS:reply.tracker.test")), Duration.ofDays(3),
                        Status.FAIL, "{pem} expired on \\S+ \\(names \\[reply\\.tracker\\.test\\]\\)", renew),
                arguments(named("for another name", certificate("other", 90, "DNS:www.other.test")), Duration.ZERO,
                        Status.FAIL, "{pem} names \\[www\\.other\\.test\\], neither reply\\.tracker\\.test nor tracker\\.test",
                        "install a certificate whose subjectAltName includes reply.tracker.test"),
                arguments(named("missing from a file of plain text",
                        (PemFile) dir -> Files.writeString(dir.resolve("key-only.pem"), "just text\n")), Duration.ZERO,
                        Status.FAIL, "cannot read {pem}: no -----BEGIN CERTIFICATE----- block",
                        "make replyd.smtp.tls.cert a PEM certificate file readable by the replyd user"));
    }

    /** Writes a PEM file into a test's directory and returns its path. */
    interface PemFile {
        Path writeIn(Path dir) throws Exception;
    }

    private static PemFile certificate(String name, int days, String subjectAltNames) {
        return dir -> TestCertificates.selfSigned(dir, name, days, subjectAltNames);
    }

    @Test
    void writableStorageWithRoomPassesBothStorageChecks() {
        Report report = Diagnosis.run(inputs().storage(dir, 1).build());

        assertThat(report.find("storage writable").orElseThrow().status()).isEqualTo(Status.PASS);
        assertThat(report.find("storage free space").orElseThrow().status()).isEqualTo(Status.PASS);
        assertThat(dir.toFile().list()).as("the probe file is removed").isEmpty();
    }

    @Test
    void freeSpaceBelowTheMinimumFails() {
        long fourExbibytes = 1L << 62;

        Check free = Diagnosis.run(inputs().storage(dir, fourExbibytes).build())
                .find("storage free space").orElseThrow();

        assertThat(free.status()).isEqualTo(Status.FAIL);
        assertThat(free.detail()).contains(" free in " + dir + " (minimum 4 EiB)")
                .endsWith("new mail is refused with 452");
    }

    @Test
    void missingStorageRootFailsWithTheCommandThatCreatesIt() {
        Path missing = dir.resolve("absent");

        Check writable = Diagnosis.run(inputs().storage(missing, 1).build()).find("storage writable").orElseThrow();

        assertThat(writable.status()).isEqualTo(Status.FAIL);
        assertThat(writable.fix()).isEqualTo("create it: install -d -o replyd -g replyd -m 0750 " + missing);
    }

    @Test
    void reportAlignsNamesAndPutsTheFixUnderWarningsAndFailures() {
        Report report = new Report(List.of(
                new Check("config", Status.PASS, "configuration loaded without errors", ""),
                new Check("tls certificate", Status.WARN, "expires in 3 days", "renew it"),
                new Check("clock", Status.FAIL, "10 min behind", "enable NTP")));

        assertThat(report.render()).isEqualTo(String.join(System.lineSeparator(),
                "PASS  config           configuration loaded without errors",
                "WARN  tls certificate  expires in 3 days",
                "      fix: renew it",
                "FAIL  clock            10 min behind",
                "      fix: enable NTP",
                "summary: 1 PASS, 1 WARN, 1 FAIL", ""));
        assertThat(report.anyFailed()).isTrue();
    }

    /**
     * A main app at the byte level, for answers no HTTP server library would send: accepts one connection,
     * reads the request head, writes {@code answer}, then closes, or with {@code stall} keeps the connection
     * open without another byte until closed.
     */
    private static final class RawHttpPeer implements AutoCloseable {
        private final ServerSocket server;
        private final Thread thread;

        private RawHttpPeer(byte[] answer, boolean stall) throws IOException {
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> serve(answer, stall), "raw-http-peer");
            thread.setDaemon(true);
            thread.start();
        }

        static RawHttpPeer answering(byte[] answer, boolean stall) throws IOException {
            return new RawHttpPeer(answer, stall);
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/hooks/replyd");
        }

        private void serve(byte[] answer, boolean stall) {
            try (java.net.Socket socket = server.accept()) {
                java.io.InputStream in = socket.getInputStream();
                int matched = 0;
                byte[] end = {'\r', '\n', '\r', '\n'};
                while (matched < end.length) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
                }
                socket.getOutputStream().write(answer);
                socket.getOutputStream().flush();
                if (stall) {
                    while (in.read() >= 0) {
                        // the request body and then nothing: wait for the client to give up and close
                    }
                }
            } catch (IOException closed) {
                // the client hung up early (it read its excerpt) or the peer is closing: both expected
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(10_000);
        }
    }

    private static int closedTcpPort() throws IOException {
        return LoopbackPorts.free();
    }

    private InputsBuilder inputs() {
        return new InputsBuilder(new InetSocketAddress(InetAddress.getLoopbackAddress(), closedDnsPort));
    }

    /** Inputs for host tracker.test where every check not under test points at nothing. */
    private static final class InputsBuilder {
        private final InetSocketAddress dns;
        private List<String> problems = List.of();
        private InetSocketAddress smtp;
        private Path storage;
        private long minFree;
        private URI callback;
        private byte[] secret;
        private Path tls;

        InputsBuilder(InetSocketAddress dns) {
            this.dns = dns;
        }

        InputsBuilder configProblems(List<String> value) {
            problems = value;
            return this;
        }

        InputsBuilder smtp(InetSocketAddress value) {
            smtp = value;
            return this;
        }

        InputsBuilder storage(Path root, long min) {
            storage = root;
            minFree = min;
            return this;
        }

        InputsBuilder callback(URI url, byte[] key) {
            callback = url;
            secret = key;
            return this;
        }

        InputsBuilder tls(Path cert) {
            tls = cert;
            return this;
        }

        Diagnosis.Inputs build() {
            // Generous for a loaded CI machine: every peer here answers (or refuses) at once, so nothing waits it out.
            return new Diagnosis.Inputs(problems, "tracker.test", "reply.tracker.test", smtp, "tracker.test", storage,
                    minFree, callback, secret, tls, List.of(dns), Duration.ofSeconds(5));
        }
    }
}
