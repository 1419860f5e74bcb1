package dev.replyd.faults;

/**
 * Soak - picks the size of a fault run: the short version for the default suite, the long one when
 * Maven runs with {@code -Dreplyd.soak=true} ({@code scripts/test --soak}).
 *
 * <p>Thread-safety: immutable (reads a system property once).
 */
final class Soak {
  static final boolean ON = Boolean.getBoolean("replyd.soak");

  private Soak() {}

  /** {@code brief} in the default suite, {@code soak} under {@code -Dreplyd.soak=true}. */
  static int size(int brief, int soak) {
    return ON ? soak : brief;
  }

  /** Prints one figure line to the test's output (surefire files it beside the report). */
  static void report(String check, String figures) {
    System.out.println("FAULT-FIGURES " + check + (ON ? " [soak]" : " [short]") + ": " + figures);
  }
}
