package dev.replyd.daemon;

import java.util.Optional;

/**
 * One named readiness check: empty when healthy, else a short reason an operator can act on.
 * Implementations must be cheap (they run on every {@code /readyz} request) and thread-safe.
 */
interface HealthCheck {
  String name();

  Optional<String> problem();

  /**
   * This check's problem, with a check that throws reported as failing rather than ending the caller
   * ({@code /readyz} and the console's readiness both must answer even when one check is broken).
   */
  default Optional<String> problemOrFailure() {
    try {
      return problem();
    } catch (RuntimeException e) {
      return Optional.of("check failed: " + e);
    }
  }

  static HealthCheck of(String name, java.util.function.Supplier<Optional<String>> check) {
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Optional<String> problem() {
        return check.get();
      }
    };
  }
}
