package dev.replyd.auth;

import static dev.replyd.auth.TestMessages.BODY;
import static dev.replyd.auth.TestMessages.keyRecord;
import static dev.replyd.auth.TestMessages.replyFields;
import static dev.replyd.auth.TestMessages.sign;
import static dev.replyd.auth.TestMessages.stored;
import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SenderAuthenticatorTest {

    private static final String ALICE = "alice@example.com";
    private static final InetAddress LISTED = address("192.0.2.10");
    private static final InetAddress UNLISTED = address("198.51.100.7");

    private static KeyPair exampleKey;
    private static KeyPair attackerKey;

    @TempDir
    Path dir;

    private LoopbackDnsServer dns;
    private SenderAuthenticator authenticator;

    @BeforeAll
    static void generateKeys() {
        exampleKey = TestMessages.rsaKey();
        attackerKey = TestMessages.rsaKey();
    }

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

    @Test
    void spfPassesForAClientInsideAnIp4Range() throws Exception {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");

        AuthResults results = verify(unsignedReply(), LISTED, "mail.example.com", ALICE);

        assertThat(results.spf()).isEqualTo(new SpfResult("pass", "mailfrom", "example.com"));
    }

    @Test
    void spfFailsForAClientOutsideTheRangesOfADashAllRecord() throws Exception {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");

        AuthResults results = verify(unsignedReply(), UNLISTED, "mail.example.com", ALICE);

        assertThat(results.spf().result()).isEqualTo("fail");
    }

    @Test
    void spfSoftfailsForAClientOutsideTheRangesOfATildeAllRecord() throws Exception {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 ip4:203.0.113.5 ~all");

        AuthResults results = verify(unsignedReply(), UNLISTED, "mail.example.com", ALICE);

        assertThat(results.spf().result()).isEqualTo("softfail");
    }

    @Test
    void spfIsNoneForADomainWithoutSpfRecord() throws Exception {
        dns.txt("example.com", "google-site-verification=abc");

        AuthResults results = verify(unsignedReply(), LISTED, "mail.example.com", ALICE);

        assertThat(results.spf().result()).isEqualTo("none");
    }

    @Test
    void spfIsPermerrorForARecordThatDoesNotParse() throws Exception {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.300 -all");

        AuthResults results = verify(unsignedReply(), LISTED, "mail.example.com", ALICE);

        assertThat(results.spf().result()).isEqualTo("permerror");
    }

    @Test
    void spfOfTheNullSenderChecksTheHeloName() throws Exception {
        dns.txt("mail.example.com", "v=spf1 ip4:192.0.2.10 -all");

        AuthResults results = verify(unsignedReply(), LISTED, "mail.example.com", "");

        assertThat(results.spf()).isEqualTo(new SpfResult("pass", "helo", "mail.example.com"));
    }

    @Test
    void spfFollowsIncludesThroughTheSameDnsServer() throws Exception {
        dns.txt("example.com", "v=spf1 include:_spf.provider.example -all");
        dns.txt("_spf.provider.example", "v=spf1 ip4:192.0.2.0/28 -all");

        AuthResults results = verify(unsignedReply(), LISTED, "mail.example.com", ALICE);

        assertThat(results.spf().result()).isEqualTo("pass");
        assertThat(dns.questions()).contains("_spf.provider.example./TXT");
    }

    @Test
    void spfMatchesAnIpv6ClientAgainstAnIp6Range() throws Exception {
        dns.txt("example.com", "v=spf1 ip6:2001:db8:1::/48 -all");

        AuthResults inside = verify(unsignedReply(), address("2001:db8:1::25"), "mail.example.com", ALICE);
        AuthResults outside = verify(unsignedReply(), address("2001:db8:2::25"), "mail.example.com", ALICE);

        assertThat(inside.spf().result()).isEqualTo("pass");
        assertThat(outside.spf().result()).isEqualTo("fail");
    }

    @Test
    void spfResolvesTheAMechanismThroughTheSameDnsServer() throws Exception {
        dns.txt("example.com", "v=spf1 a:mail.example.com -all");
        dns.a("mail.example.com", "192.0.2.10");

        AuthResults results = verify(unsignedReply(), LISTED, "mail.example.com", ALICE);

        assertThat(results.spf().result()).isEqualTo("pass");
        assertThat(dns.questions()).contains("mail.example.com./A");
    }

    // ---- DKIM

    @Test
    void dkimPassesForASignatureMadeWithThePublishedKey() throws Exception {
        dns.txt("sel1._domainkey.example.com", keyRecord(exampleKey));

        AuthResults results = verify(signedReply(BODY), LISTED, "mail.example.com", ALICE);

        assertThat(results.dkim()).containsExactly(new DkimResult("pass", "example.com", "sel1"));
    }

    @Test
    void dkimFailsWhenTheBodyWasChangedAfterSigning() throws Exception {
        dns.txt("sel1._domainkey.example.com", keyRecord(exampleKey));
        List<String> fields = replyFields(ALICE);
        fields.add(0, sign(fields, BODY, "example.com", "sel1", exampleKey));
        String tampered = BODY.replace("fixed", "broke");

        AuthResults results = verify(stored(ALICE, fields, tampered), LISTED, "mail.example.com", ALICE);

        assertThat(results.dkim()).containsExactly(new DkimResult("fail", "example.com", "sel1"));
    }

    @Test
    void dkimFailsWhenASignedHeaderFieldWasChangedAfterSigning() throws Exception {
        dns.txt("sel1._domainkey.example.com", keyRecord(exampleKey));
        List<String> fields = replyFields(ALICE);
        fields.add(0, sign(fields, BODY, "example.com", "sel1", exampleKey));
        fields.replaceAll(field -> field.startsWith("Subject:") ? "Subject: Re: wire the money" : field);

        AuthResults results = verify(stored(ALICE, fields, BODY), LISTED, "mail.example.com", ALICE);

        assertThat(results.dkim()).containsExactly(new DkimResult("fail", "example.com", "sel1"));
    }

    @Test
    void dkimFailsWhenTheSelectorPublishesAnotherKey() throws Exception {
        dns.txt("sel1._domainkey.example.com", keyRecord(attackerKey));

        AuthResults results = verify(signedReply(BODY), LISTED, "mail.example.com", ALICE);

        assertThat(results.dkim()).containsExactly(new DkimResult("fail", "example.com", "sel1"));
    }

    @Test
    void dkimFailsForAnRsaKeyShorterThan1024Bits() throws Exception {
        KeyPair weak = TestMessages.rsaKey(512);
        dns.txt("weak._domainkey.example.com", keyRecord(weak));
        List<String> fields = replyFields(ALICE);
        fields.add(0, sign(fields, BODY, "example.com", "weak", weak));

        AuthResults results = verify(stored(ALICE, fields, BODY), LISTED, "mail.example.com", ALICE);

        assertThat(results.dkim()).containsExactly(new DkimResult("fail", "example.com", "weak"));
    }

    @Test
    void aMessageWithoutSignatureHasNoDkimResultsAndTheHeaderSaysNone() throws Exception {
        AuthResults results = verify(unsignedReply(), LISTED, "mail.example.com", ALICE);

        assertThat(results.dkim()).isEmpty();
        assertThat(results.authenticationResultsHeader("reply.test")).contains("\tdkim=none;");
    }

    @Test
    void everySignatureGetsItsOwnVerdictPassesFirst() throws Exception {
        dns.txt("sel1._domainkey.example.com", keyRecord(exampleKey));
        dns.txt("list._domainkey.lists.example.org", keyRecord(attackerKey));
        List<String> fields = replyFields(ALICE);
        String own = sign(fields, BODY, "example.com", "sel1", exampleKey);
        String other = sign(fields, BODY, "lists.example.org", "list", exampleKey); // wrong key for list

        AuthResults results = verify(stored(ALICE, withFirst(fields, other, own), BODY), LISTED, "h", ALICE);

        assertThat(results.dkim()).containsExactly(
                new DkimResult("pass", "example.com", "sel1"),
                new DkimResult("fail", "lists.example.org", "list"));
    }

    @Test
    void replydsOwnReceivedFieldDoesNotBreakASignatureOverreachingReceived() throws Exception {
        // The signer covers "received" once although the message had none at signing time (a null
        // field, RFC 6376 5.4); our trace Received must not be taken as the signed one.
        dns.txt("sel1._domainkey.example.com", keyRecord(exampleKey));
        List<String> fields = replyFields(ALICE);
        fields.add(0, sign(fields, BODY, "example.com", "sel1", exampleKey, "from:subject:received"));

        AuthResults results = verify(stored(ALICE, fields, BODY), LISTED, "mail.example.com", ALICE);

        assertThat(results.dkim()).containsExactly(new DkimResult("pass", "example.com", "sel1"));
    }

    @Test
    void aFileWithUnixLineEndsVerifiesLikeTheCrlfOriginal() throws Exception {
        dns.txt("sel1._domainkey.example.com", keyRecord(exampleKey));
        String unix = signedReply(BODY).replace("\r\n", "\n");

        AuthResults results = verify(unix, LISTED, "mail.example.com", ALICE);

        assertThat(results.dkim()).containsExactly(new DkimResult("pass", "example.com", "sel1"));
    }

    @Test
    void aFoldedSignedSubjectVerifiesWithRelaxedCanonicalisation() throws Exception {
        dns.txt("sel1._domainkey.example.com", keyRecord(exampleKey));
        List<String> fields = replyFields(ALICE);
        fields.replaceAll(field -> field.startsWith("Subject:")
                ? "Subject: Re: [tracker] Issue #1:\r\n\t login page   broken" : field);
        fields.add(0, sign(fields, BODY, "example.com", "sel1", exampleKey));

        AuthResults results = verify(stored(ALICE, fields, BODY), LISTED, "mail.example.com", ALICE);

        assertThat(results.dkim()).containsExactly(new DkimResult("pass", "example.com", "sel1"));
    }

    // ---- DMARC

    @Test
    void dmarcPassesOnAnAlignedDkimSignatureEvenWhenSpfFails() throws Exception {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");
        dns.txt("sel1._domainkey.example.com", keyRecord(exampleKey));
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject; rua=mailto:dmarc@example.com");

        AuthResults results = verify(signedReply(BODY), UNLISTED, "forwarder.example.net", ALICE);

        assertThat(results.spf().result()).isEqualTo("fail");
        assertThat(results.dmarc()).isEqualTo(new DmarcResult("pass", "example.com", "reject"));
    }

    @Test
    void dmarcPassesOnSpfForASubdomainOfTheFromDomainInRelaxedMode() throws Exception {
        dns.txt("bounces.example.com", "v=spf1 ip4:192.0.2.10 -all");
        dns.txt("_dmarc.example.com", "v=DMARC1; p=quarantine");

        AuthResults results = verify(unsignedReply(), LISTED, "mail.example.com", "bounce-1@bounces.example.com");

        assertThat(results.spf().result()).isEqualTo("pass");
        assertThat(results.dmarc()).isEqualTo(new DmarcResult("pass", "example.com", "quarantine"));
    }

    @Test
    void dmarcFailsOnASubdomainSpfPassWhenSpfAlignmentIsStrict() throws Exception {
        dns.txt("bounces.example.com", "v=spf1 ip4:192.0.2.10 -all");
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject; aspf=s");

        AuthResults results = verify(unsignedReply(), LISTED, "mail.example.com", "bounce-1@bounces.example.com");

        assertThat(results.dmarc()).isEqualTo(new DmarcResult("fail", "example.com", "reject"));
    }

    @Test
    void dmarcFailsWithRejectWhenOnlyTheSendersOwnDomainAuthenticates() throws Exception {
        // A forger at attacker.example passes SPF and DKIM for its own domain, with From: alice@example.com.
        dns.txt("attacker.example", "v=spf1 ip4:198.51.100.0/24 -all");
        dns.txt("s._domainkey.attacker.example", keyRecord(attackerKey));
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject");
        List<String> fields = replyFields(ALICE);
        fields.add(0, sign(fields, BODY, "attacker.example", "s", attackerKey));

        AuthResults results = verify(stored("x@attacker.example", fields, BODY), UNLISTED, "attacker.example",
                "x@attacker.example");

        assertThat(results.spf().result()).isEqualTo("pass");
        assertThat(results.dkim()).containsExactly(new DkimResult("pass", "attacker.example", "s"));
        assertThat(results.dmarc()).isEqualTo(new DmarcResult("fail", "example.com", "reject"));
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

    @Test
    void dmarcFailsForAFromFieldWithAuthorsInTwoDomains() throws Exception {
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject");
        List<String> fields = replyFields(ALICE);
        fields.replaceAll(field -> field.startsWith("From:") ? "From: alice@example.com, eve@example.net" : field);

        AuthResults results = verify(stored(ALICE, fields, BODY), LISTED, "h", ALICE);

        assertThat(results.dmarc()).isEqualTo(
                new DmarcResult("fail", null, null, "the From field holds 2 addresses"));
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

    @Test
    void dmarcFailsForASecondFromFieldWhateverItsCase() throws Exception {
        // The first author would pass: SPF is aligned with example.com.
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject");
        for (String second : List.of("From: x@attacker.example", "from: x@attacker.example")) {
            List<String> fields = replyFields(ALICE);
            fields.replaceAll(field -> field.startsWith("From:") ? "FROM: ceo@example.com" : field);
            fields.add(1, second);

            AuthResults results = verify(stored(ALICE, fields, BODY), LISTED, "h", ALICE);

            assertThat(results.dmarc()).as(second).isEqualTo(new DmarcResult("fail", null, null, "2 From fields"));
        }
    }

    @Test
    void dmarcFailsForAMessageWithoutFrom() throws Exception {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");
        List<String> fields = replyFields(ALICE);
        fields.removeIf(field -> field.startsWith("From:"));

        AuthResults results = verify(stored(ALICE, fields, BODY), LISTED, "h", ALICE);

        assertThat(results.dmarc()).isEqualTo(new DmarcResult("fail", null, null, "no From field"));
    }

    @Test
    void dmarcFailsForAnEncodedWordWhereTheAddressShouldBe() throws Exception {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject");
        List<String> fields = replyFields(ALICE);
        // "ceo@example.com" as an RFC 2047 encoded word: not an address (RFC 2047 section 5).
        fields.replaceAll(field -> field.startsWith("From:") ? "From: =?UTF-8?B?Y2VvQGV4YW1wbGUuY29t?=" : field);

        AuthResults results = verify(stored(ALICE, fields, BODY), LISTED, "h", ALICE);

        assertThat(results.dmarc()).isEqualTo(new DmarcResult("fail", null, null, "the From address has no DNS domain"));
    }

    @Test
    void dmarcUsesTheAddressNotADomainHiddenInTheDisplayName() throws Exception {
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject");
        List<String> fields = replyFields(ALICE);
        fields.replaceAll(field -> field.startsWith("From:")
                ? "From: \"ceo@bank.example, Boss\" (see <x@bank.example>) <alice@example.com>" : field);

        AuthResults results = verify(stored(ALICE, fields, BODY), UNLISTED, "h", ALICE);

        assertThat(results.dmarc().fromDomain()).isEqualTo("example.com");
    }

    // ---- DNS failures

    @Test
    void concurrentVerificationsOfSignedMailAllPass() throws Exception {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");
        dns.txt("sel1._domainkey.example.com", keyRecord(exampleKey));
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject");
        Path file = write(signedReply(BODY));
        ExecutorService workers = Executors.newFixedThreadPool(8);
        try {
            List<Future<AuthResults>> futures = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                futures.add(workers.submit(() -> authenticator.verify(file, LISTED, "mail.example.com", ALICE)));
            }

            for (Future<AuthResults> future : futures) {
                AuthResults results = future.get(30, TimeUnit.SECONDS);
                assertThat(results.spf().result()).isEqualTo("pass");
                assertThat(results.dkim()).containsExactly(new DkimResult("pass", "example.com", "sel1"));
                assertThat(results.dmarc()).isEqualTo(new DmarcResult("pass", "example.com", "reject"));
            }
        } finally {
            workers.shutdownNow();
            assertThat(workers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }


    @Test
    void aDnsServerThatNeverAnswersGivesTemperrorEverywhereWithinTheTimeouts() throws Exception {
        dns.txt("sel1._domainkey.example.com", keyRecord(exampleKey));
        String message = signedReply(BODY);
        try (LoopbackDnsServer silent = LoopbackDnsServer.silent()) {
            SenderAuthenticator stuck = new SenderAuthenticator(new SenderAuthenticator.Settings(
                    List.of(silent.address()), Duration.ofMillis(300), "reply.test"));
            Path file = write(message);

            AuthResults results = stuck.verify(file, LISTED, "mail.example.com", ALICE);

            assertThat(results.spf().result()).isEqualTo("temperror");
            assertThat(results.dkim()).containsExactly(new DkimResult("temperror", "example.com", "sel1"));
            assertThat(results.dmarc()).isEqualTo(new DmarcResult("temperror", "example.com", null));
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

        assertThat(results.spf().result()).isEqualTo("fail");
        assertThat(results.dkim()).containsExactly(new DkimResult("temperror", "example.com", "sel1"));
        assertThat(results.dmarc()).isEqualTo(new DmarcResult("temperror", "example.com", "reject"));
    }

    @Test
    void aMissingFileGivesTemperrorForDkimAndDmarcAndStillChecksSpf() throws Exception {
        dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");

        AuthResults results = authenticator.verify(dir.resolve("gone"), LISTED, "mail.example.com", ALICE);

        assertThat(results.spf().result()).isEqualTo("pass");
        assertThat(results.dkim()).containsExactly(new DkimResult("temperror", null, null));
        assertThat(results.dmarc()).isEqualTo(new DmarcResult("temperror", null, null));
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

    private static String signedReply(String body) throws Exception {
        List<String> fields = replyFields(ALICE);
        fields.add(0, sign(fields, body, "example.com", "sel1", exampleKey));
        return stored(ALICE, fields, body);
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
