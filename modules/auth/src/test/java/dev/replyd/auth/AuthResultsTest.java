package dev.replyd.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class AuthResultsTest {

    @Test
    void theHeaderRecordsEveryVerdictWithItsIdentifiers() {
        AuthResults results = new AuthResults(
                new SpfResult("pass", "mailfrom", "example.com"),
                List.of(new DkimResult("pass", "example.com", "sel1"), new DkimResult("fail", "lists.example.org", "k")),
                new DmarcResult("pass", "example.com", "reject"));

        assertThat(results.authenticationResultsHeader("reply.test")).isEqualTo(
                "Authentication-Results: reply.test;\r\n"
                        + "\tspf=pass smtp.mailfrom=example.com;\r\n"
                        + "\tdkim=pass header.d=example.com header.s=sel1;\r\n"
                        + "\tdkim=fail header.d=lists.example.org header.s=k;\r\n"
                        + "\tdmarc=pass (p=reject) header.from=example.com");
    }

    @Test
    void theHeaderNamesTheHeloForTheNullSenderAndLeavesOutWhatIsUnknown() {
        AuthResults results = new AuthResults(
                new SpfResult("none", "helo", "mail.example.net"),
                List.of(new DkimResult("permerror", null, null)),
                new DmarcResult("permerror", null, null));

        assertThat(results.authenticationResultsHeader("reply.test")).isEqualTo(
                "Authentication-Results: reply.test;\r\n"
                        + "\tspf=none smtp.helo=mail.example.net;\r\n"
                        + "\tdkim=permerror;\r\n"
                        + "\tdmarc=permerror");
    }

    @Test
    void aHeloThatIsNotAHostNameIsQuoted() {
        AuthResults results = new AuthResults(new SpfResult("permerror", "helo", "[192.0.2.1]"), List.of(),
                new DmarcResult("none", "example.com", null));

        assertThat(results.authenticationResultsHeader("reply.test"))
                .contains("\tspf=permerror smtp.helo=\"[192.0.2.1]\";\r\n")
                .endsWith("\tdmarc=none header.from=example.com");
    }

    @Test
    void anAuthservIdThatIsNotAHostNameIsRefusedWithTheValueAndWhatWasExpected() {
        AuthResults results = new AuthResults(new SpfResult("none", "mailfrom", "example.com"), List.of(),
                new DmarcResult("none", "example.com", null));

        assertThatThrownBy(() -> results.authenticationResultsHeader("reply.test; dkim=pass"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("authserv-id 'reply.test; dkim=pass' (expected: this host's name, letters, digits,"
                        + " '-', '.' and '_' only)");
    }

    @Property(tries = 300)
    void senderControlledValuesCannotAddLinesResultsOrFields(@ForAll String domain, @ForAll String selector,
            @ForAll String helo) {
        AuthResults results = new AuthResults(new SpfResult("fail", "helo", helo),
                List.of(new DkimResult("fail", domain, selector)), new DmarcResult("fail", domain, "reject"));

        String header = results.authenticationResultsHeader("reply.test");

        String[] lines = header.split("\r\n", -1);
        assertThat(lines).hasSize(4);
        assertThat(header.replace("\r\n\t", "")).doesNotContain("\r", "\n");
        assertThat(lines[1]).startsWith("\tspf=fail");
        assertThat(lines[2]).startsWith("\tdkim=fail");
        assertThat(lines[3]).startsWith("\tdmarc=fail (p=reject)");
        for (String line : List.of(lines[1], lines[2])) {
            assertThat(withoutQuotedStrings(line)).containsOnlyOnce(";").endsWith(";");
        }
        assertThat(withoutQuotedStrings(lines[3])).doesNotContain(";");
    }

    /** The text outside RFC 5322 quoted strings, where a ';' would start another result. */
    private static String withoutQuotedStrings(String text) {
        StringBuilder outside = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted) {
                outside.append(c);
            }
        }
        return outside.toString();
    }
}
