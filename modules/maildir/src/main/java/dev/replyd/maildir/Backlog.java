package dev.replyd.maildir;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * NAME
 *   Backlog - how much mail is waiting, for metrics and /readyz
 *
 * DESCRIPTION
 *   Counts of messages in new/ ({@code pending}), cur/ ({@code claimed}) and
 *   incoming-mail/deferred ({@code deferred}), and the age of the oldest of them, measured from
 *   its delivery (the time in its name); empty when all three are empty. Files whose names replyd
 *   did not create are not counted.
 *
 * THREAD SAFETY
 *   Immutable.
 */
public record Backlog(int pending, int claimed, int deferred, Optional<Duration> oldestAge) {
  public Backlog {
    Objects.requireNonNull(oldestAge, "oldestAge");
  }

  /** All messages not yet filed under success, failure or postmaster. */
  public int total() {
    return pending + claimed + deferred;
  }
}
