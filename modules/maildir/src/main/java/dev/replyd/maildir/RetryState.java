package dev.replyd.maildir;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * RetryState - the persisted schedule of a deferred message: how many attempts were made, when
 * the first one was, when the next one is due and what the last one returned.
 *
 * <p>CONTRACT: the content of {@code incoming-mail/deferred/NAME.retry.json} ({@link StoreJson}:
 * snake_case, compact). Written by the processor's worker next to the deferred message through
 * {@link Maildir#defer}, read back by the processor's schedule after a restart, so a restart
 * neither forgets a message nor resets its backoff or its maximum age; the operator console
 * reads it too. {@code history} keeps the last {@link #HISTORY_LIMIT} attempts (the count in
 * {@code attempts} is exact).
 *
 * <p>FAILURES: {@link #fromJson(byte[])} throws {@link IOException} for unreadable state; the
 * caller then retries the message at once with a fresh state (a damaged schedule must not
 * strand a reply).
 *
 * <p>THREAD-SAFETY: immutable.
 */
public record RetryState(
    int attempts,
    String firstAttemptAt,
    String nextAttemptAt,
    Integer lastStatus,
    String lastError,
    List<CallbackAttempt> history) {

  public static final int HISTORY_LIMIT = 20;

  public RetryState {
    history = List.copyOf(history == null ? List.of() : history);
  }

  /** The state before any attempt. */
  public static RetryState none() {
    return new RetryState(0, null, null, null, null, List.of());
  }

  /** This state with one more attempt recorded; the first attempt sets the age origin. */
  public RetryState withAttempt(CallbackAttempt attempt) {
    List<CallbackAttempt> recent = new ArrayList<>(history);
    recent.add(attempt);
    if (recent.size() > HISTORY_LIMIT) {
      recent = recent.subList(recent.size() - HISTORY_LIMIT, recent.size());
    }
    return new RetryState(
        attempts + 1,
        firstAttemptAt == null ? attempt.at() : firstAttemptAt,
        null,
        attempt.status(),
        attempt.error(),
        recent);
  }

  /** This state with the next attempt due at {@code next}. */
  public RetryState dueAt(Instant next) {
    return new RetryState(attempts, firstAttemptAt, next.toString(), lastStatus, lastError, history);
  }

  /** When the first attempt was; only for a state with at least one attempt. */
  public Instant firstAttempt() {
    return Instant.parse(firstAttemptAt);
  }

  /** When the next attempt is due; now if the state never got a schedule. */
  public Instant nextAttempt(Instant now) {
    return nextAttemptAt == null ? now : Instant.parse(nextAttemptAt);
  }

  /** The retry file's bytes. */
  public byte[] toJson() {
    return StoreJson.write(this);
  }

  /** Reads a retry state file; IOException when unreadable or its times are malformed. */
  public static RetryState fromJson(byte[] json) throws IOException {
    RetryState state = StoreJson.MAPPER.readValue(json, RetryState.class);
    try {
      if (state.firstAttemptAt != null) {
        Instant.parse(state.firstAttemptAt);
      }
      if (state.nextAttemptAt != null) {
        Instant.parse(state.nextAttemptAt);
      }
    } catch (java.time.format.DateTimeParseException e) {
      throw new IOException("retry state has a malformed time: " + e.getMessage(), e);
    }
    return state;
  }
}
