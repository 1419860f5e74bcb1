package dev.replyd.processor;

import static dev.replyd.processor.Fixtures.deliver;
import static dev.replyd.processor.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.RecordingMainApp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Mail to an unsubscribe address (the {@code mailto:} of a notification's {@code List-Unsubscribe}): posted as
 * {@code type: "unsubscribe"} with the address, envelope and headers of a reply, its body ignored; automatic mail
 * to it is still dropped.
 */
class UnsubscribePayloadTest extends ProcessorHarness {

  private static String unsubscribeAddress() {
    return Fixtures.CODEC.mintUnsubscribe(Fixtures.ISSUE_42_USER_7);
  }

  @Test
  void mailToAnUnsubscribeAddressIsPostedAsUnsubscribeWithItsBodyIgnored() throws Exception {
    start(Fixtures.settings(receiver.url()));

    String name = deliver(maildir, unsubscribeAddress(), fixture("attachment.eml"));

    awaitFiled(MaildirLayout.SUCCESS, name);
    List<RecordingMainApp.Request> requests = receiver.requests();
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).signatureValid()).isTrue();
    JsonNode json = requests.get(0).json();
    assertThat(PayloadSchema.violations(json)).as("schema violations").isEmpty();
    assertThat(json.get("type").asText()).isEqualTo("unsubscribe");
    assertThat(json.get("delivery_id").asText()).isEqualTo(name);
    assertEnvelopeAndTokenOfTheFixtures(json, unsubscribeAddress());
    assertThat(json.at("/from/address").asText()).isEqualTo("frank@example.org");
    assertThat(json.get("message_id").asText()).isEqualTo("<attach-1@mail.example.org>");
    assertThat(json.get("reply").isNull()).isTrue();
    assertThat(json.get("full_text").isNull()).isTrue();
    assertThat(json.get("html").isNull()).isTrue();
    assertThat(json.get("attachments")).isEmpty();
    assertThat(new String(requests.get(0).body(), java.nio.charset.StandardCharsets.UTF_8))
        .doesNotContain("crash dump");
  }

  @Test
  void emptyMailToAnUnsubscribeAddressIsStillPosted() throws Exception {
    start(Fixtures.settings(receiver.url()));

    String name = deliver(maildir, unsubscribeAddress(), "From: bob@example.org\nSubject: unsubscribe\n\n");

    awaitFiled(MaildirLayout.SUCCESS, name);
    assertThat(receiver.requests()).hasSize(1);
    assertThat(receiver.requests().get(0).json().get("type").asText()).isEqualTo("unsubscribe");
  }

  @Test
  void automaticMailToAnUnsubscribeAddressIsFiledAsAutoReplyAndNeverPosted() throws Exception {
    start(Fixtures.settings(receiver.url()));

    String name = deliver(maildir, unsubscribeAddress(), "Auto-Submitted: auto-replied\n" + fixture("plain.eml"));

    awaitFiled(MaildirLayout.FAILURE, name);
    assertThat(receiver.requests()).isEmpty();
    assertThat(reasonFile(name).get("reason").asText()).isEqualTo("auto_reply");
  }

  @Test
  void replySignatureUnderTheUnsubscribePrefixIsFiledAsInvalidToken() throws Exception {
    start(Fixtures.settings(receiver.url()));
    String forged = Fixtures.replyAddress().replaceFirst("^reply\\+", "unsub+");

    String name = deliver(maildir, forged, fixture("plain.eml"));

    awaitFiled(MaildirLayout.FAILURE, name);
    assertThat(receiver.requests()).isEmpty();
    assertThat(reasonFile(name).get("reason").asText()).isEqualTo("invalid_token");
    assertThat(reasonFile(name).get("detail").asText()).isEqualTo(forged + ": signature does not match");
  }

  @Test
  void schemaRefusesAnUnsubscribeCarryingReplyTextAndAReplyWithoutIt() throws Exception {
    start(Fixtures.settings(receiver.url()));
    String name = deliver(maildir, Fixtures.replyAddress(), fixture("plain.eml"));
    awaitFiled(MaildirLayout.SUCCESS, name);
    ObjectNode reply = (ObjectNode) receiver.requests().get(0).json();
    assertThat(PayloadSchema.violations(reply)).isEmpty();

    ObjectNode relabelled = reply.deepCopy().put("type", "unsubscribe");
    ObjectNode textless = reply.deepCopy();
    textless.putNull("reply");
    textless.putNull("full_text");

    assertThat(PayloadSchema.violations(relabelled)).isNotEmpty();
    assertThat(PayloadSchema.violations(textless)).isNotEmpty();
  }
}
