package dev.replyd.processor;

import dev.replyd.address.ReplyToken;
import dev.replyd.auth.AuthResults;
import dev.replyd.extract.MessageBody;
import dev.replyd.extract.ReplyText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * WebhookPayload - the JSON body posted to the main app for one reply (ARCHITECTURE.md,
 * contract 3; the schema is {@code docs/webhook.schema.json}).
 *
 * <p>CONTRACT: field names are snake_case; fields that may be absent in a message are written
 * as null rather than left out. {@code type} is always {@code "reply"} so the main app can route
 * future event types on one URL. {@code delivery_id} equals the {@code Replyd-Delivery} header;
 * {@code message_key} ({@link MessageKey}) is the same on every node that received the message.
 * {@code reply.removed} lists what the extractor cut (rule and line range of {@code full_text}),
 * for auditing. Receivers must ignore fields they do not know (forward compatibility).
 *
 * <p>SECURITY: single-line fields (subject, from name, ids, attachment names) carry no control
 * characters ({@link SafeText}); {@code reply.text}, {@code full_text} and {@code html} are the
 * sender's own text, untrusted, to be escaped or sanitised by whoever renders them.
 *
 * <p>THREAD-SAFETY: immutable.
 */
record WebhookPayload(
    String type,
    String deliveryId,
    String messageKey,
    String receivedAt,
    Envelope envelope,
    Address address,
    From from,
    String subject,
    String messageId,
    String inReplyTo,
    List<String> references,
    Reply reply,
    String fullText,
    String html,
    List<AttachmentSummary> attachments,
    Auth auth,
    Flags flags) {

  record Envelope(String mailFrom, String recipient, String clientIp, String helo) {}

  record Address(String kind, long thread, long user) {}

  /**
   * The author. {@code name} and {@code address} are set only when the message has exactly one;
   * {@code addresses} lists every author address, so several authors show as null plus a list.
   */
  record From(String name, String address, List<String> addresses) {}

  record Reply(String text, List<Removed> removed, boolean budgetExceeded) {}

  record Removed(String rule, int firstLine, int lastLine) {}

  /**
   * Hints about the kind of mail that was still posted: mail that is certainly automatic never
   * gets here (it fails with {@code auto_reply}).
   *
   * @param autoReply always false in a posted payload; present so receivers can assert it
   * @param mailingList the message carries {@code List-Id} or {@code List-Unsubscribe}
   * @param charsetFallback a part's declared charset was unknown and a fallback was used
   */
  /**
   * {@code mimeRepairs}: how malformed MIME was read the way mail clients read it (a multipart without
   * parts read as its body, a charset label replaced, damaged transfer encoding decoded leniently); empty
   * for well-formed mail. The texts name sender-supplied labels, so they are made single-line.
   */
  record Flags(boolean autoReply, boolean mailingList, boolean charsetFallback, boolean quarantined,
      List<String> mimeRepairs) {}

  /**
   * Sender authentication verdicts (null when not checked: {@code processor.sender-checks = false},
   * or a file that did not come through replyd's SMTP side). {@code authentication_results} is the
   * RFC 8601 header replyd would add, for the main app to store or show.
   */
  record Auth(Spf spf, List<Dkim> dkim, Dmarc dmarc, String authenticationResults) {
    static Auth of(AuthResults r, String authservId) {
      return r == null ? null : new Auth(
          new Spf(r.spf().result(), r.spf().identity(), r.spf().domain()),
          r.dkim().stream().map(d -> new Dkim(d.result(), d.domain(), d.selector())).toList(),
          new Dmarc(r.dmarc().result(), r.dmarc().fromDomain(), r.dmarc().policy()),
          r.authenticationResultsHeader(authservId));
    }
  }

  record Spf(String result, String identity, String domain) {}

  record Dkim(String result, String domain, String selector) {}

  record Dmarc(String result, String fromDomain, String policy) {}

  static WebhookPayload of(
      String deliveryId,
      String messageKey,
      Instant receivedAt,
      InboundMessage facts,
      ReplyToken token,
      MessageBody body,
      ReplyText reply,
      List<AttachmentSummary> attachments,
      boolean mailingList,
      Auth auth,
      boolean quarantined) {
    return fromMessage(
        "reply",
        deliveryId,
        messageKey,
        receivedAt,
        facts,
        token,
        new Reply(
            reply.reply(),
            reply.removed().stream()
                .map(r -> new Removed(r.rule(), r.firstLine(), r.lastLine()))
                .toList(),
            reply.budgetExceeded()),
        reply.full(),
        body.html().orElse(null),
        attachments,
        auth,
        new Flags(false, mailingList, body.charsetFallback(), quarantined,
            body.repairs().stream().map(SafeText::singleLine).toList()));
  }

  /**
   * A payload of {@code type} whose envelope, address, sender and threading headers are taken from
   * the message's facts and token, the same way for every type; the rest is the type's own.
   */
  static WebhookPayload fromMessage(
      String type,
      String deliveryId,
      String messageKey,
      Instant receivedAt,
      InboundMessage facts,
      ReplyToken token,
      Reply reply,
      String fullText,
      String html,
      List<AttachmentSummary> attachments,
      Auth auth,
      Flags flags) {
    return new WebhookPayload(
        type,
        deliveryId,
        messageKey,
        receivedAt.toString(),
        new Envelope(
            facts.mailFrom().orElse(null), facts.deliveredTo(), facts.clientIp(), facts.helo()),
        new Address(token.kind(), token.thread(), token.user()),
        new From(facts.fromName(), facts.fromAddress(), facts.fromAddresses()),
        facts.subject(),
        facts.messageId(),
        facts.inReplyTo(),
        facts.references(),
        reply,
        fullText,
        html,
        attachments,
        auth,
        flags);
  }

  byte[] toJson() {
    try {
      return JsonMapping.MAPPER.writeValueAsBytes(this);
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
  }
}
