package dev.replyd.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.testing.FakeRelay;
import dev.replyd.testing.LocalDnsmasq;
import dev.replyd.testing.RecordingMainApp;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DNS part of diagnose against a real dnsmasq on loopback that serves three zones: {@code tracker.test}
 * set up right, {@code broken.test} set up wrong, and {@code alias.test} whose reply domain is a CNAME.
 */
class DiagnoseDnsTest {

    @RegisterExtension
    static final LocalDnsmasq dns = LocalDnsmasq.serving(
            // tracker.test: reply.<host> A and MX to itself; <host> MX to a resolvable mail host.
            "--local=/tracker.test/",
            "--host-record=reply.tracker.test,127.0.0.1",
            "--mx-host=reply.tracker.test,reply.tracker.test,10",
            "--mx-host=tracker.test,mail.tracker.test,10",
            "--host-record=mail.tracker.test,127.0.0.2",
            // broken.test: no address for reply.<host>, its MX points at another machine, <host> has nothing.
            "--local=/broken.test/",
            "--mx-host=reply.broken.test,mx.elsewhere.test,10",
            "--local=/elsewhere.test/",
            "--host-record=mx.elsewhere.test,198.51.100.7",
            // alias.test: reply.<host> is a CNAME; <host> MX points at a name without an address.
            "--local=/alias.test/",
            "--host-record=box.alias.test,127.0.0.1",
            "--cname=reply.alias.test,box.alias.test",
            "--mx-host=alias.test,nowhere.alias.test,5");

    @Test
    void correctRecordsPassAllThreeDnsChecks() {
        Report report = Diagnosis.run(inputs("tracker.test", List.of(dns.address()), Duration.ofSeconds(3)));

        assertThat(report.find("dns reply address")).get().satisfies(check -> {
            assertThat(check.status()).isEqualTo(Status.PASS);
            assertThat(check.detail()).isEqualTo("reply.tracker.test has address 127.0.0.1");
        });
        assertThat(report.find("dns reply MX")).get().satisfies(check -> {
            assertThat(check.status()).isEqualTo(Status.PASS);
            assertThat(check.detail()).isEqualTo("reply.tracker.test MX 10 reply.tracker.test (127.0.0.1)");
        });
        assertThat(report.find("dns host MX")).get().satisfies(check -> {
            assertThat(check.status()).isEqualTo(Status.PASS);
            assertThat(check.detail()).isEqualTo("tracker.test MX 10 mail.tracker.test (127.0.0.2)");
        });
    }

    @Test
    void healthySetupPassesEveryCheckInOrder(@TempDir Path storage) throws Exception {
        byte[] secret = "a-callback-secret-of-32-bytes!!!".getBytes(StandardCharsets.UTF_8);
        Path cert = TestCertificates.selfSigned(storage, "tls", 60, "DNS:reply.tracker.test");
        try (FakeRelay smtp = FakeRelay.greeting("220 tracker.test ESMTP replyd");
             RecordingMainApp app = RecordingMainApp.start(secret).answerAlways(RecordingMainApp.Response.of(204))) {
            Diagnosis.Inputs inputs = new Diagnosis.Inputs(List.of(), "tracker.test", "reply.tracker.test",
                    smtp.address(), "tracker.test", storage, 1024, app.url(), secret, cert, List.of(dns.address()),
                    Duration.ofSeconds(3));

            Report report = Diagnosis.run(inputs);

            assertThat(report.checks()).extracting(Check::name).containsExactly("config", "dns reply address",
                    "dns reply MX", "dns host MX", "smtp banner", "storage writable", "storage free space",
                    "callback ping", "tls certificate", "clock");
            assertThat(report.checks()).allSatisfy(check -> assertThat(check.status())
                    .as(check.name() + ": " + check.detail()).isEqualTo(Status.PASS));
            assertThat(report.anyFailed()).isFalse();
            assertThat(report.render()).endsWith("summary: 10 PASS, 0 WARN, 0 FAIL" + System.lineSeparator())
                    .doesNotContain("fix:");
            assertThat(app.requests()).singleElement().satisfies(r -> assertThat(r.signatureValid()).isTrue());
        }
    }

    @Test
    void wrongRecordsFailOrWarnAndNameTheRecordToCreate() {
        Report report = Diagnosis.run(inputs("broken.test", List.of(dns.address()), Duration.ofSeconds(3)));

        assertThat(check(report, "dns reply address", Status.FAIL)).satisfies(address -> {
            assertThat(address.detail()).startsWith("reply.broken.test has no A, AAAA or CNAME record (DNS server 127.0.0.1:");
            assertThat(address.fix()).contains("\"reply.broken.test. A <public address of this machine>\"");
        });
        assertThat(check(report, "dns reply MX", Status.WARN)).satisfies(replyMx -> {
            assertThat(replyMx.detail()).startsWith(
                    "the MX of reply.broken.test points to mx.elsewhere.test (198.51.100.7), not to this machine (");
            assertThat(replyMx.fix()).endsWith("\"reply.broken.test. MX 10 reply.broken.test.\"");
        });
        assertThat(check(report, "dns host MX", Status.FAIL).detail())
                .startsWith("broken.test has neither an MX nor an address record");
        assertThat(report.anyFailed()).isTrue();
    }

    @Test
    void cnameForTheReplyDomainPassesAndNamesTheCanonicalHost() {
        Report report = Diagnosis.run(inputs("alias.test", List.of(dns.address()), Duration.ofSeconds(3)));

        assertThat(check(report, "dns reply address", Status.PASS).detail())
                .isEqualTo("reply.alias.test (CNAME to box.alias.test) has address 127.0.0.1");
        // No MX for the reply domain: senders fall back to the address record, which deserves a warning.
        check(report, "dns reply MX", Status.WARN);
        assertThat(check(report, "dns host MX", Status.FAIL).detail())
                .isEqualTo("the MX targets of alias.test (nowhere.alias.test) have no address record");
    }

    @Test
    void silentDnsServerCostsOneTimeoutAndFailsEveryDnsCheck() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = silent.getLocalPort();
            InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            // The silent server records the names it is asked about (and never answers).
            Set<String> asked = ConcurrentHashMap.newKeySet();
            Thread listener = new Thread(() -> {
                byte[] buffer = new byte[512];
                while (!silent.isClosed()) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    try {
                        silent.receive(packet);
                        asked.add(new org.xbill.DNS.Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()))
                                .getQuestion().getName().toString());
                    } catch (IOException closedOrGarbage) {
                        // closed at the end of the test, or not a DNS message: nothing to record
                    }
                }
            }, "silent-dns");
            listener.start();

            Report report = Diagnosis.run(inputs("tracker.test", List.of(server), Duration.ofMillis(700)));

            silent.close();
            listener.join(10_000);
            assertThat(report.find("dns reply address").orElseThrow().detail())
                    .endsWith("did not answer (timeout or network error)");
            assertThat(report.find("dns reply MX").orElseThrow().detail())
                    .contains("not checked: DNS server 127.0.0.1:" + port + " did not answer");
            assertThat(report.find("dns host MX").orElseThrow().status()).isEqualTo(Status.FAIL);
            // One wait for DNS, not one per query: after the first question timed out, no other was asked.
            assertThat(asked).containsExactly("reply.tracker.test.");
        }
    }

    /** The check called {@code name} in {@code report}, after asserting it has {@code status}. */
    private static Check check(Report report, String name, Status status) {
        Check check = report.find(name).orElseThrow();
        assertThat(check.status()).as(name + ": " + check.detail()).isEqualTo(status);
        return check;
    }

    /** Only the DNS inputs matter here; the rest points at nothing and is not asserted. */
    private static Diagnosis.Inputs inputs(String host, List<InetSocketAddress> servers, Duration timeout) {
        return new Diagnosis.Inputs(List.of(), host, "reply." + host, null, host, null, 0, null, null, null,
                servers, timeout);
    }
}
