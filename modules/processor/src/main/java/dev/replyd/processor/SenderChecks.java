package dev.replyd.processor;

import dev.replyd.auth.SenderAuthenticator;
import java.util.Locale;
import java.util.Objects;

/**
 * SenderChecks - whether the processor verifies SPF, DKIM and DMARC for each message, and what a
 * DMARC failure of the From domain means ({@code processor.sender-checks.require-dmarc}).
 *
 * <p>CONTRACT: {@link Policy#OFF} posts every message with its verdicts; {@link Policy#QUARANTINE}
 * posts a failing message with {@code flags.quarantined = true} so the main app can hold it;
 * {@link Policy#REJECT} files it as failure {@code unauthenticated} and never posts it. Only a
 * DMARC {@code fail} counts: {@code temperror} (DNS trouble) and {@code none} (no policy published)
 * never reject, so an outage of the sender's DNS does not lose replies.
 *
 * <p>{@code authservId} names us in the Authentication-Results header the payload carries (our
 * host name).
 *
 * <p>THREAD-SAFETY: immutable; the authenticator is thread-safe.
 */
public record SenderChecks(SenderAuthenticator authenticator, Policy policy, String authservId) {

  public enum Policy {
    OFF, QUARANTINE, REJECT;

    /** Parses {@code off|quarantine|reject}, naming the key and the choices on error. */
    public static Policy parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new IllegalArgumentException("replyd.processor.sender-checks.require-dmarc: '" + value
            + "' (expected: off, quarantine or reject)", e);
      }
    }
  }

  public SenderChecks {
    Objects.requireNonNull(policy, "policy");
  }

  /** No verification at all: payloads carry {@code auth: null}. */
  public static SenderChecks none() {
    return new SenderChecks(null, Policy.OFF, null);
  }

  boolean enabled() {
    return authenticator != null;
  }
}
