package dev.replyd.processor;

import dev.replyd.address.AddressPurpose;
import dev.replyd.address.ReplyToken;
import java.time.Instant;
import java.util.List;

/**
 * UnsubscribePayload - the webhook body for mail to an unsubscribe address
 * ({@code unsub+<kind>-<thread>-<sig>-<user>@<reply-domain>}, the {@code mailto:} of a
 * notification's {@code List-Unsubscribe}): the same {@link WebhookPayload} shape as a reply,
 * with {@code type = "unsubscribe"}.
 *
 * <p>CONTRACT: the address (kind, thread, user), the envelope, From, Subject, Message-ID,
 * threading headers and the sender-authentication verdicts are filled as for a reply. The body is
 * ignored: mail clients send whatever they like there (often nothing, or the word "unsubscribe"),
 * so {@code reply} and {@code full_text} and {@code html} are null, {@code attachments} is empty and
 * {@code flags.charset_fallback} is false. Nothing here decides whether the mail is automatic or
 * authenticated; the earlier steps of {@link ReadingSteps} have done that.
 *
 * <p>THREAD-SAFETY: stateless.
 */
final class UnsubscribePayload {

  private UnsubscribePayload() {}

  static WebhookPayload of(
      String deliveryId,
      String messageKey,
      Instant receivedAt,
      InboundMessage facts,
      ReplyToken token,
      boolean mailingList,
      WebhookPayload.Auth auth,
      boolean quarantined) {
    return WebhookPayload.fromMessage(
        AddressPurpose.UNSUBSCRIBE.wireName(),
        deliveryId,
        messageKey,
        receivedAt,
        facts,
        token,
        null,
        null,
        null,
        List.of(),
        auth,
        new WebhookPayload.Flags(false, mailingList, false, quarantined, List.of()));
  }
}
