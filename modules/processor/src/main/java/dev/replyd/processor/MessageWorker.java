package dev.replyd.processor;

import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.extract.MessageBody;
import dev.replyd.extract.ReplyExtractor;
import dev.replyd.extract.UnparseableMessageException;
import dev.replyd.maildir.CallbackAttempt;
import dev.replyd.maildir.ClientText;
import dev.replyd.maildir.FailureReason;
import dev.replyd.maildir.FailureRecord;
import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.maildir.RetryState;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MessageWorker - takes one claimed message from {@code cur/} to its next state: success,
 * failure (with a reason file), postmaster, or deferred for a retry; the one place that states the
 * order of the steps and runs them.
 *
 * <p>CONTRACT: one message goes through these steps, in this order; each returns a {@link Verdict}
 * that either lets the next step run or says where the message goes, and the message then goes
 * straight to the last step, {@code file}:
 * <pre>
 *   size -> parse -> postmaster? -> verify token -> automatic? -> authenticate -> unsubscribe? -> extract
 *        (the reading steps, {@link ReadingSteps}, on a reader thread, within processor.message-deadline)
 *   -> post   ({@link CallbackSender}; the outcome, {@link CallbackOutcome}, is the verdict)
 *   -> file   (success, postmaster, deferred with its {@link RetryState}, or failure with its reason file)
 * </pre>
 * The reading steps must end within {@code messageDeadline}: a message still being read then (a
 * pathological MIME structure, a sender's DNS that answers slowly) is filed as failure
 * {@code deadline_exceeded}, and the worker goes on with the next one; the abandoned reader only
 * reads, and ends on its own. At most twice as many reads as workers run at once, abandoned ones
 * included ({@link ReaderSlots}): a stream of such messages cannot start ever more threads, and a
 * worker waits for a free reader before its message's deadline starts. Posting has its own bound. A callback outcome files the message under
 * success, failure {@code callback_rejected}, deferred until the next time from {@link RetryPolicy},
 * or failure {@code retries_exhausted} at the maximum age. After a message is filed as failure, the
 * {@link FailureListener} is given the reason file's {@link FailureRecord} (sender, Message-ID and
 * subject from the parsed message, or from its header section alone when it was not parsed whole).
 * Every step is logged on the {@code replies} log: {@code processing <message-id>}, {@code matched <path>},
 * {@code posted <delivery id> -> <status> in <ms>}, {@code moving <a> => <b>}, and the failure reason.
 *
 * <p>FAILURES: a message is never deleted. What a reading step throws is turned into a verdict in one
 * place ({@link #verdictOn}): a vanished file is left to whoever moved it; an unreadable file or MIME
 * structure is failure {@code unparseable}; an unexpected runtime exception (a bug in parsing or
 * extraction) is {@code unparseable} with the exception in the detail, so it can be requeued once
 * fixed instead of crashing the worker at every start; an {@link Error} leaves the message claimed. An
 * I/O error on the Maildir itself while filing leaves the message claimed in {@code cur/}; start-up
 * recovery returns it. {@link InterruptedException} (stopping) propagates with the message still
 * claimed.
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
  private final CallbackSender sender;
  private final RetryPolicy policy;
  private final DeferredSchedule schedule;
  private final Clock clock;
  private final Session session = MessageBody.session();
  private final ProcessorMetrics metrics;
  private final FailureListener failures;
  private final ReaderSlots readers;
  private final Duration messageDeadline;
  /** The reading steps, in order; the first verdict other than {@code next} ends them. */
  private final List<ReadingSteps.Step> reading;

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
      ReaderSlots readers) {
    this.readers = readers;
    this.messageDeadline = settings.messageDeadline();
    this.failures = failures;
    this.metrics = metrics;
    this.maildir = maildir;
    this.sender = sender;
    this.policy = policy;
    this.schedule = schedule;
    this.clock = clock;
    ReadingSteps steps = new ReadingSteps(codec, extractor, checks, settings);
    // The order of one message's steps: these, then post and file (process).
    this.reading = List.of(
        steps::size,
        steps::parse,
        steps::postmaster,
        steps::verifyToken,
        steps::automatic,
        steps::authenticate,
        steps::unsubscribe,
        steps::extract);
  }

  void process(Work work) throws InterruptedException {
    long start = System.nanoTime();
    MessageInHand message = new MessageInHand(work, session);
    Verdict verdict = readWithinDeadline(message);
    if (verdict.kind() == Verdict.Kind.POST) {
      verdict = post(message, verdict.payload());
    }
    file(message, verdict, start);
  }

  /**
   * Runs the reading steps on a reader thread, for at most {@code messageDeadline} from the moment the
   * read starts ({@link ReaderSlots}: the wait for a free reader does not count).
   */
  private Verdict readWithinDeadline(MessageInHand message) throws InterruptedException {
    ReaderSlots.Read reading = readers.submit(message.name(), () -> read(message));
    try {
      return reading.future().get(messageDeadline.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException late) {
      reading.abandon();
      return message.refuse(FailureReason.DEADLINE_EXCEEDED, "still reading the message after " + messageDeadline
          + " (processor.message-deadline); requeue it to try again");
    } catch (InterruptedException stopping) {
      reading.abandon();
      throw stopping;
    } catch (ExecutionException failed) {
      return verdictOn(message, failed.getCause());
    } catch (CancellationException cancelled) {
      return verdictOn(message, cancelled);
    }
  }

  private Verdict read(MessageInHand message) throws IOException, MessagingException, UnparseableMessageException {
    try {
      for (ReadingSteps.Step step : reading) {
        Verdict verdict = step.apply(message);
        if (verdict.kind() != Verdict.Kind.NEXT) {
          return verdict;
        }
      }
      throw new IllegalStateException("the last reading step must decide (post or file), but said: next");
    } finally {
      message.close();
    }
  }

  /** What a reading step threw, as a verdict: the one place these exceptions are sorted. */
  private static Verdict verdictOn(MessageInHand message, Throwable cause) {
    String name = message.name();
    if (cause instanceof NoSuchFileException vanished) {
      REPLIES.warn("{}: message file vanished while processing ({}); left to whoever moved it", name, vanished.getMessage());
      return Verdict.vanished();
    }
    if (cause instanceof UnparseableMessageException || cause instanceof MessagingException
        || cause instanceof IOException) {
      return message.refuse(FailureReason.UNPARSEABLE, describe((Exception) cause));
    }
    if (cause instanceof Exception bug) {
      REPLIES.error("{}: unexpected error while reading the message; filing it as unparseable", name, bug);
      return message.refuse(FailureReason.UNPARSEABLE, "internal error: " + describe(bug));
    }
    // An Error (out of memory, stack overflow): not the message's fault alone; stays claimed.
    REPLIES.error("{}: fatal error while reading the message; it stays claimed", name, cause);
    return Verdict.staysClaimed();
  }

  /** Posts the payload; the callback's outcome is the verdict. */
  private Verdict post(MessageInHand message, byte[] payload) throws InterruptedException {
    String name = message.name();
    CallbackSender.Sent sent = sender.post(name, payload);
    for (CallbackAttempt stale : sent.attempts().subList(0, sent.staleRetries())) {
      metrics.staleConnection(stale);
      REPLIES.info("posted {} -> {} on a connection the main app had closed; sent again at once", name, stale.describe());
    }
    metrics.callback(sent.attempt(), clock.instant());
    RetryState state = message.work().state().withAttempt(sent.attempt());
    REPLIES.info("posted {} -> {} in {} ms", name, sent.attempt().describe(), sent.attempt().durationMs());
    return switch (sent.outcome().kind()) {
      case DELIVERED -> Verdict.success();
      case REJECTED -> Verdict.failure(FailureReason.CALLBACK_REJECTED,
          "main app answered " + sent.attempt().describe() + gone(sent.attempt()) + excerpt(sent.attempt()), state);
      case RETRY -> retryOrGiveUp(name, state, sent);
    };
  }

  /** A retryable outcome: deferred until the policy's next time, or failure once the maximum age is reached. */
  private Verdict retryOrGiveUp(String name, RetryState state, CallbackSender.Sent sent) {
    Optional<Instant> next = policy.next(state, sent.outcome().retryAfter(), clock.instant());
    if (next.isEmpty()) {
      return Verdict.failure(FailureReason.RETRIES_EXHAUSTED,
          "still failing after " + state.attempts() + " attempts since " + state.firstAttemptAt()
              + " (last: " + sent.attempt().describe() + ")" + excerpt(sent.attempt()),
          state);
    }
    REPLIES.info("{}: retry {} due at {} ({})", name, state.attempts() + 1, next.get(), sent.outcome());
    return Verdict.deferred(state.dueAt(next.get()), next.get());
  }

  /** Carries out the verdict: the one place a message is moved to its next state. */
  private void file(MessageInHand message, Verdict verdict, long start) {
    String name = message.name();
    try {
      switch (verdict.kind()) {
        case SUCCESS -> {
          logMove(name, MaildirLayout.SUCCESS);
          maildir.succeed(name);
          metrics.filed("success", "none", start);
        }
        case POSTMASTER -> {
          logMove(name, MaildirLayout.POSTMASTER);
          maildir.postmaster(name);
          metrics.filed("postmaster", "none", start);
        }
        case DEFERRED -> {
          logMove(name, MaildirLayout.DEFERRED);
          maildir.defer(name, verdict.state().toJson());
          schedule.add(name, verdict.dueAt());
          metrics.retryScheduled();
          metrics.filed("deferred", "none", start);
        }
        case FAILURE -> fail(message, verdict.reason(), verdict.detail(), verdict.state(), start);
        case VANISHED, STAYS_CLAIMED -> {
          // Logged where it was found; the file is not ours to move.
        }
        case NEXT, POST -> throw new IllegalStateException(
            name + ": verdict " + verdict.kind() + " reached filing (expected: the steps before decide it)");
      }
    } catch (IOException maildirFailed) {
      REPLIES.error("{}: could not file the message ({}); it stays claimed until the next start-up", name, describe(maildirFailed));
    }
  }

  /**
   * Files the message as failure: the reason file, the move, then the listener. Throws the Maildir's
   * IOException before the listener is told.
   */
  private void fail(MessageInHand message, FailureReason reason, String detail, RetryState state, long start)
      throws IOException {
    String name = message.name();
    REPLIES.info("{}: {} ({})", name, reason.wireName(), ClientText.escape(detail));
    // Not parsed whole (too large, unreadable): the header section still names the sender and the
    // Message-ID, for the reason file and the listener.
    InboundMessage facts = message.factsForReport();
    FailureRecord record = FailureRecord.of(reason, detail, clock.instant(), name, state,
        facts == null ? null : facts.mailFrom().orElse(null), facts == null ? null : facts.messageId(),
        facts == null ? null : facts.subject());
    logMove(name, MaildirLayout.FAILURE);
    maildir.fail(name, record.toJson());
    metrics.filed("failure", reason.wireName(), start);
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
