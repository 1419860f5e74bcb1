package dev.replyd.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The small RFC 7489 pieces DMARC is built from: record syntax, organisational domain, author domain. */
class DmarcPartsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "v=DMARC1; p=reject                                 | true  | reject     | reject     | false | false",
        "v=DMARC1;p=quarantine;sp=none;adkim=s;aspf=s        | true  | quarantine | none       | true  | true",
        "v = DMARC1 ; P = Reject ; ASPF = S                  | true  | reject     | reject     | false | true",
        "v=DMARC1; p=none; pct=10; rua=mailto:a@example.com  | true  | none       | none       | false | false",
        "v=DMARC1; p=bogus; rua=mailto:a@example.com         | true  | none       | none       | false | false",
        "v=DMARC1; rua=mailto:a@example.com                  | true  | none       | none       | false | false",
        "v=DMARC1; p=reject; sp=maybe                        | false |            |            | false | false",
        "v=DMARC1; adkim=s                                   | false |            |            | true  | false",
        "v=DMARC1; p=reject; adkim=x                         | true  | reject     | reject     | false | false",
    })
    void aDmarcRecordIsReadAsTheReceiverMustActOnIt(String txt, boolean valid, String p, String sp,
            boolean strictDkim, boolean strictSpf) {
        assertThat(DmarcRecord.parse(txt)).contains(new DmarcRecord(valid, p, sp, strictDkim, strictSpf));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "p=reject; v=DMARC1",
        "v=dmarc1; p=reject",
        "v=DMARC2; p=reject",
        "v=spf1 -all",
        "''",
    })
    void aTxtRecordNotStartingWithTheDmarcVersionIsNoDmarcRecord(String txt) {
        assertThat(DmarcRecord.parse(txt)).isEqualTo(Optional.empty());
    }

    @ParameterizedTest(name = "{0} is under {1}")
    @CsvSource(textBlock = """
        example.com,            example.com
        mail.example.com,       example.com
        a.b.c.example.com,      example.com
        example.co.uk,          example.co.uk
        support.example.co.uk,  example.co.uk
        co.uk,                  co.uk
        www.example.com.au,     example.com.au
        localhost,              localhost
        """)
    void theOrganisationalDomainIsTheRegisteredName(String domain, String organisational) {
        assertThat(OrganizationalDomain.of(domain)).isEqualTo(organisational);
    }

    @Test
    void relaxedAlignmentComparesOrganisationalDomainsAndStrictComparesNames() {
        assertThat(OrganizationalDomain.aligned("Bounces.Example.COM.", "example.com", false)).isTrue();
        assertThat(OrganizationalDomain.aligned("bounces.example.com", "example.com", true)).isFalse();
        assertThat(OrganizationalDomain.aligned("example.com", "example.com", true)).isTrue();
        assertThat(OrganizationalDomain.aligned("example.co.uk", "other.co.uk", false)).isFalse();
        assertThat(OrganizationalDomain.aligned("example.net", "example.com", false)).isFalse();
    }

    @ParameterizedTest(name = "From: {0}")
    @CsvSource(delimiter = '|', textBlock = """
        alice@example.com                                        | example.com
        Alice <alice@Example.COM.>                               | example.com
        "Smith, Alice" <alice@example.com>                       | example.com
        "a@evil.example" <alice@example.com> (x@evil.example)    | example.com
        alice@example.com (Alice (the <boss@evil.example>))      | example.com
        <@relay.example:alice@example.com>                       | example.com
        "alice smith"@example.com                                | example.com
        team: alice@example.com, bob@example.com;                | example.com
        Jörg <jörg@bücher.example>                               | xn--bcher-kva.example
        """)
    void theAuthorDomainIsTakenFromTheAddressOnly(String from, String domain) {
        assertThat(AuthorDomains.of(from)).containsExactly(domain);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "undisclosed-recipients:;",
        "alice",
        "alice@[192.0.2.1]",
        "\"alice@example.com\"",
        "alice@",
        "alice@-bad-.example",
    })
    void aFromWithoutAuthorDomainYieldsNone(String from) {
        assertThat(AuthorDomains.of(from)).isEmpty();
    }

    @Property(tries = 300)
    void noDisplayNameCanChangeTheAuthorDomain(@ForAll String displayName) {
        String quoted = '"' + displayName.replace("\\", "\\\\").replace("\"", "\\\"") + '"';

        assertThat(AuthorDomains.of(quoted + " <alice@example.com>")).containsExactly("example.com");
    }
}
