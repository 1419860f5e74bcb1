package dev.replyd.processor;

import dev.replyd.maildir.FailureReason;
import dev.replyd.maildir.RetryState;
import java.time.Instant;
import java.util.Objects;

/**
 * Verdict - what one step of {@link MessageWorker}'s pipeline decided about the message in hand:
 * go on with the next step, or where the message goes.
 *
 * <p>CONTRACT: {@link Kind#NEXT} is the only verdict after which the next step runs; every other
 * kind ends the steps and is carried out by the worker's one filing step:
 * <ul>
 *   <li>{@link Kind#POST}: the reading steps are done; {@code payload} is posted, and the callback's
 *       outcome is the next verdict;
 *   <li>{@link Kind#POSTMASTER}, {@link Kind#SUCCESS}: moved to that directory;
 *   <li>{@link Kind#DEFERRED}: moved to the deferred queue with {@code state} (its due time set) until
 *       {@code dueAt};
 *   <li>{@link Kind#FAILURE}: filed as failure with {@code reason} and {@code detail} (the reason file's,
 *       in words an operator can act on) and the callback attempts in {@code state};
 *   <li>{@link Kind#VANISHED}: the file is gone (someone moved it); nothing is filed;
 *   <li>{@link Kind#STAYS_CLAIMED}: left in {@code cur/} for start-up recovery (a fatal JVM error while
 *       reading).
 * </ul>
 *
 * <p>THREAD-SAFETY: immutable (the payload array is not copied and never changed after the
 * steps built it).
 */
record Verdict(Kind kind, FailureReason reason, String detail, RetryState state, byte[] payload, Instant dueAt) {

  enum Kind { NEXT, POST, POSTMASTER, SUCCESS, DEFERRED, FAILURE, VANISHED, STAYS_CLAIMED }

  private static final Verdict NEXT = new Verdict(Kind.NEXT, null, null, null, null, null);
  private static final Verdict POSTMASTER = new Verdict(Kind.POSTMASTER, null, null, null, null, null);
  private static final Verdict SUCCESS = new Verdict(Kind.SUCCESS, null, null, null, null, null);
  private static final Verdict VANISHED = new Verdict(Kind.VANISHED, null, null, null, null, null);
  private static final Verdict STAYS_CLAIMED = new Verdict(Kind.STAYS_CLAIMED, null, null, null, null, null);

  Verdict {
    Objects.requireNonNull(kind, "kind");
  }

  /** Go on with the next step. */
  static Verdict next() {
    return NEXT;
  }

  /** Reading is done: post this payload. */
  static Verdict post(byte[] payload) {
    return new Verdict(Kind.POST, null, null, null, Objects.requireNonNull(payload, "payload"), null);
  }

  /** Mail for the administrator: moved to postmaster, never posted. */
  static Verdict postmaster() {
    return POSTMASTER;
  }

  /** The main app took it. */
  static Verdict success() {
    return SUCCESS;
  }

  /** Posting failed for now: wait in the deferred queue with {@code state} until {@code dueAt}. */
  static Verdict deferred(RetryState state, Instant dueAt) {
    return new Verdict(Kind.DEFERRED, null, null, Objects.requireNonNull(state, "state"), null,
        Objects.requireNonNull(dueAt, "dueAt"));
  }

  /**
   * Not posted, never will be: filed as failure. {@code state} is the retry state to report (the
   * message's own when the failure came before posting).
   */
  static Verdict failure(FailureReason reason, String detail, RetryState state) {
    return new Verdict(Kind.FAILURE, Objects.requireNonNull(reason, "reason"), Objects.requireNonNull(detail, "detail"),
        Objects.requireNonNull(state, "state"), null, null);
  }

  /** The message file is gone; whoever moved it owns it. */
  static Verdict vanished() {
    return VANISHED;
  }

  /** Leave the message claimed, for start-up recovery. */
  static Verdict staysClaimed() {
    return STAYS_CLAIMED;
  }
}
