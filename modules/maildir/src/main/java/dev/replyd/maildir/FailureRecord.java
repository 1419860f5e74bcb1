package dev.replyd.maildir;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * FailureRecord - one message filed under {@code incoming-mail/failure}: the content of its
 * {@code NAME.reason.json}, and what the failure notices, the operator console and the support
 * bundle are given.
 *
 * <p>CONTRACT (the storage contract, docs/architecture.md; JSON through {@link StoreJson}:
 * snake_case, indented, nulls written, unknown fields ignored on reading):
 * <ul>
 *   <li>{@code reason}: a {@link FailureReason} wire name; kept as text so that a file written by a
 *       newer version with a new reason still reads.
 *   <li>{@code detail}: what was found, in words an operator can act on; never a secret, never mailed
 *       (it may quote the main app's answer).
 *   <li>{@code at}: when the message was filed (ISO-8601).
 *   <li>{@code delivery_id}: the Maildir file name (the reason file's prefix, the callback's delivery id).
 *   <li>{@code message_id}: the sender's Message-ID as written; null when absent or unreadable.
 *   <li>{@code attempts}, {@code first_attempt_at}, {@code last_attempt_at}, {@code history}: the
 *       callback attempts ({@link CallbackAttempt}); zero, null and empty for a message that failed
 *       before posting.
 *   <li>{@code envelope_sender} (added beside the fields above, which keep their names): the sender
 *       our {@code Return-Path} recorded ({@link TracePrefix}); "" for the null sender {@code <>},
 *       null when the file has no prefix or could not be read. Files written before it read as null.
 *   <li>{@code subject} (likewise added): the Subject, RFC 2047-decoded, on one line; null when absent.
 *       It is the sender's text: shown escaped, never as HTML, and left out of support bundles
 *       ({@link #withoutSubject()}).
 * </ul>
 * Written by the processor through {@link Maildir#fail}, before the message moves beside it.
 *
 * <p>FAILURES: {@link #fromJson} throws {@link IOException} for a file that is not JSON of this shape.
 *
 * <p>THREAD-SAFETY: immutable.
 */
public record FailureRecord(
    String reason,
    String detail,
    String at,
    String deliveryId,
    String messageId,
    int attempts,
    String firstAttemptAt,
    String lastAttemptAt,
    List<CallbackAttempt> history,
    String envelopeSender,
    String subject) {

  public FailureRecord {
    history = history == null ? List.of() : List.copyOf(history);
  }

  /**
   * The record of a message filed now.
   *
   * @param state          the callback attempts so far ({@link RetryState#none()} before any)
   * @param envelopeSender as {@link TracePrefix#sender()}; null when unknown
   * @param messageId      null when absent
   * @param subject        decoded, one line; null when absent
   */
  public static FailureRecord of(FailureReason reason, String detail, Instant at, String deliveryId, RetryState state,
      String envelopeSender, String messageId, String subject) {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(deliveryId, "deliveryId");
    List<CallbackAttempt> history = state.history();
    return new FailureRecord(
        reason.wireName(),
        detail,
        at.toString(),
        deliveryId,
        messageId,
        state.attempts(),
        state.firstAttemptAt(),
        history.isEmpty() ? null : history.get(history.size() - 1).at(),
        history,
        envelopeSender,
        subject);
  }

  /** Reads a reason file (unknown fields ignored); IOException when it is not one. */
  public static FailureRecord fromJson(byte[] json) throws IOException {
    FailureRecord record = StoreJson.MAPPER.readValue(json, FailureRecord.class);
    if (record == null || record.reason() == null) {
      throw new IOException("not a reason file: no \"reason\" field");
    }
    return record;
  }

  /** The reason file's bytes. */
  public byte[] toJson() {
    return StoreJson.writePretty(this);
  }

  /** This record without the sender's subject: what a support bundle carries. */
  public FailureRecord withoutSubject() {
    return new FailureRecord(reason, detail, at, deliveryId, messageId, attempts, firstAttemptAt, lastAttemptAt,
        history, envelopeSender, null);
  }
}
