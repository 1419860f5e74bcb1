package dev.replyd.daemon;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final Pattern KEYED_LINE = Pattern.compile("(replyd\\.[a-z0-9.-]+): .*");

    private final List<String> problems = new ArrayList<>();
    private final Set<String> keys = new HashSet<>();
    private final Map<String, String> derivedFrom = new HashMap<>();

    void add(String key, String problem) {
      problems.add("replyd." + key + ": " + problem);
      keys.add("replyd." + key);
    }

    /**
     * The lines of a settings type's {@link IllegalArgumentException}, each {@code replyd.<key>: ...};
     * a line of a key already reported is dropped (it follows from that problem), a line without a
     * key is filed under {@code fallbackKey}.
     */
    void addLines(String fallbackKey, String message) {
      // Only keys reported before: a settings type may report several problems of one key.
      Set<String> before = Set.copyOf(keys);
      for (String line : String.valueOf(message).split("\n")) {
        Matcher keyed = KEYED_LINE.matcher(line);
        if (keyed.matches()) {
          String key = keyed.group(1);
          boolean followsFromSource = derivedFrom.containsKey(key) && keys.contains(derivedFrom.get(key));
          if (!before.contains(key) && !followsFromSource) {
            problems.add(line);
            keys.add(key);
          }
        } else if (!before.contains("replyd." + fallbackKey)) {
          add(fallbackKey, line);
        }
      }
    }

    /**
     * {@code key}'s value was not set but derived from {@code source}'s (reply-domain from hostname):
     * while {@code source} has a problem, the settings' lines about {@code key} are dropped.
     */
    void derived(String key, String source) {
      derivedFrom.put("replyd." + key, "replyd." + source);
    }

    /** True when a problem of {@code fullKey} (e.g. replyd.smtp.port) is on record. */
    boolean has(String fullKey) {
      return keys.contains(fullKey);
    }

    /** True when a problem of {@code fullKey} or of a key below it is on record. */
    boolean hasUnder(String fullKey) {
      return keys.stream().anyMatch(k -> k.equals(fullKey) || k.startsWith(fullKey + "."));
    }

    boolean isEmpty() {
      return problems.isEmpty();
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
