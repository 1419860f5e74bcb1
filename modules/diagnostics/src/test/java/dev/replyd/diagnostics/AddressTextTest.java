package dev.replyd.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Addresses in diagnose details read as operators write them (RFC 5952 for IPv6). */
class AddressTextTest {

    @ParameterizedTest
    @CsvSource({
            "192.0.2.7, 192.0.2.7",
            "fd00:0:0:0:0:0:0:2, fd00::2",
            "0:0:0:0:0:0:0:1, ::1",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "fe80:0:0:0:0:0:0:0, fe80::"})
    void addressesAreShortenedTheWayOperatorsWriteThem(String literal, String expected) throws UnknownHostException {
        assertThat(DnsChecks.text(InetAddress.getByName(literal))).isEqualTo(expected);
    }
}
