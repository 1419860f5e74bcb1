package dev.replyd.maildir;

/**
 * CallbackAttempt - the record of one POST to the main app, as kept in the retry state
 * ({@link RetryState}) and the reason file ({@link FailureRecord}) (cf. mox's HookResult).
 *
 * <p>CONTRACT: {@code at} is the ISO-8601 start time; {@code status} is the HTTP status, or
 * null when no response arrived, in which case {@code error} names the exception class and its
 * message; {@code bodyExcerpt} holds at most the first {@link #EXCERPT_BYTES} bytes of the
 * response body, decoded as UTF-8 (null when there was no response).
 *
 * <p>THREAD-SAFETY: immutable.
 */
public record CallbackAttempt(String at, long durationMs, Integer status, String error, String bodyExcerpt) {

  /** How much of a response body is kept for the operator. */
  public static final int EXCERPT_BYTES = 512;

  /** A one-phrase description for log lines and reason details. */
  public String describe() {
    return status != null ? "HTTP " + status : (error == null ? "no response" : error);
  }
}
