package dev.replyd.processor;

import static dev.replyd.processor.Fixtures.deliver;
import static dev.replyd.processor.Fixtures.fixture;
import static dev.replyd.processor.Fixtures.replyAddress;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.address.ReplyToken;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.Await;
import dev.replyd.testing.RecordingMainApp;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Messages that are never posted: each is filed with the documented reason, nothing is lost. */
class MessageFilingTest extends ProcessorHarness {

  private JsonNode failedWithoutPosting(String name) throws Exception {
    awaitFiled(MaildirLayout.FAILURE, name);
    assertThat(receiver.requests()).as("nothing posted").isEmpty();
    JsonNode reason = reasonFile(name);
    assertThat(reason.get("delivery_id").asText()).isEqualTo(name);
    assertThat(reason.get("attempts").asInt()).isZero();
    assertThat(Instant.parse(reason.get("at").asText())).isBefore(Instant.now().plusSeconds(1));
    return reason;
  }

  /** Filed under failure/ without posting, with {@code reason} and exactly {@code detail}. */
  private void assertFiledWithoutPosting(String name, String reason, String detail) throws Exception {
    JsonNode filed = failedWithoutPosting(name);
    assertThat(filed.get("reason").asText()).isEqualTo(reason);
    assertThat(filed.get("detail").asText()).isEqualTo(detail);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "Auto-Submitted: auto-replied",
      "Auto-Submitted: auto-generated; owner-email=\"ops@example.org\"",
      "Precedence: bulk",
      "Precedence: junk",
      "Precedence: list",
      "Precedence: auto_reply",
      "X-Autoreply: yes",
      "X-Autorespond: Out of office until Monday"})
  void automaticMailIsFiledAsAutoReplyAndNeverPosted(String header) throws Exception {
    start(Fixtures.settings(receiver.url()));

    String name = deliver(maildir, replyAddress(), header + "\n" + fixture("plain.eml"));

    assertFiledWithoutPosting(name, "auto_reply", header);
  }

  @Test
  void autoSubmittedNoIsAPersonAndIsPosted() throws Exception {
    start(Fixtures.settings(receiver.url()));

    String name = deliverAndAwaitFiled("Auto-Submitted: no\n" + fixture("plain.eml"), MaildirLayout.SUCCESS);
    assertThat(receiver.requests()).hasSize(1);
  }

  @Test
  void nullSenderIsFiledAsAutoReply() throws Exception {
    start(Fixtures.settings(receiver.url()));

    String name = deliver(maildir, "", replyAddress(), fixture("plain.eml"));

    assertFiledWithoutPosting(name, "auto_reply", "null sender (Return-Path: <>)");
  }

  @Test
  void deliveryStatusReportIsFiledAsAutoReply() throws Exception {
    start(Fixtures.settings(receiver.url()));

    String name = deliver(maildir, "postmaster@mx.example.org", replyAddress(), fixture("delivery-report.eml"));

    assertFiledWithoutPosting(name, "auto_reply", "Content-Type: multipart/report; report-type=delivery-status");
  }

  @Test
  void aReplyWithoutContentTypeIsPlainTextAndIsPosted() throws Exception {
    // given: what smtp-source and some scripts send: no MIME headers at all
    String bare = fixture("plain.eml").replace("MIME-Version: 1.0\n", "").replace("Content-Type: text/plain; charset=UTF-8\n", "");
    assertThat(bare).doesNotContainIgnoringCase("content-type");
    start(Fixtures.settings(receiver.url()));

    // when
    JsonNode payload = postedAlone(bare);

    // then
    assertThat(payload.at("/reply/text").asText()).isEqualTo("Thanks, the patch fixes it for me.");
  }

  @Test
  void tamperedTokenIsFiledAsInvalidToken() throws Exception {
    start(Fixtures.settings(receiver.url()));
    String genuine = replyAddress();
    String tampered = genuine.replace("+i-42-", "+i-43-");

    String name = deliver(maildir, tampered, fixture("plain.eml"));

    JsonNode reason = failedWithoutPosting(name);
    assertThat(reason.get("reason").asText()).isEqualTo("invalid_token");
    assertThat(reason.get("detail").asText()).startsWith(tampered + ": ");
    assertThat(reason.get("message_id").asText()).isEqualTo("<plain-1@mail.example.org>");
  }

  @Test
  void tokenOfAKindNoLongerConfiguredIsFiledAsUnknownKind() throws Exception {
    start(Fixtures.settings(receiver.url()));
    ReplyAddressCodec withWiki = new ReplyAddressCodec(
        "reply", Fixtures.REPLY_DOMAIN, List.of("i", "w"), List.of(Fixtures.ADDRESS_KEY));

    String name = deliver(maildir, withWiki.mint(new ReplyToken("w", 5, 7)), fixture("plain.eml"));

    JsonNode reason = failedWithoutPosting(name);
    assertThat(reason.get("reason").asText()).isEqualTo("unknown_kind");
  }

  @Test
  void afterAnAddressKeyReloadTokensSignedWithTheNewKeyArePostedAndOldOnesStillAre() throws Exception {
    byte[] newKey = "rotated-address-key-fedcba9876543210-xyz".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    ReplyAddressCodec rotated = new ReplyAddressCodec(
        "reply", Fixtures.REPLY_DOMAIN, List.of("i", "p", "c", "d"), List.of(newKey, Fixtures.ADDRESS_KEY));
    ReplyAddressCodec shared = new ReplyAddressCodec(
        "reply", Fixtures.REPLY_DOMAIN, List.of("i", "p", "c", "d"), List.of(Fixtures.ADDRESS_KEY));
    processor = Processor.start(Fixtures.settings(receiver.url()), maildir, shared,
        new dev.replyd.extract.ReplyExtractor(dev.replyd.extract.ReplyExtractor.Settings.defaults()), registry);
    String beforeReload = deliver(maildir, rotated.mint(Fixtures.ISSUE_42_USER_7), fixture("plain.eml"));
    awaitFiled(MaildirLayout.FAILURE, beforeReload);

    shared.replaceKeys(List.of(newKey, Fixtures.ADDRESS_KEY));
    String newKeyToken = deliver(maildir, rotated.mint(Fixtures.ISSUE_42_USER_7), fixture("plain.eml"));
    String oldKeyToken = deliver(maildir, replyAddress(), fixture("html-only.eml"));

    awaitFiled(MaildirLayout.SUCCESS, newKeyToken);
    awaitFiled(MaildirLayout.SUCCESS, oldKeyToken);
    assertThat(reasonFile(beforeReload).get("reason").asText()).isEqualTo("invalid_token");
    assertThat(receiver.requests()).extracting(RecordingMainApp.Request::deliveryId)
        .containsExactlyInAnyOrder(newKeyToken, oldKeyToken);
  }

  @Test
  void messageWithoutDeliveredToIsFiledAsInvalidToken() throws Exception {
    start(Fixtures.settings(receiver.url()));

    String name = maildir.deliver(
        new java.io.ByteArrayInputStream(fixture("plain.eml").getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        "Return-Path: <alice@example.org>\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

    assertFiledWithoutPosting(name, "invalid_token", "no Delivered-To header (expected: written by replyd's SMTP side)");
  }

  @Test
  void replyWithOnlyQuotedTextIsFiledAsEmptyReply() throws Exception {
    start(Fixtures.settings(receiver.url()));

    String name = deliver(maildir, replyAddress(), fixture("empty-reply.eml"));

    JsonNode reason = failedWithoutPosting(name);
    assertThat(reason.get("reason").asText()).isEqualTo("empty_reply");
  }

  @Test
  void multipartWithoutAnyPartIsPostedWithItsBodyTextAsMailClientsShowIt() throws Exception {
    start(Fixtures.settings(receiver.url()));

    JsonNode payload = postedAlone(fixture("no-start-boundary.eml"));

    assertThat(payload.at("/reply/text").asText())
        .isEqualTo("This body claims to be multipart but no part ever starts.");
    assertThat(payload.at("/flags/mime_repairs")).as("the repair is flagged for the main app").hasSize(1);
    assertThat(payload.at("/flags/mime_repairs/0").asText()).contains("without parts").contains("read as text/plain");
  }

  @Test
  void multipartWithoutAnyPartAndWithoutTextIsFiledAsUnparseableAndKept() throws Exception {
    start(Fixtures.settings(receiver.url()));

    String name = deliver(maildir, replyAddress(), fixture("no-start-boundary.eml")
        .replace("This body claims to be multipart but no part ever starts.", ""));

    JsonNode reason = failedWithoutPosting(name);
    assertThat(reason.get("reason").asText()).isEqualTo("unparseable");
    assertThat(reason.get("detail").asText()).contains("Missing start boundary");
    assertThat(Files.readString(maildir.path(MaildirLayout.FAILURE, name))).contains("boundary=\"never-used\"");
  }

  @Test
  void messageOverTheSizeLimitIsFiledAsTooLargeWithoutParsing() throws Exception {
    start(Fixtures.settings(receiver.url(), s -> s.maxMessageBytes = 500));

    String name = deliver(maildir, replyAddress(), fixture("plain.eml"));

    JsonNode reason = failedWithoutPosting(name);
    assertThat(reason.get("reason").asText()).isEqualTo("too_large");
    long size = Files.size(maildir.path(MaildirLayout.FAILURE, name));
    assertThat(reason.get("detail").asText())
        .isEqualTo("message is " + size + " bytes (limit: 500 bytes: replyd.processor.max-message-size plus room for the trace headers)");
  }

  @Test
  void mailForPostmasterIsFiledForTheAdministratorAndNeverPosted() throws Exception {
    start(Fixtures.settings(receiver.url()));

    String name = deliver(maildir, "postmaster@" + Fixtures.REPLY_DOMAIN, fixture("plain.eml"));

    awaitFiled(MaildirLayout.POSTMASTER, name);
    assertThat(receiver.requests()).isEmpty();
    assertThat(isIn(MaildirLayout.FAILURE, name)).isFalse();
  }

  @Test
  void successFilesOlderThanRetentionAreSweptAtStartUp() throws Exception {
    ProcessorSettings settings = Fixtures.settings(receiver.url()); // retention 30 days
    Processor first = start(settings);
    String old = deliver(maildir, replyAddress(), fixture("plain.eml"));
    String recent = deliver(maildir, replyAddress(), fixture("html-only.eml"));
    awaitFiled(MaildirLayout.SUCCESS, old);
    awaitFiled(MaildirLayout.SUCCESS, recent);
    first.stop(Duration.ofSeconds(5));
    Files.setLastModifiedTime(maildir.path(MaildirLayout.SUCCESS, old), FileTime.from(Instant.now().minus(Duration.ofDays(31))));

    start(settings);

    Await.until("old success file swept", WAIT, () -> !isIn(MaildirLayout.SUCCESS, old));
    assertThat(isIn(MaildirLayout.SUCCESS, recent)).isTrue();
  }
}
