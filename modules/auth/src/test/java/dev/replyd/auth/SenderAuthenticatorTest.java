package dev.replyd.auth;

import static dev.replyd.auth.TestMessages.BODY;
import static dev.replyd.auth.TestMessages.keyRecord;
import static dev.replyd.auth.TestMessages.replyFields;
import static dev.replyd.auth.TestMessages.sign;
import static dev.replyd.auth.TestMessages.stored;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.replyd.testing.LoopbackDnsServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPF, DKIM and DMARC verdicts on stored replies, every lookup answered by a real DNS server on loopback.
 * Cases that differ only in what is published or sent are tables of named rows.
 */
class SenderAuthenticatorTest {

    private static final String ALICE = "alice@example.com";
    private static final InetAddress LISTED = address("192.0.2.10");
    private static final InetAddress UNLISTED = address("198.51.100.7");

    /** The header fields a reply is signed over, as most signers choose them. */
    private static final String SIGNED_FIELDS = "from:to:subject:date:message-id";
    private static final KeyPair EXAMPLE_KEY = TestMessages.rsaKey();
    private static final KeyPair ATTACKER_KEY = TestMessages.rsaKey();

    @TempDir
    Path dir;

    private LoopbackDnsServer dns;
    private SenderAuthenticator authenticator;

    @BeforeEach
    void startDns() throws Exception {
        dns = LoopbackDnsServer.answering();
        authenticator = new SenderAuthenticator(new SenderAuthenticator.Settings(
                List.of(dns.address()), Duration.ofSeconds(2), "reply.test"));
    }

    @AfterEach
    void stopDns() throws Exception {
        dns.close();
    }

    // ---- SPF

    /** One row a published record: what it shows, where and what is published, the client, MAIL FROM, the result. */
    static Stream<Arguments> spfRecords() {
        String range = "v=spf1 ip4:192.0.2.0/24 -all";
        SpfResult pass = new SpfResult("pass", "mailfrom", "example.com");
        return Stream.of(
                argumentSet("a client inside an ip4 range passes", "example.com", range, LISTED, ALICE, pass),
                argumentSet("a client outside the ranges of a -all record fails", "example.com", range, UNLISTED, ALICE,
                        new SpfResult("fail", "mailfrom", "example.com")),
                argumentSet("a client outside the ranges of a ~all record softfails", "example.com",
                        "v=spf1 ip4:192.0.2.0/24 ip4:203.0.113.5 ~all", UNLISTED, ALICE,
                        new SpfResult("softfail", "mailfrom", "example.com")),
                argumentSet("a domain without SPF record is none", "example.com", "google-site-verification=abc",
                        LISTED, ALICE, new SpfResult("none", "mailfrom", "example.com")),
                argumentSet("a record that does not parse is permerror", "example.com", "v=spf1 ip4:192.0.2.300 -all",
                        LISTED, ALICE, new SpfResult("permerror", "mailfrom", "example.com")),
                argumentSet("the null sender is checked by the HELO name", "mail.example.com",
                        "v=spf1 ip4:192.0.2.10 -all", LISTED, "", new SpfResult("pass", "helo", "mail.example.com")),
                argumentSet("an IPv6 client inside an ip6 range passes", "example.com", "v=spf1 ip6:2001:db8:1::/48 -all",
                        address("2001:db8:1::25"), ALICE, pass),
                argumentSet("an IPv6 client outside the ip6 range fails", "example.com", "v=spf1 ip6:2001:db8:1::/48 -all",
                        address("2001:db8:2::25"), ALICE, new SpfResult("fail", "mailfrom", "example.com")));
    }

    @ParameterizedTest(name = "{argumentSetName}")
    @MethodSource("spfRecords")
    void spfGivesWhatThePublishedRecordSaysOfTheClient(String owner, String record, InetAddress client, String mailFrom,
            SpfResult expected) throws Exception {
        dns.txt(owner, record);

        AuthResults results = verify(unsignedReply(), client, "mail.example.com", mailFrom);

        assertThat(results.spf()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "spf follows {0} through the same DNS server")
    @CsvSource(delimiter = '|', textBlock = """
        include:_spf.provider.example | TXT | _spf.provider.example | v=spf1 ip4:192.0.2.0/28 -all
        a:mail.example.com            | A   | mail.example.com      | 192.0.2.10
        """)
    void spfFollowsAReferencedNameThroughTheSameDnsServer(String mechanism, String type, String name, String data)
            throws Exception {
        dns.txt("example.com", "v=spf1 " + mechanism + " -all");
        switch (type) {
            case "TXT" -> dns.txt(name, data);
            case "A" -> dns.a(name, data);
            default -> throw new IllegalArgumentException("record type " + type + " (expected: TXT or A)");
        }

        AuthResults results = verify(unsignedReply(), LISTED, "mail.example.com", ALICE);

        assertThat(results.spf().result()).isEqualTo("pass");
        assertThat(dns.questions()).contains(name + "./" + type);
    }

    // ---- DKIM

    /** One row a signed reply: what it shows, the selector and the key it publishes, the reply as stored, the verdict. */
    static Stream<Arguments> dkimSignatures() throws Exception {
        KeyPair weak = TestMessages.rsaKey(512);
        List<String> foldedSubject = replyFields(ALICE);
        foldedSubject.replaceAll(field -> field.startsWith("Subject:")
                ? "Subject: Re: [tracker] Issue #1:\r\n\t login page   broken" : field);
        return Stream.of(
                argumentSet("a signature made with the published key passes",
                        "sel1", EXAMPLE_KEY, signedReply(BODY), "pass"),
                argumentSet("a body changed after signing fails",
                        "sel1", EXAMPLE_KEY, signedReply(BODY).replace("that fixed it", "that broke it"), "fail"),
                argumentSet("a signed header field changed after signing fails", "sel1", EXAMPLE_KEY,
                        signedReply(BODY).replace("Subject: Re: [tracker] Issue #1: login page broken",
                                "Subject: Re: wire the money"), "fail"),
                argumentSet("a selector that publishes another key fails",
                        "sel1", ATTACKER_KEY, signedReply(BODY), "fail"),
                argumentSet("an RSA key shorter than 1024 bits fails",
                        "weak", weak, signed(replyFields(ALICE), "weak", weak, SIGNED_FIELDS), "fail"),
                // The signer covers "received" once although the message had none at signing time (a null
                // field, RFC 6376 5.4); our trace Received must not be taken as the signed one.
                argumentSet("replyd's own Received field does not break a signature over-reaching received", "sel1",
                        EXAMPLE_KEY, signed(replyFields(ALICE), "sel1", EXAMPLE_KEY, "from:subject:received"), "pass"),
                argumentSet("a file with Unix line ends verifies like the CRLF original",
                        "sel1", EXAMPLE_KEY, signedReply(BODY).replace("\r\n", "\n"), "pass"),
                argumentSet("a folded signed subject verifies with relaxed canonicalisation",
                        "sel1", EXAMPLE_KEY, signed(foldedSubject, "sel1", EXAMPLE_KEY, SIGNED_FIELDS), "pass"));
    }

    @ParameterizedTest(name = "{argumentSetName}")
    @MethodSource("dkimSignatures")
    void dkimJudgesASignatureByTheKeyItsSelectorPublishes(String selector, KeyPair published, String reply,
            String verdict) throws Exception {
        dns.txt(selector + "._domainkey.example.com", keyRecord(published));

        AuthResults results = verify(reply, LISTED, "mail.example.com", ALICE);

        assertThat(results.dkim()).containsExactly(new DkimResult(verdict, "example.com", selector));
    }

    @Test
    void aMessageWithoutSignatureHasNoDkimResultsAndTheHeaderSaysNone() throws Exception {
        AuthResults results = verify(unsignedReply(), LISTED, "mail.example.com", ALICE);

        assertThat(results.dkim()).isEmpty();
        assertThat(results.authenticationResultsHeader("reply.test")).contains("\tdkim=none;");
    }

    @Test
    void everySignatureGetsItsOwnVerdictPassesFirst() throws Exception {
        dns.txt("sel1._domainkey.example.com", keyRecord(EXAMPLE_KEY));
        dns.txt("list._domainkey.lists.example.org", keyRecord(ATTACKER_KEY));
        List<String> fields = replyFields(ALICE);
        String own = sign(fields, BODY, "example.com", "sel1", EXAMPLE_KEY);
        String other = sign(fields, BODY, "lists.example.org", "list", EXAMPLE_KEY); // wrong key for list

        AuthResults results = verify(stored(ALICE, withFirst(fields, other, own), BODY), LISTED, "h", ALICE);

        assertThat(results.dkim()).containsExactly(
                new DkimResult("pass", "example.com", "sel1"),
                new DkimResult("fail", "lists.example.org", "list"));
    }

    // ---- DMARC

    @Test
    void dmarcPassesOnAnAlignedDkimSignatureEvenWhenSpfFails() throws Exception {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");
        dns.txt("sel1._domainkey.example.com", keyRecord(EXAMPLE_KEY));
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject; rua=mailto:dmarc@example.com");

        AuthResults results = verify(signedReply(BODY), UNLISTED, "forwarder.example.net", ALICE);

        assertThat(results.spf().result()).isEqualTo("fail");
        assertThat(results.dmarc()).isEqualTo(new DmarcResult("pass", "example.com", "reject"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
        v=DMARC1; p=quarantine      | pass | quarantine
        v=DMARC1; p=reject; aspf=s  | fail | reject
        """)
    void dmarcAlignsAnSpfPassForASubdomainOfTheFromDomainOnlyInRelaxedMode(String record, String verdict,
            String policy) throws Exception {
        dns.txt("bounces.example.com", "v=spf1 ip4:192.0.2.10 -all");
        dns.txt("_dmarc.example.com", record);

        AuthResults results = verify(unsignedReply(), LISTED, "mail.example.com", "bounce-1@bounces.example.com");

        assertThat(results.spf().result()).isEqualTo("pass");
        assertThat(results.dmarc()).isEqualTo(new DmarcResult(verdict, "example.com", policy));
    }

    @Test
    void dmarcFailsWithRejectWhenOnlyTheSendersOwnDomainAuthenticates() throws Exception {
        // A forger at attacker.example passes SPF and DKIM for its own domain, with From: alice@example.com.
        dns.txt("attacker.example", "v=spf1 ip4:198.51.100.0/24 -all");
        dns.txt("s._domainkey.attacker.example", keyRecord(ATTACKER_KEY));
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject");
        List<String> fields = replyFields(ALICE);
        fields.add(0, sign(fields, BODY, "attacker.example", "s", ATTACKER_KEY));

        AuthResults results = verify(stored("x@attacker.example", fields, BODY), UNLISTED, "attacker.example",
                "x@attacker.example");

        assertThat(results).isEqualTo(new AuthResults(new SpfResult("pass", "mailfrom", "attacker.example"),
                List.of(new DkimResult("pass", "attacker.example", "s")), new DmarcResult("fail", "example.com", "reject")));
    }

    @Test
    void dmarcIsNoneWhenTheFromDomainPublishesNoRecord() throws Exception {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");

        AuthResults results = verify(unsignedReply(), LISTED, "mail.example.com", ALICE);

        assertThat(results.dmarc()).isEqualTo(new DmarcResult("none", "example.com", null));
        assertThat(dns.questions()).contains("_dmarc.example.com./TXT");
    }

    @Test
    void dmarcOfASubdomainFallsBackToTheOrganisationalDomainAndItsSubdomainPolicy() throws Exception {
        dns.txt("_dmarc.example.co.uk", "v=DMARC1; p=reject; sp=quarantine");
        List<String> fields = replyFields("bob@support.example.co.uk");

        AuthResults results = verify(stored("bob@support.example.co.uk", fields, BODY), UNLISTED, "h",
                "bob@support.example.co.uk");

        assertThat(results.dmarc()).isEqualTo(new DmarcResult("fail", "support.example.co.uk", "quarantine"));
        assertThat(dns.questions()).containsSubsequence(
                "_dmarc.support.example.co.uk./TXT", "_dmarc.example.co.uk./TXT");
    }

    /**
     * One row a From field: what it shows, the From fields in place of the reply's own, the verdict. The sender is
     * SPF-aligned with example.com, which publishes p=reject: only the From field decides.
     */
    static Stream<Arguments> fromFields() {
        String twoAddresses = "the From field holds 2 addresses";
        return Stream.of(
                argumentSet("a From field with authors in two domains fails",
                        List.of("From: alice@example.com, eve@example.net"), failedFor(twoAddresses)),
                argumentSet("a second From field fails",
                        List.of("FROM: ceo@example.com", "From: x@attacker.example"), failedFor("2 From fields")),
                argumentSet("a second From field in lower case fails",
                        List.of("FROM: ceo@example.com", "from: x@attacker.example"), failedFor("2 From fields")),
                argumentSet("a message without From fails", List.of(), failedFor("no From field")),
                // "ceo@example.com" as an RFC 2047 encoded word: not an address (RFC 2047 section 5).
                argumentSet("an encoded word where the address should be fails",
                        List.of("From: =?UTF-8?B?Y2VvQGV4YW1wbGUuY29t?="),
                        failedFor("the From address has no DNS domain")),
                argumentSet("the address decides, not a domain hidden in the display name",
                        List.of("From: \"ceo@bank.example, Boss\" (see <x@bank.example>) <alice@example.com>"),
                        new DmarcResult("pass", "example.com", "reject")));
    }

    @ParameterizedTest(name = "{argumentSetName}")
    @MethodSource("fromFields")
    void dmarcJudgesTheAuthorTheFromFieldNames(List<String> from, DmarcResult expected) throws Exception {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject");
        List<String> fields = replyFields(ALICE);
        fields.removeIf(field -> field.startsWith("From:"));
        fields.addAll(0, from);

        AuthResults results = verify(stored(ALICE, fields, BODY), LISTED, "h", ALICE);

        assertThat(results.dmarc()).isEqualTo(expected);
    }

    @Test
    void dmarcFailsForTwoAuthorsOfTheSameDomainEvenWhenSpfAligns() throws Exception {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject");
        List<String> fields = replyFields(ALICE);
        fields.replaceAll(field -> field.startsWith("From:") ? "From: alice@example.com, mallory@example.com" : field);

        AuthResults results = verify(stored(ALICE, fields, BODY), LISTED, "h", ALICE);

        assertThat(results.spf().result()).isEqualTo("pass");
        assertThat(results.dmarc().result()).isEqualTo("fail");
        assertThat(results.authenticationResultsHeader("reply.test"))
                .endsWith("dmarc=fail (the From field holds 2 addresses)");
    }

    // ---- DNS failures

    @Test
    void concurrentVerificationsOfSignedMailAllPass() throws Exception {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");
        dns.txt("sel1._domainkey.example.com", keyRecord(EXAMPLE_KEY));
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject");
        Path file = write(signedReply(BODY));
        ExecutorService workers = Executors.newFixedThreadPool(8);
        try {
            List<Future<AuthResults>> futures = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                futures.add(workers.submit(() -> authenticator.verify(file, LISTED, "mail.example.com", ALICE)));
            }

            AuthResults allPass = new AuthResults(new SpfResult("pass", "mailfrom", "example.com"),
                    List.of(new DkimResult("pass", "example.com", "sel1")), new DmarcResult("pass", "example.com", "reject"));
            for (Future<AuthResults> future : futures) {
                assertThat(future.get(30, TimeUnit.SECONDS)).isEqualTo(allPass);
            }
        } finally {
            workers.shutdownNow();
            assertThat(workers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }


    @Test
    void aDnsServerThatNeverAnswersGivesTemperrorEverywhereWithinTheTimeouts() throws Exception {
        dns.txt("sel1._domainkey.example.com", keyRecord(EXAMPLE_KEY));
        String message = signedReply(BODY);
        try (LoopbackDnsServer silent = LoopbackDnsServer.silent()) {
            SenderAuthenticator stuck = new SenderAuthenticator(new SenderAuthenticator.Settings(
                    List.of(silent.address()), Duration.ofMillis(300), "reply.test"));
            Path file = write(message);

            AuthResults results = stuck.verify(file, LISTED, "mail.example.com", ALICE);

            assertThat(results).isEqualTo(new AuthResults(new SpfResult("temperror", "mailfrom", "example.com"),
                    List.of(new DkimResult("temperror", "example.com", "sel1")),
                    new DmarcResult("temperror", "example.com", null)));
            // temperror everywhere is the timeout at work; how long it took is for scripts/bench, not a test
        }
    }

    @Test
    void aSecondServerAnswersWhenTheFirstNeverDoes() throws Exception {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");
        try (LoopbackDnsServer silent = LoopbackDnsServer.silent()) {
            SenderAuthenticator failover = new SenderAuthenticator(new SenderAuthenticator.Settings(
                    List.of(silent.address(), dns.address()), Duration.ofMillis(200), "reply.test"));

            AuthResults results = failover.verify(write(unsignedReply()), LISTED, "mail.example.com", ALICE);

            assertThat(results.spf().result()).isEqualTo("pass");
            assertThat(results.dmarc().result()).isEqualTo("none");
        }
    }

    @Test
    void dmarcIsTemperrorNotFailWhenTheSignaturesKeyCouldNotBeFetched() throws Exception {
        dns.txt("example.com", "v=spf1 -all");
        dns.servfail("sel1._domainkey.example.com");
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject");

        AuthResults results = verify(signedReply(BODY), LISTED, "mail.example.com", ALICE);

        assertThat(results).isEqualTo(new AuthResults(new SpfResult("fail", "mailfrom", "example.com"),
                List.of(new DkimResult("temperror", "example.com", "sel1")),
                new DmarcResult("temperror", "example.com", "reject")));
    }

    @Test
    void aMissingFileGivesTemperrorForDkimAndDmarcAndStillChecksSpf() throws Exception {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");

        AuthResults results = authenticator.verify(dir.resolve("gone"), LISTED, "mail.example.com", ALICE);

        assertThat(results).isEqualTo(new AuthResults(new SpfResult("pass", "mailfrom", "example.com"),
                List.of(new DkimResult("temperror", null, null)), new DmarcResult("temperror", null, null)));
    }

    // ---- helpers

    private AuthResults verify(String message, InetAddress client, String helo, String mailFrom) throws Exception {
        return authenticator.verify(write(message), client, helo, mailFrom);
    }

    private Path write(String message) throws Exception {
        Path file = Files.createTempFile(dir, "msg", ".eml");
        Files.write(file, message.getBytes(StandardCharsets.UTF_8));
        return file;
    }

    private static String unsignedReply() {
        return stored(ALICE, replyFields(ALICE), BODY);
    }

    /** {@code fields} signed by example.com's {@code selector} with {@code key} over BODY and stored with it. */
    private static String signed(List<String> fields, String selector, KeyPair key, String signedHeaders)
            throws Exception {
        List<String> all = new ArrayList<>(fields);
        all.add(0, sign(fields, BODY, "example.com", selector, key, signedHeaders));
        return stored(ALICE, all, BODY);
    }

    private static String signedReply(String body) throws Exception {
        List<String> fields = replyFields(ALICE);
        fields.add(0, sign(fields, body, "example.com", "sel1", EXAMPLE_KEY));
        return stored(ALICE, fields, body);
    }

    /** The fail of a message DMARC cannot judge by one author domain, for {@code problem}. */
    private static DmarcResult failedFor(String problem) {
        return new DmarcResult("fail", null, null, problem);
    }

    private static List<String> withFirst(List<String> fields, String... first) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(fields);
        return all;
    }

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
