package dev.replyd.processor;

import dev.replyd.address.LoggableUrl;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * ProcessorSettings - the knobs of the processing pipeline.
 *
 * <p>CONTRACT: every field is validated in the constructor; bad values throw one
 * {@link IllegalArgumentException} listing every problem, one line each,
 * {@code <configuration key>: <value> (expected: <what is valid>)}; the daemon's configuration
 * loader reports these lines by key, so {@code check-config} and {@code run} apply the same checks. {@link #defaults(URI, byte[])} gives the values documented in the daemon's
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
 *   <li>{@code maxMessageBytes} ({@code processor.max-message-size} plus {@link #TRACE_HEADER_ROOM}):
 *       message files larger than this fail with {@code too_large}.
 *   <li>{@code rescanInterval}: how often {@code new/} and the deferred queue are listed, since
 *       file-system watch events can be lost.
 *   <li>{@code retention} ({@code storage.retention}): success files older than this are removed
 *       by the daily sweep.
 *   <li>{@code messageDeadline} ({@code processor.message-deadline}): how long reading one message
 *       may take, from opening the file to a payload ready to post (parsing, sender checks,
 *       extraction, attachments); a message still being read then is filed as failure
 *       {@code deadline_exceeded}. Posting has its own bound, {@code callback.timeout}.
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
    Duration retention,
    Duration messageDeadline) {

  /** Default {@code processor.message-deadline}. */
  public static final Duration DEFAULT_MESSAGE_DEADLINE = Duration.ofSeconds(60);

  // The defaults are those of reference.conf (the daemon's tests check that they agree).

  /** Default {@code callback.max-attachment-bytes}: 10 MiB of decoded content per attachment. */
  public static final long DEFAULT_MAX_ATTACHMENT_BYTES = 10L << 20;

  /**
   * Room for the trace headers the SMTP side prepends to a message: the file may be this much
   * larger than {@code processor.max-message-size} and is still processed.
   */
  public static final long TRACE_HEADER_ROOM = 64L << 10;

  /**
   * Default message size limit: the SMTP side's 25 MiB plus room for the trace headers it
   * prepends, so that nothing SMTP accepted is refused here.
   */
  public static final long DEFAULT_MAX_MESSAGE_BYTES = (25L << 20) + TRACE_HEADER_ROOM;

  /** How often new/ and deferred/ are listed, since file-system watch events can be lost. */
  public static final Duration DEFAULT_RESCAN_INTERVAL = Duration.ofSeconds(30);

  public ProcessorSettings {
    List<String> problems = new ArrayList<>();
    if (threads < 1 || threads > 256) {
      problems.add("replyd.processor.threads: " + threads + " (expected: 1 to 256)");
    }
    String scheme = callbackUrl == null ? null : callbackUrl.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || callbackUrl.getHost() == null) {
      problems.add("replyd.callback.url: " + LoggableUrl.of(callbackUrl) + " (expected: an absolute http or https URL)");
    }
    if (callbackUrl != null && callbackUrl.getRawUserInfo() != null) {
      // Refused rather than sent as Basic auth: the main app authenticates replyd by the signature,
      // and a password here would sit in every copy of the configuration.
      problems.add("replyd.callback.url: " + LoggableUrl.of(callbackUrl) + " carries user info (user:password@),"
          + " which replyd never sends: it is not used as HTTP Basic authentication (expected: a URL without"
          + " user info; the main app authenticates replyd by the Replyd-Signature header made with"
          + " callback.secret)");
    }
    if (callbackSecret == null || callbackSecret.length == 0) {
      problems.add("replyd.callback.secret: " + (callbackSecret == null ? "null" : "empty")
          + " (expected: a non-empty shared secret)");
    } else {
      callbackSecret = callbackSecret.clone();
    }
    positive(problems, "replyd.callback.timeout", callbackTimeout);
    positive(problems, "replyd.callback.max-age", maxAge);
    positive(problems, "replyd.callback.retry-base-delay", retryBaseDelay);
    positive(problems, "replyd.callback.retry-max-delay", retryMaxDelay);
    if (retryMaxDelay != null && retryBaseDelay != null && retryMaxDelay.compareTo(retryBaseDelay) < 0) {
      problems.add("replyd.callback.retry-max-delay: " + retryMaxDelay
          + " (expected: at least replyd.callback.retry-base-delay, " + retryBaseDelay + ")");
    }
    if (maxAttachmentBytes < 0) {
      problems.add("replyd.callback.max-attachment-bytes: " + maxAttachmentBytes + " (expected: >= 0)");
    }
    if (maxMessageBytes < 1) {
      problems.add("replyd.processor.max-message-size: " + maxMessageBytes + " (expected: > 0)");
    }
    // Not a configuration key: the daemon always passes DEFAULT_RESCAN_INTERVAL.
    positive(problems, "rescanInterval", rescanInterval);
    positive(problems, "replyd.storage.retention", retention);
    positive(problems, "replyd.processor.message-deadline", messageDeadline);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
  }

  /** As the canonical constructor, with the default {@code processor.message-deadline}. */
  public ProcessorSettings(
      int threads, URI callbackUrl, byte[] callbackSecret, Duration callbackTimeout, Duration maxAge,
      Duration retryBaseDelay, Duration retryMaxDelay, long maxAttachmentBytes, long maxMessageBytes,
      Duration rescanInterval, Duration retention) {
    this(threads, callbackUrl, callbackSecret, callbackTimeout, maxAge, retryBaseDelay, retryMaxDelay,
        maxAttachmentBytes, maxMessageBytes, rescanInterval, retention, DEFAULT_MESSAGE_DEADLINE);
  }

  /** These settings with another {@code processor.message-deadline}. */
  public ProcessorSettings withMessageDeadline(Duration deadline) {
    return new ProcessorSettings(threads, callbackUrl, callbackSecret, callbackTimeout, maxAge, retryBaseDelay,
        retryMaxDelay, maxAttachmentBytes, maxMessageBytes, rescanInterval, retention, deadline);
  }

  /**
   * The documented defaults: 4 threads, 10 s timeout, 2 days maximum age, backoff from 30 s up
   * to 1 h, 10 MiB attachments, rescan every 30 s, 30 days retention, 60 s per message.
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
        DEFAULT_RESCAN_INTERVAL,
        Duration.ofDays(30),
        DEFAULT_MESSAGE_DEADLINE);
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
            && retention.equals(that.retention)
            && messageDeadline.equals(that.messageDeadline));
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
        + ", retention=" + retention
        + ", messageDeadline=" + messageDeadline + "]";
  }

  private static void positive(List<String> problems, String key, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      problems.add(key + ": " + value + " (expected: a positive duration)");
    }
  }
}
