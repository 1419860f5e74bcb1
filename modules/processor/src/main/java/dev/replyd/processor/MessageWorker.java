package dev.replyd.processor;

import dev.replyd.address.AddressCheck;
import dev.replyd.address.AddressPurpose;
import dev.replyd.address.Refusal;
import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.address.ReplyToken;
import dev.replyd.auth.AuthResults;
import java.net.InetAddress;
import java.net.UnknownHostException;
import dev.replyd.extract.MessageBody;
import dev.replyd.extract.ReplyExtractor;
import dev.replyd.extract.ReplyText;
import dev.replyd.extract.UnparseableMessageException;
import dev.replyd.maildir.CallbackAttempt;
import dev.replyd.maildir.ClientText;
import dev.replyd.maildir.FailureReason;
import dev.replyd.maildir.FailureRecord;
import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.maildir.RetryState;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.util.SharedFileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MessageWorker - takes one claimed message from {@code cur/} to its next state: success,
 * failure (with a reason file), postmaster, or deferred for a retry.
 *
 * <p>CONTRACT, in order (each step either continues or files the message and stops):
 * <ol>
 *   <li>size above {@code maxMessageBytes}: failure {@code too_large} (nothing is parsed);
 *   <li>parse with Jakarta Mail, streamed from the file ({@link SharedFileInputStream}: large
 *       attachments are never held as one byte array), the header section through
 *       {@link BoundedMimeMessage} (fields over 100 KiB are cut, as Postfix does, and the cut is
 *       logged); unreadable: failure {@code unparseable};
 *   <li>recipient = the first {@code Delivered-To} (written by the SMTP side);
 *       {@code postmaster@...}: moved to postmaster, never posted;
 *   <li>token verified again with the codec (files may arrive by other means):
 *       {@code UNKNOWN_KIND} gives failure {@code unknown_kind}, any other refusal
 *       {@code invalid_token};
 *   <li>automatic mail ({@link AutoReplyDetector}): failure {@code auto_reply}, never posted;
 *   <li>an unsubscribe address: the body is ignored and {@link UnsubscribePayload} is posted;
 *   <li>body selection and reply extraction (module {@code extract}); nothing left: failure
 *       {@code empty_reply};
 *   <li>payload ({@link WebhookPayload}) posted by {@link CallbackSender}; the outcome
 *       ({@link CallbackOutcome}) files the message under success, failure
 *       {@code callback_rejected}, or deferred with its {@link RetryState} and the next time
 *       from {@link RetryPolicy}, or failure {@code retries_exhausted} at the maximum age.
 * </ol>
 * Steps 1 to 6 (reading) run on a reader thread and must end within {@code messageDeadline}: a
 * message still being read then (a pathological MIME structure, a sender's DNS that answers
 * slowly) is filed as failure {@code deadline_exceeded}, and the worker goes on with the next one;
 * the abandoned reader only reads, and ends on its own. Posting has its own bound.
 * After a message is filed as failure, the {@link FailureListener} is given the reason file's
 * {@link FailureRecord} (sender, Message-ID and subject from the parsed message, or from its header
 * section alone when it was not parsed whole).
 * Every step is logged on the {@code replies} log: {@code processing <message-id>},
 * {@code matched <path>}, {@code posted <delivery id> -> <status> in <ms>},
 * {@code moving <a> => <b>}, and the failure reason.
 *
 * <p>FAILURES: a message is never deleted. An unexpected runtime exception (a bug in parsing or
 * extraction) files the message as {@code unparseable} with the exception in the detail, so
 * it can be requeued once fixed instead of crashing the worker at every start. An I/O error on
 * the Maildir itself leaves the message claimed in {@code cur/}; start-up recovery returns it.
 * {@link InterruptedException} (stopping) propagates with the message still claimed.
 *
 * <p>SECURITY: reads only message files replyd stored; logs no secret (the callback secret
 * stays inside {@link CallbackSender}).
 *
 * <p>THREAD-SAFETY: shared by all workers; no mutable fields of its own (the codec's keys rotate
 * inside the codec, atomically). Each call is confined to the worker that claimed the message.
 */
final class MessageWorker {

  static final Logger REPLIES = LoggerFactory.getLogger("replies");

  private final Maildir maildir;
  private final ReplyAddressCodec codec;
  private final ReplyExtractor extractor;
  private final CallbackSender sender;
  private final RetryPolicy policy;
  private final DeferredSchedule schedule;
  private final long maxMessageBytes;
  private final long maxAttachmentBytes;
  private final Clock clock;
  private final Session session = MessageBody.session();
  private final ProcessorMetrics metrics;
  private final SenderChecks checks;
  private final FailureListener failures;
  private final ExecutorService readers;
  private final Duration messageDeadline;

  MessageWorker(
      Maildir maildir,
      ReplyAddressCodec codec,
      ReplyExtractor extractor,
      CallbackSender sender,
      RetryPolicy policy,
      DeferredSchedule schedule,
      ProcessorSettings settings,
      ProcessorMetrics metrics,
      SenderChecks checks,
      FailureListener failures,
      Clock clock,
      ExecutorService readers) {
    this.readers = readers;
    this.messageDeadline = settings.messageDeadline();
    this.failures = failures;
    this.metrics = metrics;
    this.checks = checks;
    this.maildir = maildir;
    this.codec = codec;
    this.extractor = extractor;
    this.sender = sender;
    this.policy = policy;
    this.schedule = schedule;
    this.maxMessageBytes = settings.maxMessageBytes();
    this.maxAttachmentBytes = settings.maxAttachmentBytes();
    this.clock = clock;
  }

  /** A message that will not be posted, with the reason file's reason and detail. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final transient FailureReason reason;

    Refused(FailureReason reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }
  }

  void process(Work work) throws InterruptedException {
    long start = System.nanoTime();
    String name = work.name();
    AtomicReference<InboundMessage> facts = new AtomicReference<>();
    Optional<byte[]> payload;
    Future<Optional<byte[]>> reading = readers.submit(() -> buildPayload(work, facts));
    try {
      payload = reading.get(messageDeadline.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException late) {
      reading.cancel(true);
      fail(work, FailureReason.DEADLINE_EXCEEDED, "still reading the message after " + messageDeadline
          + " (processor.message-deadline); requeue it to try again", facts.get(), work.state(), start);
      return;
    } catch (InterruptedException stopping) {
      reading.cancel(true);
      throw stopping;
    } catch (CancellationException | ExecutionException failed) {
      Throwable cause = failed instanceof ExecutionException ? failed.getCause() : failed;
      if (cause instanceof Refused refused) {
        fail(work, refused.reason, refused.getMessage(), facts.get(), work.state(), start);
      } else if (cause instanceof NoSuchFileException vanished) {
        REPLIES.warn("{}: message file vanished while processing ({}); left to whoever moved it", name, vanished.getMessage());
      } else if (cause instanceof UnparseableMessageException || cause instanceof MessagingException
          || cause instanceof IOException) {
        fail(work, FailureReason.UNPARSEABLE, describe((Exception) cause), facts.get(), work.state(), start);
      } else if (cause instanceof Exception bug) {
        REPLIES.error("{}: unexpected error while reading the message; filing it as unparseable", name, bug);
        fail(work, FailureReason.UNPARSEABLE, "internal error: " + describe(bug), facts.get(), work.state(), start);
      } else {
        // An Error (out of memory, stack overflow): not the message's fault alone; stays claimed.
        REPLIES.error("{}: fatal error while reading the message; it stays claimed", name, cause);
      }
      return;
    }
    if (payload.isEmpty()) {
      try {
        logMove(name, MaildirLayout.POSTMASTER);
        maildir.postmaster(name);
        metrics.filed("postmaster", "none", start);
      } catch (IOException maildirFailed) {
        REPLIES.error("{}: could not file the message ({}); it stays claimed until the next start-up", name, describe(maildirFailed));
      }
      return;
    }
    post(work, facts.get(), payload.get(), start);
  }

  /** The payload to post, or empty for postmaster mail; {@code known} is set once parsed. */
  private Optional<byte[]> buildPayload(Work work, AtomicReference<InboundMessage> known)
      throws Refused, IOException, MessagingException, UnparseableMessageException {
    long size = Files.size(work.file());
    if (size > maxMessageBytes) {
      REPLIES.info("processing {} ({} bytes)", work.name(), size);
      throw new Refused(FailureReason.TOO_LARGE,
          "message is " + size + " bytes (limit: " + maxMessageBytes + " bytes: replyd.processor.max-message-size plus room for the trace headers)");
    }
    Instant receivedAt = Files.getLastModifiedTime(work.file()).toInstant();
    SharedFileInputStream in = new SharedFileInputStream(work.file().toFile());
    try {
      BoundedMimeMessage message = new BoundedMimeMessage(session, in);
      InboundMessage facts = InboundMessage.of(message);
      known.set(facts);
      REPLIES.info("processing {}", facts.messageId() == null ? "(no Message-ID) " + work.name() : ClientText.escape(facts.messageId()));
      if (message.cut() != null) {
        REPLIES.info("{}: header section {} (the excess is discarded, as Postfix's header_size_limit does)",
            work.name(), message.cut());
      }

      if (facts.isForPostmaster()) {
        REPLIES.info("{}: mail for {} from {}, filed for the administrator", work.name(), ClientText.escape(facts.deliveredTo()),
            ClientText.escape(facts.mailFrom().orElse("(unknown)")));
        return Optional.empty();
      }
      AddressCheck check = verify(facts);
      ReplyToken token = check.token().orElseThrow();
      REPLIES.info("matched {} ({}{} thread {} user {})", work.file(),
          check.purpose() == AddressPurpose.UNSUBSCRIBE ? "unsubscribe " : "", token.kind(), token.thread(), token.user());

      Optional<String> automatic = AutoReplyDetector.detect(message, facts);
      if (automatic.isPresent()) {
        throw new Refused(FailureReason.AUTO_REPLY, automatic.get());
      }
      WebhookPayload.Auth auth = null;
      boolean quarantined = false;
      if (checks.enabled()) {
        AuthResults verdicts = authenticate(work, facts);
        auth = WebhookPayload.Auth.of(verdicts, checks.authservId());
        if (verdicts != null && "fail".equals(verdicts.dmarc().result()) && checks.policy() != SenderChecks.Policy.OFF) {
          if (checks.policy() == SenderChecks.Policy.REJECT) {
            throw new Refused(FailureReason.UNAUTHENTICATED, verdicts.dmarc().fromDomain() == null
                ? "DMARC fails: " + verdicts.dmarc().problem() + " (expected: one From field with one author; "
                    + "processor.sender-checks.require-dmarc = reject)"
                : "From domain " + verdicts.dmarc().fromDomain() + " fails DMARC (its policy: "
                    + verdicts.dmarc().policy() + "; processor.sender-checks.require-dmarc = reject)");
          }
          quarantined = true;
        }
      }
      boolean mailingList = message.getHeader("List-Id") != null || message.getHeader("List-Unsubscribe") != null;
      if (check.purpose() == AddressPurpose.UNSUBSCRIBE) {
        // The body is ignored, so it is no part of the key either.
        String messageKey = MessageKey.of(facts.messageId(), message.getHeader("Date", null), token, null, null);
        return Optional.of(UnsubscribePayload.of(work.name(), messageKey, receivedAt, facts, token, mailingList, auth,
            quarantined).toJson());
      }
      MessageBody body = MessageBody.of(message);
      ReplyText reply = extractor.extract(body);
      if (reply.reply().isBlank()) {
        throw new Refused(FailureReason.EMPTY_REPLY,
            "no text left after removing quotes and signatures (" + reply.removed().size() + " blocks removed)");
      }
      List<AttachmentSummary> attachments = new ArrayList<>();
      for (Part part : body.attachments()) {
        attachments.add(AttachmentSummary.of(part, maxAttachmentBytes));
      }
      return Optional.of(
          WebhookPayload.of(work.name(), MessageKey.of(facts.messageId(), message.getHeader("Date", null), token,
              reply.full(), body.html().orElse(null)), receivedAt, facts, token, body, reply, attachments, mailingList,
              auth, quarantined).toJson());
    } finally {
      in.close();
    }
  }

  /**
   * SPF, DKIM and DMARC from the facts our Received line recorded; null (not checked) for a file
   * that did not come through our SMTP side, since SPF without the client IP means nothing.
   */
  private AuthResults authenticate(Work work, InboundMessage facts) {
    if (facts.clientIp() == null) {
      REPLIES.info("{}: no client IP in our Received header; sender not verified", work.name());
      return null;
    }
    InetAddress client;
    try {
      client = InetAddress.getByName(facts.clientIp()); // an IP literal: no DNS lookup
    } catch (UnknownHostException e) {
      REPLIES.info("{}: client IP '{}' unreadable; sender not verified", work.name(), ClientText.escape(facts.clientIp()));
      return null;
    }
    AuthResults verdicts = checks.authenticator().verify(work.file(), client,
        facts.helo() == null ? "" : facts.helo(), facts.mailFrom().orElse(""));
    REPLIES.info("{}: spf={} dkim={} dmarc={}", work.name(), verdicts.spf().result(),
        verdicts.dkim().isEmpty() ? "none" : verdicts.dkim().get(0).result(), verdicts.dmarc().result());
    return verdicts;
  }

  private AddressCheck verify(InboundMessage facts) throws Refused {
    if (facts.deliveredTo() == null) {
      throw new Refused(FailureReason.INVALID_TOKEN, "no Delivered-To header (expected: written by replyd's SMTP side)");
    }
    AddressCheck check = codec.check(facts.deliveredTo());
    if (!check.isValid() || check.token().isEmpty()) {
      FailureReason reason =
          check.refusal() == Refusal.UNKNOWN_KIND ? FailureReason.UNKNOWN_KIND : FailureReason.INVALID_TOKEN;
      throw new Refused(reason, facts.deliveredTo() + ": " + check.reason());
    }
    return check;
  }

  private void post(Work work, InboundMessage facts, byte[] payload, long start) throws InterruptedException {
    String name = work.name();
    CallbackSender.Sent sent = sender.post(name, payload);
    for (CallbackAttempt stale : sent.attempts().subList(0, sent.staleRetries())) {
      metrics.staleConnection(stale);
      REPLIES.info("posted {} -> {} on a connection the main app had closed; sent again at once", name, stale.describe());
    }
    metrics.callback(sent.attempt(), clock.instant());
    RetryState state = work.state().withAttempt(sent.attempt());
    REPLIES.info("posted {} -> {} in {} ms", name, sent.attempt().describe(), sent.attempt().durationMs());
    try {
      switch (sent.outcome().kind()) {
        case DELIVERED -> {
          logMove(name, MaildirLayout.SUCCESS);
          maildir.succeed(name);
          metrics.filed("success", "none", start);
        }
        case REJECTED -> fail(work, FailureReason.CALLBACK_REJECTED,
            "main app answered " + sent.attempt().describe() + gone(sent.attempt()) + excerpt(sent.attempt()), facts, state, start);
        case RETRY -> {
          Instant now = clock.instant();
          Optional<Instant> next = policy.next(state, sent.outcome().retryAfter(), now);
          if (next.isEmpty()) {
            fail(work, FailureReason.RETRIES_EXHAUSTED,
                "still failing after " + state.attempts() + " attempts since " + state.firstAttemptAt()
                    + " (last: " + sent.attempt().describe() + ")" + excerpt(sent.attempt()),
                facts, state, start);
            return;
          }
          RetryState scheduled = state.dueAt(next.get());
          REPLIES.info("{}: retry {} due at {} ({})", name, state.attempts() + 1, next.get(), sent.outcome());
          logMove(name, MaildirLayout.DEFERRED);
          maildir.defer(name, scheduled.toJson());
          schedule.add(name, next.get());
          metrics.retryScheduled();
          metrics.filed("deferred", "none", start);
        }
      }
    } catch (IOException maildirFailed) {
      REPLIES.error("{}: could not file the message ({}); it stays claimed until the next start-up", name, describe(maildirFailed));
    }
  }

  /** Files the message as failure; {@code facts} is null when the message was not parsed. */
  private void fail(Work work, FailureReason reason, String detail, InboundMessage facts, RetryState state, long start) {
    String name = work.name();
    REPLIES.info("{}: {} ({})", name, reason.wireName(), ClientText.escape(detail));
    if (facts == null) {
      // Not parsed whole (too large, unreadable): the header section still names the sender and the
      // Message-ID, for the reason file and the listener.
      facts = InboundMessage.ofHeaderSection(work.file(), session);
    }
    FailureRecord record = FailureRecord.of(reason, detail, clock.instant(), name, state,
        facts == null ? null : facts.mailFrom().orElse(null), facts == null ? null : facts.messageId(),
        facts == null ? null : facts.subject());
    try {
      logMove(name, MaildirLayout.FAILURE);
      maildir.fail(name, record.toJson());
      metrics.filed("failure", reason.wireName(), start);
    } catch (IOException maildirFailed) {
      REPLIES.error("{}: could not file the message ({}); it stays claimed until the next start-up", name, describe(maildirFailed));
      return;
    }
    try {
      failures.filed(record);
    } catch (RuntimeException listenerBug) {
      REPLIES.error("{}: the failure listener failed; the message stays filed", name, listenerBug);
    }
  }

  private void logMove(String name, String state) {
    REPLIES.info("moving {} => {}", maildir.path(MaildirLayout.CUR, name), maildir.path(state, name));
  }

  /** 410 Gone: the main app says this delivery will never be accepted (Standard Webhooks' "stop retrying"). */
  private static String gone(CallbackAttempt attempt) {
    return Integer.valueOf(410).equals(attempt.status()) ? " Gone (the main app will not take this delivery; not retried)" : "";
  }

  private static String excerpt(CallbackAttempt attempt) {
    String body = attempt.bodyExcerpt();
    return body == null || body.isBlank() ? "" : ": " + body.strip();
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
