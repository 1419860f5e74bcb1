package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trusted networks of {@code smtp.proxy-protocol}: parsed without DNS, checked by key. */
class ProxyProtocolSettingsTest {

    @Test
    void ipv4NetworkMatchesItsAddressesAlsoInIpv4MappedForm() throws Exception {
        Cidr cidr = Cidr.parse("10.1.2.3/8");

        assertThat(cidr.contains(InetAddress.getByName("10.200.0.1"))).isTrue();
        assertThat(cidr.contains(InetAddress.getByName("::ffff:10.200.0.1"))).isTrue();
        assertThat(cidr.contains(InetAddress.getByName("11.0.0.1"))).isFalse();
        assertThat(cidr.contains(InetAddress.getByName("2001:db8::1"))).isFalse();
    }

    @Test
    void ipv6NetworkAndSingleAddressMatchExactlyTheirRange() throws Exception {
        assertThat(Cidr.parse("2001:db8::/32").contains(InetAddress.getByName("2001:db8:ffff::1"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains(InetAddress.getByName("2001:db9::1"))).isFalse();
        assertThat(Cidr.parse("192.0.2.7").contains(InetAddress.getByName("192.0.2.7"))).isTrue();
        assertThat(Cidr.parse("192.0.2.7").contains(InetAddress.getByName("192.0.2.8"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("198.51.100.1"))).isTrue();
    }

    @Test
    void hostNameIsRefusedRatherThanLookedUp() {
        assertThatThrownBy(() -> ProxyProtocolSettings.trusting(List.of("lb.example.com/32")))
                .hasMessage("replyd.smtp.proxy-protocol.trusted: \"lb.example.com/32\" is not a CIDR (expected:"
                        + " address/prefix such as 10.0.0.0/8 or 2001:db8::/32, or a single address)");
    }

    @Test
    void prefixLongerThanTheAddressIsRefused() {
        assertThatThrownBy(() -> ProxyProtocolSettings.trusting(List.of("10.0.0.0/33")))
                .hasMessage("replyd.smtp.proxy-protocol.trusted: \"10.0.0.0/33\" has prefix length \"33\" (expected: 0 to 32)");
    }

    @Test
    void enabledWithoutTrustedBalancersIsRefused() {
        assertThatThrownBy(() -> ProxyProtocolSettings.trusting(List.of()))
                .hasMessage("replyd.smtp.proxy-protocol.trusted: empty while enabled = true (expected: the load"
                        + " balancers' addresses, e.g. [\"10.0.0.0/24\"]; a PROXY header is believed only from them)");
    }

    @Test
    void headerTimeoutMustBeShort() {
        assertThatThrownBy(() -> new ProxyProtocolSettings(true, List.of("10.0.0.1"), Duration.ofMinutes(5)))
                .hasMessage("replyd.smtp.proxy-protocol.header-timeout: PT5M (expected: more than 0 and at most 1m)");
    }
}
