package dev.replyd.processor;

import static dev.replyd.processor.Fixtures.deliver;
import static dev.replyd.processor.Fixtures.fixture;
import static dev.replyd.processor.Fixtures.replyAddress;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.replyd.auth.SenderAuthenticator;
import dev.replyd.extract.ReplyExtractor;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.LocalDnsmasq;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SPF/DKIM/DMARC verdicts in the payload and {@code processor.sender-checks.require-dmarc}, with a real DNS
 * server (dnsmasq on loopback) publishing a strict policy for the sender's domain while the
 * sending IP is not allowed by its SPF record.
 */
class SenderChecksTest extends ProcessorHarness {
  @RegisterExtension
  static final LocalDnsmasq dns = LocalDnsmasq.serving(
      // Authoritative for the zone: other names and types get NXDOMAIN/NODATA, not REFUSED.
      "--local=/example.org/",
      "--txt-record=example.org,v=spf1 ip4:198.51.100.0/24 -all",
      "--txt-record=_dmarc.example.org,v=DMARC1; p=reject");

  SenderChecks checks(SenderChecks.Policy policy) {
    return new SenderChecks(new SenderAuthenticator(new SenderAuthenticator.Settings(
        List.of(dns.address()), Duration.ofSeconds(2), Fixtures.REPLY_DOMAIN)),
        policy, Fixtures.REPLY_DOMAIN);
  }

  void start(SenderChecks checks) throws Exception {
    processor = dev.replyd.processor.Processor.start(Fixtures.settings(receiver.url()), maildir, Fixtures.CODEC,
        new ReplyExtractor(ReplyExtractor.Settings.defaults()), registry, checks);
  }

  @Test
  void verdictsTravelInThePayloadWhenThePolicyIsOff() throws Exception {
    start(checks(SenderChecks.Policy.OFF));

    JsonNode json = postedAlone(fixture("plain.eml"));

    assertThat(json.at("/auth/spf/result").asText()).isEqualTo("fail");
    assertThat(json.at("/auth/dkim").size()).isZero();
    assertThat(json.at("/auth/dmarc/result").asText()).isEqualTo("fail");
    assertThat(json.at("/auth/dmarc/policy").asText()).isEqualTo("reject");
    assertThat(json.at("/auth/authentication_results").asText()).startsWith("Authentication-Results: " + Fixtures.REPLY_DOMAIN)
        .contains("dmarc=fail");
    assertThat(json.at("/flags/quarantined").asBoolean()).isFalse();
  }

  @Test
  void quarantinePostsTheFailingMessageFlagged() throws Exception {
    start(checks(SenderChecks.Policy.QUARANTINE));

    JsonNode json = postedAlone(fixture("plain.eml"));

    assertThat(json.at("/flags/quarantined").asBoolean()).isTrue();
  }

  @Test
  void rejectFilesTheFailingMessageAsUnauthenticatedWithoutPosting() throws Exception {
    start(checks(SenderChecks.Policy.REJECT));

    String name = deliverAndAwaitFiled(fixture("plain.eml"), MaildirLayout.FAILURE);
    assertThat(receiver.requests()).isEmpty();
    assertThat(reasonFile(name).get("reason").asText()).isEqualTo("unauthenticated");
    assertThat(reasonFile(name).get("detail").asText()).contains("example.org fails DMARC");
  }

  @Test
  void withoutChecksThePayloadSaysAuthWasNotChecked() throws Exception {
    start(SenderChecks.none());

    JsonNode json = postedAlone(fixture("plain.eml"));

    assertThat(json.get("auth").isNull()).isTrue();
  }

  /** plain.eml with its From field replaced by {@code from} (one or more whole fields). */
  static String withFrom(String from) {
    return fixture("plain.eml").replace("From: Alice Example <alice@example.org>\n", from);
  }

  @Test
  void rejectFilesMailWithASecondAuthorAsUnauthenticatedWithoutPosting() throws Exception {
    start(checks(SenderChecks.Policy.REJECT));
    List<String> variants = List.of(
        "From: ceo@example.org\nFrom: x@attacker.example\n",
        "FROM: ceo@example.org\nfrom: x@attacker.example\n",
        "From: ceo@example.org, x@attacker.example\n");
    List<String> details = List.of(
        "DMARC fails: 2 From fields (expected: one From field with one author; processor.sender-checks.require-dmarc = reject)",
        "DMARC fails: 2 From fields (expected: one From field with one author; processor.sender-checks.require-dmarc = reject)",
        "DMARC fails: the From field holds 2 addresses (expected: one From field with one author; "
            + "processor.sender-checks.require-dmarc = reject)");

    for (int i = 0; i < variants.size(); i++) {
      String name = deliverAndAwaitFiled(withFrom(variants.get(i)), MaildirLayout.FAILURE);
      assertThat(reasonFile(name).get("reason").asText()).as(variants.get(i)).isEqualTo("unauthenticated");
      assertThat(reasonFile(name).get("detail").asText()).as(variants.get(i)).isEqualTo(details.get(i));
    }
    assertThat(receiver.requests()).isEmpty();
  }

  @Test
  void rejectFilesMailWithoutFromOrWithAnEncodedWordForAnAddressAsUnauthenticated() throws Exception {
    start(checks(SenderChecks.Policy.REJECT));

    String none = deliver(maildir, replyAddress(), withFrom(""));
    String encoded = deliver(maildir, replyAddress(), withFrom("From: =?UTF-8?B?Y2VvQGV4YW1wbGUub3Jn?=\n"));

    awaitFiled(MaildirLayout.FAILURE, none);
    awaitFiled(MaildirLayout.FAILURE, encoded);
    assertThat(reasonFile(none).get("detail").asText()).startsWith("DMARC fails: no From field ");
    assertThat(reasonFile(encoded).get("detail").asText()).startsWith("DMARC fails: the From address has no DNS domain ");
    assertThat(receiver.requests()).isEmpty();
  }

  @Test
  void quarantinePostsMailWithTwoAuthorsFlaggedAndNamesNeitherAsTheSender() throws Exception {
    start(checks(SenderChecks.Policy.QUARANTINE));

    JsonNode json = postedAlone(withFrom("From: ceo@example.org\nFrom: x@attacker.example\n"));

    assertThat(json.at("/flags/quarantined").asBoolean()).isTrue();
    assertThat(json.at("/auth/dmarc/result").asText()).isEqualTo("fail");
    assertThat(json.at("/auth/dmarc/from_domain").isNull()).isTrue();
    assertThat(json.at("/auth/authentication_results").asText()).endsWith("dmarc=fail (2 From fields)");
    assertThat(json.at("/from/address").isNull()).isTrue();
    assertThat(json.at("/from/addresses")).extracting(JsonNode::asText)
        .containsExactly("ceo@example.org", "x@attacker.example");
  }
}
