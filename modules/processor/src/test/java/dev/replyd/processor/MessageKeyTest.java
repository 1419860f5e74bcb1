package dev.replyd.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.RecordingMainApp;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code message_key}: one message stored twice (as two nodes store a message whose sender retried
 * after a lost 250) gets one key and two delivery ids; another reply gets another key.
 */
class MessageKeyTest extends ProcessorHarness {

  @Test
  void sameMessageStoredTwiceHasOneMessageKeyAndTwoDeliveryIds() throws Exception {
    // given: the same bytes under two different trace prefixes (two envelopes), and a changed reply
    start(Fixtures.settings(receiver.url()));
    String message = Fixtures.fixture("plain.eml");
    String first = Fixtures.deliver(maildir, "alice@example.org", Fixtures.replyAddress(), message);
    String retried = Fixtures.deliver(maildir, "bounce+alice@example.org", Fixtures.replyAddress(), message);
    String other = Fixtures.deliver(maildir, Fixtures.replyAddress(),
        message.replace("Thanks, the patch fixes it for me.", "Still crashes here."));

    // when
    for (String name : List.of(first, retried, other)) {
      awaitFiled(MaildirLayout.SUCCESS, name);
    }

    // then
    Map<String, JsonNode> byDelivery = receiver.requests().stream()
        .collect(Collectors.toMap(RecordingMainApp.Request::deliveryId, RecordingMainApp.Request::json));
    assertThat(byDelivery).containsOnlyKeys(first, retried, other);
    for (JsonNode json : byDelivery.values()) {
      assertThat(PayloadSchema.violations(json)).as("schema violations").isEmpty();
      assertThat(json.get("message_key").asText()).matches("[0-9a-f]{64}");
    }
    assertThat(byDelivery.get(first).get("message_key")).isEqualTo(byDelivery.get(retried).get("message_key"));
    assertThat(byDelivery.get(other).get("message_key")).isNotEqualTo(byDelivery.get(first).get("message_key"));
  }

  @Test
  void keyCoversMessageIdDateAddressAndBody() {
    dev.replyd.address.ReplyToken token = new dev.replyd.address.ReplyToken("i", 42, 7);
    String key = MessageKey.of("<a@x>", "Fri, 27 Nov 2026 10:00:00 +0000", token, "text", null);

    assertThat(MessageKey.of("<a@x>", "Fri, 27 Nov 2026 10:00:00 +0000", token, "text", null)).isEqualTo(key);
    assertThat(MessageKey.of("<b@x>", "Fri, 27 Nov 2026 10:00:00 +0000", token, "text", null)).isNotEqualTo(key);
    assertThat(MessageKey.of("<a@x>", "Fri, 27 Nov 2026 10:00:01 +0000", token, "text", null)).isNotEqualTo(key);
    assertThat(MessageKey.of("<a@x>", "Fri, 27 Nov 2026 10:00:00 +0000", new dev.replyd.address.ReplyToken("i", 42, 8),
        "text", null)).isNotEqualTo(key);
    assertThat(MessageKey.of("<a@x>", "Fri, 27 Nov 2026 10:00:00 +0000", token, "text", "<p>text</p>")).isNotEqualTo(key);
    // length-prefixed fields: moving a boundary changes the key
    assertThat(MessageKey.of("<a@x>", "", token, "text", null)).isNotEqualTo(MessageKey.of("<a@x", ">", token, "text", null));
  }
}
