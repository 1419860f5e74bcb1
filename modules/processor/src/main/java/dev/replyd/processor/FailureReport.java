package dev.replyd.processor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * FailureReport - the content of {@code incoming-mail/failure/<name>.reason.json}.
 *
 * <p>CONTRACT: {@code reason} is a {@link FailureReason} wire name; {@code detail} says what was
 * found in words an operator can act on (never a secret); {@code at} is when the message was
 * filed; {@code attempts}, {@code firstAttemptAt}, {@code lastAttemptAt} and {@code history}
 * describe the callback attempts (zero and empty when the message failed before posting), each
 * attempt with its time, duration, status or error and a response body excerpt.
 *
 * <p>Public so that the operator console can show a reason file; only the processor writes one.
 *
 * <p>THREAD-SAFETY: immutable.
 */
public record FailureReport(
    String reason,
    String detail,
    String at,
    String deliveryId,
    String messageId,
    int attempts,
    String firstAttemptAt,
    String lastAttemptAt,
    List<CallbackAttempt> history) {

  static FailureReport of(
      FailureReason reason, String detail, String at, String deliveryId, String messageId, RetryState state) {
    List<CallbackAttempt> history = state.history();
    return new FailureReport(
        reason.wireName(),
        detail,
        at,
        deliveryId,
        messageId,
        state.attempts(),
        state.firstAttemptAt(),
        history.isEmpty() ? null : history.get(history.size() - 1).at(),
        history);
  }

  /** Reads a reason file written by {@link #toJson()} (unknown fields ignored); IOException when unreadable. */
  public static FailureReport fromJson(byte[] json) throws IOException {
    return JsonMapping.MAPPER.readValue(json, FailureReport.class);
  }

  byte[] toJson() {
    try {
      return JsonMapping.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
  }
}
