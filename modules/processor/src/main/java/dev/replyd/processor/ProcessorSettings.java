package dev.replyd.processor;

import dev.replyd.address.LoggableUrl;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * ProcessorSettings - the knobs of the processing pipeline.
 *
 * <p>CONTRACT: every field is validated in the constructor; a bad value throws
 * {@link IllegalArgumentException} naming the configuration key, the value and what was
 * expected. {@link #defaults(URI, byte[])} gives the values documented in the daemon's
 * reference configuration.
 *
 * <ul>
 *   <li>{@code threads} ({@code processor.threads}): workers posting callbacks in parallel.
 *   <li>{@code callbackUrl}, {@code callbackSecret}, {@code callbackTimeout}
 *       ({@code callback.url}, {@code callback.secret}, {@code callback.timeout}): where and how
 *       webhooks are posted; the timeout bounds both connecting and the whole request.
 *   <li>{@code maxAge} ({@code callback.max-age}): how long after the first attempt a retryable
 *       failure is still retried; then the message fails with {@code retries_exhausted}.
 *   <li>{@code retryBaseDelay}, {@code retryMaxDelay}: exponential backoff with full jitter;
 *       attempt n waits a random time in [0, min(max, base * 2^(n-1))], or longer when the
 *       main app sends {@code Retry-After}.
 *   <li>{@code maxAttachmentBytes} ({@code callback.max-attachment-bytes}): attachments up to this
 *       decoded size travel base64-encoded in the payload; larger ones as metadata only.
 *   <li>{@code maxMessageBytes}: message files larger than this fail with {@code too_large}.
 *   <li>{@code rescanInterval}: how often {@code new/} and the deferred queue are listed, since
 *       file-system watch events can be lost.
 *   <li>{@code retention} ({@code storage.retention}): success files older than this are removed
 *       by the daily sweep.
 * </ul>
 *
 * <p>SECURITY: {@link #toString()} never prints the callback secret; the secret is copied in
 * and out so callers cannot change it behind the processor's back.
 *
 * <p>THREAD-SAFETY: immutable.
 */
public record ProcessorSettings(
    int threads,
    URI callbackUrl,
    byte[] callbackSecret,
    Duration callbackTimeout,
    Duration maxAge,
    Duration retryBaseDelay,
    Duration retryMaxDelay,
    long maxAttachmentBytes,
    long maxMessageBytes,
    Duration rescanInterval,
    Duration retention) {

  /** Default {@code callback.max-attachment-bytes}: 1 MiB of decoded content per attachment. */
  public static final long DEFAULT_MAX_ATTACHMENT_BYTES = 1L << 20;

  /**
   * Default message size limit: the SMTP side's 25 MiB plus room for the trace headers it
   * prepends, so that nothing SMTP accepted is refused here.
   */
  public static final long DEFAULT_MAX_MESSAGE_BYTES = (25L << 20) + (64L << 10);

  public ProcessorSettings {
    if (threads < 1 || threads > 256) {
      throw new IllegalArgumentException(
          "replyd.processor.threads: " + threads + " (expected: 1 to 256)");
    }
    Objects.requireNonNull(callbackUrl, "replyd.callback.url");
    String scheme = callbackUrl.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || callbackUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "replyd.callback.url: " + LoggableUrl.of(callbackUrl) + " (expected: an absolute http or https URL)");
    }
    if (callbackUrl.getRawUserInfo() != null) {
      throw new IllegalArgumentException("replyd.callback.url: " + LoggableUrl.of(callbackUrl)
          + " carries user info, which replyd never sends (expected: a URL without user:password@)");
    }
    Objects.requireNonNull(callbackSecret, "replyd.callback.secret");
    if (callbackSecret.length == 0) {
      throw new IllegalArgumentException(
          "replyd.callback.secret: empty (expected: a non-empty shared secret)");
    }
    callbackSecret = callbackSecret.clone();
    positive("replyd.callback.timeout", callbackTimeout);
    positive("replyd.callback.max-age", maxAge);
    positive("replyd.callback.retry-base-delay", retryBaseDelay);
    positive("replyd.callback.retry-max-delay", retryMaxDelay);
    if (retryMaxDelay.compareTo(retryBaseDelay) < 0) {
      throw new IllegalArgumentException(
          "replyd.callback.retry-max-delay: " + retryMaxDelay
              + " (expected: at least retry-base-delay " + retryBaseDelay + ")");
    }
    if (maxAttachmentBytes < 0) {
      throw new IllegalArgumentException(
          "replyd.callback.max-attachment-bytes: " + maxAttachmentBytes + " (expected: >= 0)");
    }
    if (maxMessageBytes < 1) {
      throw new IllegalArgumentException(
          "replyd.processor.max-message-bytes: " + maxMessageBytes + " (expected: > 0)");
    }
    positive("replyd.processor.rescan-interval", rescanInterval);
    positive("replyd.storage.retention", retention);
  }

  /**
   * The documented defaults: 4 threads, 10 s timeout, 2 days maximum age, backoff from 30 s up
   * to 1 h, 1 MiB attachments, rescan every 30 s, 30 days retention.
   */
  public static ProcessorSettings defaults(URI callbackUrl, byte[] callbackSecret) {
    return new ProcessorSettings(
        4,
        callbackUrl,
        callbackSecret,
        Duration.ofSeconds(10),
        Duration.ofDays(2),
        Duration.ofSeconds(30),
        Duration.ofHours(1),
        DEFAULT_MAX_ATTACHMENT_BYTES,
        DEFAULT_MAX_MESSAGE_BYTES,
        Duration.ofSeconds(30),
        Duration.ofDays(30));
  }

  /** A copy of the secret; the record keeps its own. */
  @Override
  public byte[] callbackSecret() {
    return callbackSecret.clone();
  }

  @Override
  public boolean equals(Object other) {
    return this == other
        || (other instanceof ProcessorSettings that
            && threads == that.threads
            && callbackUrl.equals(that.callbackUrl)
            && java.security.MessageDigest.isEqual(callbackSecret, that.callbackSecret)
            && callbackTimeout.equals(that.callbackTimeout)
            && maxAge.equals(that.maxAge)
            && retryBaseDelay.equals(that.retryBaseDelay)
            && retryMaxDelay.equals(that.retryMaxDelay)
            && maxAttachmentBytes == that.maxAttachmentBytes
            && maxMessageBytes == that.maxMessageBytes
            && rescanInterval.equals(that.rescanInterval)
            && retention.equals(that.retention));
  }

  @Override
  public int hashCode() {
    return Objects.hash(threads, callbackUrl, callbackTimeout, maxAge, maxAttachmentBytes);
  }

  @Override
  public String toString() {
    return "ProcessorSettings[threads=" + threads
        + ", callbackUrl=" + LoggableUrl.of(callbackUrl)
        + ", callbackSecret=(" + callbackSecret.length + " bytes, not shown)"
        + ", callbackTimeout=" + callbackTimeout
        + ", maxAge=" + maxAge
        + ", retryBaseDelay=" + retryBaseDelay
        + ", retryMaxDelay=" + retryMaxDelay
        + ", maxAttachmentBytes=" + maxAttachmentBytes
        + ", maxMessageBytes=" + maxMessageBytes
        + ", rescanInterval=" + rescanInterval
        + ", retention=" + retention + "]";
  }

  private static void positive(String key, Duration value) {
    Objects.requireNonNull(value, key);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(key + ": " + value + " (expected: a positive duration)");
    }
  }
}
