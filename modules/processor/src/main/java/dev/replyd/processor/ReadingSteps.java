package dev.replyd.processor;

import dev.replyd.maildir.FailureReason;
import dev.replyd.address.AddressCheck;
import dev.replyd.address.AddressPurpose;
import dev.replyd.address.Refusal;
import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.address.ReplyToken;
import dev.replyd.auth.AuthResults;
import dev.replyd.extract.MessageBody;
import dev.replyd.extract.ReplyExtractor;
import dev.replyd.extract.ReplyText;
import dev.replyd.extract.UnparseableMessageException;
import dev.replyd.maildir.ClientText;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * ReadingSteps - the steps that read one message and decide, before anything is posted, whether
 * and what to post. {@link MessageWorker} states their order and runs them; each step here is one
 * method that returns a {@link Verdict}: {@code next} to go on, or where the message goes.
 *
 * <p>CONTRACT, step by step:
 * <ul>
 *   <li>{@link #size}: above {@code maxMessageBytes}: failure {@code too_large} (nothing is parsed);
 *   <li>{@link #parse}: Jakarta Mail, streamed from the file ({@link MessageInHand#open}); fields
 *       over 100 KiB are cut, as Postfix does, and the cut is logged;
 *   <li>{@link #postmaster}: the recipient (the first {@code Delivered-To}, written by the SMTP side)
 *       is {@code postmaster@...}: moved to postmaster, never posted;
 *   <li>{@link #verifyToken}: the token is verified again with the codec (files may arrive by other
 *       means): {@code UNKNOWN_KIND} gives failure {@code unknown_kind}, any other refusal
 *       {@code invalid_token};
 *   <li>{@link #automatic}: automatic mail ({@link AutoReplyDetector}): failure {@code auto_reply};
 *   <li>{@link #authenticate}: with sender checks on, SPF, DKIM and DMARC; a DMARC failure under
 *       {@code require-dmarc = reject} gives failure {@code unauthenticated}, under
 *       {@code quarantine} the payload is marked;
 *   <li>{@link #unsubscribe}: an unsubscribe address: the body is ignored and
 *       {@link UnsubscribePayload} is to be posted;
 *   <li>{@link #extract}: body selection and reply extraction (module {@code extract}); nothing left:
 *       failure {@code empty_reply}; else {@link WebhookPayload} is to be posted.
 * </ul>
 * Each step logs what it found on the {@code replies} log ({@code processing <message-id>},
 * {@code matched <path>}, the sender verdicts).
 *
 * <p>FAILURES: a step returns a failure verdict for what is wrong with the message; it throws only
 * what its libraries throw (an unreadable file or MIME structure, a vanished file), which the worker
 * turns into a verdict in one place.
 *
 * <p>THREAD-SAFETY: shared by all workers; no mutable fields. Runs on a reader thread, one
 * {@link MessageInHand} at a time.
 */
final class ReadingSteps {

  /** One reading step: reads and fills in {@code message}, and says whether to go on. */
  @FunctionalInterface
  interface Step {
    Verdict apply(MessageInHand message) throws IOException, MessagingException, UnparseableMessageException;
  }

  private static final Logger REPLIES = MessageWorker.REPLIES;

  private final ReplyAddressCodec codec;
  private final ReplyExtractor extractor;
  private final SenderChecks checks;
  private final long maxMessageBytes;
  private final long maxAttachmentBytes;

  ReadingSteps(ReplyAddressCodec codec, ReplyExtractor extractor, SenderChecks checks, ProcessorSettings settings) {
    this.codec = codec;
    this.extractor = extractor;
    this.checks = checks;
    this.maxMessageBytes = settings.maxMessageBytes();
    this.maxAttachmentBytes = settings.maxAttachmentBytes();
  }

  Verdict size(MessageInHand m) throws IOException {
    long size = Files.size(m.file());
    if (size > maxMessageBytes) {
      REPLIES.info("processing {} ({} bytes)", m.name(), size);
      return m.refuse(FailureReason.TOO_LARGE,
          "message is " + size + " bytes (limit: " + maxMessageBytes + " bytes: replyd.processor.max-message-size plus room for the trace headers)");
    }
    return Verdict.next();
  }

  Verdict parse(MessageInHand m) throws IOException, MessagingException {
    m.open(Files.getLastModifiedTime(m.file()).toInstant());
    InboundMessage facts = m.facts();
    REPLIES.info("processing {}", facts.messageId() == null ? "(no Message-ID) " + m.name() : ClientText.escape(facts.messageId()));
    if (m.message().cut() != null) {
      REPLIES.info("{}: header section {} (the excess is discarded, as Postfix's header_size_limit does)",
          m.name(), m.message().cut());
    }
    return Verdict.next();
  }

  Verdict postmaster(MessageInHand m) {
    InboundMessage facts = m.facts();
    if (!facts.isForPostmaster()) {
      return Verdict.next();
    }
    REPLIES.info("{}: mail for {} from {}, filed for the administrator", m.name(), ClientText.escape(facts.deliveredTo()),
        ClientText.escape(facts.mailFrom().orElse("(unknown)")));
    return Verdict.postmaster();
  }

  Verdict verifyToken(MessageInHand m) {
    String deliveredTo = m.facts().deliveredTo();
    if (deliveredTo == null) {
      return m.refuse(FailureReason.INVALID_TOKEN, "no Delivered-To header (expected: written by replyd's SMTP side)");
    }
    AddressCheck check = codec.check(deliveredTo);
    if (!check.isValid() || check.token().isEmpty()) {
      FailureReason reason =
          check.refusal() == Refusal.UNKNOWN_KIND ? FailureReason.UNKNOWN_KIND : FailureReason.INVALID_TOKEN;
      return m.refuse(reason, deliveredTo + ": " + check.reason());
    }
    m.verified(check);
    ReplyToken token = m.token();
    REPLIES.info("matched {} ({}{} thread {} user {})", m.file(),
        check.purpose() == AddressPurpose.UNSUBSCRIBE ? "unsubscribe " : "", token.kind(), token.thread(), token.user());
    return Verdict.next();
  }

  Verdict automatic(MessageInHand m) throws MessagingException {
    Optional<String> automatic = AutoReplyDetector.detect(m.message(), m.facts());
    return automatic.isPresent() ? m.refuse(FailureReason.AUTO_REPLY, automatic.get()) : Verdict.next();
  }

  Verdict authenticate(MessageInHand m) {
    if (!checks.enabled()) {
      return Verdict.next();
    }
    AuthResults verdicts = senderVerdicts(m);
    boolean quarantined = false;
    if (verdicts != null && "fail".equals(verdicts.dmarc().result()) && checks.policy() != SenderChecks.Policy.OFF) {
      if (checks.policy() == SenderChecks.Policy.REJECT) {
        return m.refuse(FailureReason.UNAUTHENTICATED, verdicts.dmarc().fromDomain() == null
            ? "DMARC fails: " + verdicts.dmarc().problem() + " (expected: one From field with one author; "
                + "processor.sender-checks.require-dmarc = reject)"
            : "From domain " + verdicts.dmarc().fromDomain() + " fails DMARC (its policy: "
                + verdicts.dmarc().policy() + "; processor.sender-checks.require-dmarc = reject)");
      }
      quarantined = true;
    }
    m.authenticated(WebhookPayload.Auth.of(verdicts, checks.authservId()), quarantined);
    return Verdict.next();
  }

  Verdict unsubscribe(MessageInHand m) throws MessagingException {
    if (m.address().purpose() != AddressPurpose.UNSUBSCRIBE) {
      return Verdict.next();
    }
    InboundMessage facts = m.facts();
    ReplyToken token = m.token();
    // The body is ignored, so it is no part of the key either.
    String messageKey = MessageKey.of(facts.messageId(), m.message().getHeader("Date", null), token, null, null);
    return Verdict.post(UnsubscribePayload.of(m.name(), messageKey, m.receivedAt(), facts, token, isMailingList(m),
        m.auth(), m.quarantined()).toJson());
  }

  Verdict extract(MessageInHand m) throws IOException, MessagingException, UnparseableMessageException {
    MessageBody body = MessageBody.of(m.message());
    ReplyText reply = extractor.extract(body);
    if (reply.reply().isBlank()) {
      return m.refuse(FailureReason.EMPTY_REPLY,
          "no text left after removing quotes and signatures (" + reply.removed().size() + " blocks removed)");
    }
    List<AttachmentSummary> attachments = new ArrayList<>();
    for (Part part : body.attachments()) {
      attachments.add(AttachmentSummary.of(part, maxAttachmentBytes));
    }
    InboundMessage facts = m.facts();
    ReplyToken token = m.token();
    String messageKey = MessageKey.of(facts.messageId(), m.message().getHeader("Date", null), token,
        reply.full(), body.html().orElse(null));
    return Verdict.post(WebhookPayload.of(m.name(), messageKey, m.receivedAt(), facts, token, body, reply, attachments,
        isMailingList(m), m.auth(), m.quarantined()).toJson());
  }

  private static boolean isMailingList(MessageInHand m) throws MessagingException {
    return m.message().getHeader("List-Id") != null || m.message().getHeader("List-Unsubscribe") != null;
  }

  /**
   * SPF, DKIM and DMARC from the facts our Received line recorded; null (not checked) for a file
   * that did not come through our SMTP side, since SPF without the client IP means nothing.
   */
  private AuthResults senderVerdicts(MessageInHand m) {
    InboundMessage facts = m.facts();
    if (facts.clientIp() == null) {
      REPLIES.info("{}: no client IP in our Received header; sender not verified", m.name());
      return null;
    }
    InetAddress client;
    try {
      client = InetAddress.getByName(facts.clientIp()); // an IP literal: no DNS lookup
    } catch (UnknownHostException e) {
      REPLIES.info("{}: client IP '{}' unreadable; sender not verified", m.name(), ClientText.escape(facts.clientIp()));
      return null;
    }
    AuthResults verdicts = checks.authenticator().verify(m.file(), client,
        facts.helo() == null ? "" : facts.helo(), facts.mailFrom().orElse(""));
    REPLIES.info("{}: spf={} dkim={} dmarc={}", m.name(), verdicts.spf().result(),
        verdicts.dkim().isEmpty() ? "none" : verdicts.dkim().get(0).result(), verdicts.dmarc().result());
    return verdicts;
  }
}
