package dev.replyd.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replyd.testing.LoopbackDnsServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** What the sender checks' DNS client asks the server, and what it answers from its cache instead. */
class DnsClientTest {

    private LoopbackDnsServer dns;
    private DnsClient client;

    @BeforeEach
    void start() throws Exception {
        dns = LoopbackDnsServer.answering();
        client = new DnsClient(List.of(dns.address()), Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    @Test
    void anAnswerIsReusedWhileItsTtlLasts() throws Exception {
        dns.txt("example.com", "v=spf1 -all");

        assertThat(client.txt("example.com")).containsExactly("v=spf1 -all");
        assertThat(client.txt("example.com")).containsExactly("v=spf1 -all");
        assertThat(client.txt("EXAMPLE.com.")).containsExactly("v=spf1 -all");

        assertThat(dns.questions()).containsExactly("example.com./TXT");
    }

    @Test
    void anExpiredAnswerIsAskedForAgain() throws Exception {
        dns.txt("short.example", "v=DMARC1; p=none", 1);

        assertThat(client.txt("short.example")).containsExactly("v=DMARC1; p=none");
        Thread.sleep(2_100); // the TTL is one second; dnsjava's cache counts whole seconds
        assertThat(client.txt("short.example")).containsExactly("v=DMARC1; p=none");

        assertThat(dns.questions()).containsExactly("short.example./TXT", "short.example./TXT");
    }

    @Test
    void negativeAnswersWithTheZonesSoaAreCached() throws Exception {
        dns.zone("example.org", 300).a("mail.example.org", "192.0.2.1");

        assertThat(client.txt("_dmarc.nobody.example.org")).isEmpty(); // NXDOMAIN
        assertThat(client.txt("_dmarc.nobody.example.org")).isEmpty();
        assertThat(client.txt("mail.example.org")).isEmpty(); // the name exists, without TXT: NODATA
        assertThat(client.txt("mail.example.org")).isEmpty();
        assertThat(client.lookup("mail.example.org", Type.A)).hasSize(1);

        assertThat(dns.questions())
                .containsExactly("_dmarc.nobody.example.org./TXT", "mail.example.org./TXT", "mail.example.org./A");
    }

    @Test
    void negativeAnswersWithoutAnSoaAreNotCached() throws Exception {
        assertThat(client.txt("nowhere.example")).isEmpty();
        assertThat(client.txt("nowhere.example")).isEmpty();

        assertThat(dns.questions()).containsExactly("nowhere.example./TXT", "nowhere.example./TXT");
    }

    @Test
    void failuresAreNeverCached() throws Exception {
        dns.servfail("broken.example");

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> client.txt("broken.example")).isInstanceOf(DnsTemporaryFailure.class)
                    .hasMessageContaining("broken.example./TXT");
        }
        assertThat(dns.questions()).containsExactly("broken.example./TXT", "broken.example./TXT");
    }
}
