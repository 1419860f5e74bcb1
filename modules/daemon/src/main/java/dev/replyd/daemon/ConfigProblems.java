package dev.replyd.daemon;

import java.util.ArrayList;
import java.util.List;

/**
 * Every problem found in one configuration, reported together so an operator fixes them in one pass.
 *
 * <p>Each entry reads {@code <key path>: <what was found> (expected: <what is valid>)}; values of
 * secret keys are never quoted.
 */
final class ConfigProblems extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  ConfigProblems(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  List<String> problems() {
    return problems;
  }

  /** Collects problems while the loader walks the keys. Confined to one loader call. */
  static final class Collector {
    private final List<String> problems = new ArrayList<>();

    void add(String key, String problem) {
      problems.add("replyd." + key + ": " + problem);
    }

    void addTopLevel(String problem) {
      problems.add(problem);
    }

    void throwIfAny() throws ConfigProblems {
      if (!problems.isEmpty()) {
        throw new ConfigProblems(problems);
      }
    }
  }
}
