package dev.replyd.extract;

/**
 * The per-message time budget of one extraction.
 *
 * <p>Contract: {@link #check()} throws {@link Exceeded} once the budget has passed; the
 * extractor catches it and returns the full text with {@code budgetExceeded=true}. Checks are
 * placed in every loop over lines, so a slow message is abandoned within one line's work.
 *
 * <p>Thread-safety: confined to one extraction call.
 */
final class Deadline {
  private final long deadlineNanos;

  private Deadline(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
  }

  static Deadline after(java.time.Duration budget) {
    long nanos = budget.toNanos();
    return new Deadline(System.nanoTime() + nanos);
  }

  void check() {
    if (System.nanoTime() - deadlineNanos > 0) {
      throw new Exceeded();
    }
  }

  /** Thrown from deep inside the rules; carries no stack trace (it is control flow). */
  static final class Exceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Exceeded() {
      super("reply extraction time budget exceeded", null, false, false);
    }
  }
}
