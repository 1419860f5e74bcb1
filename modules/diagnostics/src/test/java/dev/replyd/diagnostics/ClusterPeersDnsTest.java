package dev.replyd.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.testing.LocalDnsmasq;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code dns cluster peers} against a real dnsmasq on loopback: {@code reply.cluster.test} has two MX
 * records of equal preference (mx1, mx2); mx3 has an address but no MX leads to it.
 */
class ClusterPeersDnsTest {

    @RegisterExtension
    static final LocalDnsmasq dns = LocalDnsmasq.serving(
            "--local=/cluster.test/",
            "--mx-host=reply.cluster.test,mx1.cluster.test,10",
            "--mx-host=reply.cluster.test,mx2.cluster.test,10",
            "--host-record=mx1.cluster.test,127.0.0.11",
            "--host-record=mx2.cluster.test,127.0.0.12",
            "--host-record=mx3.cluster.test,127.0.0.13");

    @Test
    void everyPeerBehindAnMxRecordPasses() {
        Check check = peers(List.of("mx1.cluster.test", "MX2.cluster.test."));

        assertThat(check.status()).isEqualTo(Status.PASS);
        assertThat(check.detail()).isEqualTo(
                "all 2 cluster peer(s) are listed in the MX records of reply.cluster.test: mx1.cluster.test, mx2.cluster.test");
    }

    @Test
    void peerNoMxLeadsToFailsAndSaysWhichRecordToAdd() {
        Check check = peers(List.of("mx1.cluster.test", "mx3.cluster.test"));

        assertThat(check.status()).isEqualTo(Status.FAIL);
        assertThat(check.detail()).isEqualTo("the MX records of reply.cluster.test do not lead to cluster peer(s)"
                + " mx3.cluster.test (127.0.0.13): senders never reach them");
        assertThat(check.fix()).isEqualTo("add \"reply.cluster.test. MX 10 <peer>.\" for each one (same preference"
                + " spreads the load), or remove it from replyd.cluster.peers");
    }

    @Test
    void peerWithoutAddressRecordFails() {
        Check check = peers(List.of("mx1.cluster.test", "ghost.cluster.test"));

        assertThat(check.status()).isEqualTo(Status.FAIL);
        assertThat(check.detail()).startsWith("cluster peer(s) ghost.cluster.test have no address record (DNS server 127.0.0.1:");
    }

    @Test
    void withoutPeersThereIsNoClusterCheck() {
        Report report = Diagnosis.run(inputs(), List.of());

        assertThat(report.find("dns cluster peers")).isEmpty();
    }

    private static Check peers(List<String> peers) {
        Report report = Diagnosis.run(inputs(), peers);
        assertThat(report.checks()).extracting(Check::name).containsSubsequence("dns host MX", "dns cluster peers");
        return report.find("dns cluster peers").orElseThrow();
    }

    private static Diagnosis.Inputs inputs() {
        return new Diagnosis.Inputs(List.of(), "cluster.test", "reply.cluster.test", null, "cluster.test", null, 0,
                null, null, null, List.of(dns.address()), Duration.ofSeconds(3));
    }
}
