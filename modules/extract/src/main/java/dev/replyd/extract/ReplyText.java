package dev.replyd.extract;

import java.util.List;

/**
 * The result of reply extraction: the reply, the full text it came from, and what was cut.
 *
 * <p>Contract: {@code full} is the text the extractor worked on (line endings normalised to
 * LF; for HTML, the rendered text of the whole message). {@code reply} is {@code full} minus
 * the {@link #removed()} line ranges, without leading or trailing blank lines; it is empty when
 * the message held nothing but quoted history. When {@code budgetExceeded} is true the time
 * budget ran out: {@code reply} is then the whole {@code full} text (stripped) and
 * {@code removed} is empty, so nothing the person wrote is ever lost to a slow rule. In
 * {@code reply} (never in {@code full}) links rewritten by Safe Links or URL Defense are
 * replaced by the links they wrap ({@link WrappedLinks}).
 *
 * <p>Thread-safety: immutable.
 */
public record ReplyText(String reply, String full, List<Removal> removed, boolean budgetExceeded) {
  public ReplyText {
    reply = WrappedLinks.unwrap(reply);
    removed = List.copyOf(removed);
  }

  /**
   * Every line of {@link #full()}, prefixed with its classification and {@code " | "}: the rule
   * that removed it ({@code quote}, {@code signature}, …), {@code keep} for a reply line, or
   * {@code blank} for a blank line trimmed from the reply's edges. Used by
   * {@code replyd extract --explain}.
   */
  public String explain() {
    String[] lines = full.split("\n", -1);
    String[] labels = new String[lines.length];
    for (Removal removal : removed) {
      for (int i = removal.firstLine(); i <= removal.lastLine() && i <= lines.length; i++) {
        labels[i - 1] = removal.rule();
      }
    }
    StringBuilder out = new StringBuilder();
    int first = 0;
    int last = lines.length - 1;
    while (first <= last && (labels[first] != null || lines[first].isBlank())) {
      first++;
    }
    while (last >= first && (labels[last] != null || lines[last].isBlank())) {
      last--;
    }
    for (int i = 0; i < lines.length; i++) {
      String label = labels[i] != null ? labels[i] : (i < first || i > last) && lines[i].isBlank() ? "blank" : "keep";
      out.append(String.format("%-12s| %s\n", label, lines[i]));
    }
    return out.toString();
  }
}
