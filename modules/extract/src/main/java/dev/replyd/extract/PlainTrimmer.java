package dev.replyd.extract;

import java.util.Arrays;

/**
 * Decides which lines of a classified message are the reply: the policy (keep what the person
 * wrote; cut only on strong evidence) as a sequence of cuts over the string of line codes
 * (after Discourse's email_reply_trimmer).
 *
 * <p>Contract, in order (each step sees what earlier steps left):
 * <ol>
 *   <li>a configured marker line cuts it and everything below ({@code marker});
 *   <li>a {@code "-- "} signature separator cuts it and everything below ({@code signature});
 *   <li>a message that starts with an "Original Message" separator is all history
 *       ({@code separator});
 *   <li>client footers ("Sent from my iPhone") are removed wherever they are ({@code footer});
 *       text below a footer (after text above it) is the unquoted original and goes too;
 *   <li>a bottom-post (attribution first, quoted history, then new text only) keeps the text
 *       below the history;
 *   <li>an attribution or separator after text, followed by history (quoted or not, with at
 *       most six lines of trailing text), cuts there;
 *   <li>a quote block that ends the message after text is removed ({@code quote});
 *   <li>remaining attributions/separators are removed; header fields wrapped over several lines
 *       are joined into one block; a block of three or more header fields after text cuts
 *       there ({@code header-block}); remaining header blocks are removed;
 *   <li>a rule line followed by at most {@value #MAX_LINES_BELOW_RULE} lines that end the mail
 *       and name an address (a list footer) is removed ({@code footer}), then
 *       trailing rule lines ({@code separator}), then trailing quotes ({@code quote}).
 * </ol>
 * Interleaved replies survive: a quote followed by the person's text is never cut. Rule lines
 * directly above a cut go with it.
 *
 * <p>Performance: every step is one or two linear passes over the lines; the
 * {@link Deadline} is checked once per step and pass. Thread-safety: confined to one call.
 */
final class PlainTrimmer {
  /** A footer under a rule line is short; more lines than this below a rule are real text. */
  static final int MAX_LINES_BELOW_RULE = 4;

  private final LineKind[] kinds;
  private final String[] lines;
  private final String[] ruleOf;
  private final Deadline deadline;
  private int[] alive;
  private int size;

  /**
   * @param kinds classification of every line
   * @param ruleOf per line: non-null when an earlier stage (HTML) already removed it; filled in
   *     with the removing rule for each line this trimmer removes
   */
  PlainTrimmer(String[] lines, LineKind[] kinds, String[] ruleOf, Deadline deadline) {
    this.lines = lines;
    this.kinds = kinds;
    this.ruleOf = ruleOf;
    this.deadline = deadline;
    this.alive = new int[kinds.length];
    for (int i = 0; i < kinds.length; i++) {
      if (ruleOf[i] == null) {
        alive[size++] = i;
      }
    }
  }

  void run() {
    int marker = first('m');
    if (marker >= 0) {
      cut(marker, "marker");
    }
    int signature = first('d');
    if (signature >= 0) {
      cut(signature, "signature");
    }
    if (separatorAtTop()) {
      return;
    }
    footerBeforeOriginal();
    removeAll('s', "footer");
    if (onlyHistory()) {
      return;
    }
    bottomPost();
    attributionBeforeHistory();
    trailingQuoteAfterText();
    removeAll('b', null);
    joinWrappedHeaders();
    headerBlockAfterText();
    removeHeaderRuns();
    shortBlockBelowRule();
    trailingRules();
    trailingQuotes();
  }

  // ---- steps ------------------------------------------------------------------------------

  /**
   * A message that starts with an "Original Message" separator has nothing the person wrote:
   * all of it is the earlier message. (A forward with no comment is different: what was
   * forwarded is what the person sends, so a "Forwarded message" separator at the top is not
   * such a start.)
   */
  private boolean separatorAtTop() {
    for (int i = 0; i < size; i++) {
      LineKind kind = kinds[alive[i]];
      if (kind == LineKind.EMPTY) {
        continue;
      }
      if (kind == LineKind.SEPARATOR && Vocabulary.DEFAULT.isOriginalMessage(LineClassifier.undecorated(lines[alive[i]]))) {
        removeRange(0, size, "separator");
        return true;
      }
      return false;
    }
    return false;
  }

  /**
   * Mobile clients put their footer at the end of what the person typed; text below it (after
   * text above it) is the unquoted original, as in "Sent from my phone" then the old mail. A
   * known client footer is the evidence (a footer line names a client or device, see
   * {@link Vocabulary#isFooter}).
   */
  private void footerBeforeOriginal() {
    char[] p = pattern();
    int firstText = indexOf(p, 't', 0);
    for (int s = 0; s < p.length; s++) {
      if (p[s] == 's' && firstText >= 0 && firstText < s) {
        for (int k = s + 1; k < p.length; k++) {
          if (p[k] == 't') {
            cut(s, "footer");
            return;
          }
        }
        return;
      }
    }
  }

  /** Nothing but quotes and attributions (a forwarded chain with no new word): all history. */
  private boolean onlyHistory() {
    char[] p = pattern();
    if (indexOf(p, 't', 0) >= 0 || indexOf(p, 'b', 0) < 0) {
      return false;
    }
    removeRange(0, size, "quote");
    return true;
  }

  /**
   * A rule line followed by a few lines that end the message and name a web or mail address (a
   * mailing-list footer) is cut; a rule followed by more, or by a name and title only (the
   * person's sign-off under a rule), is part of the text.
   */
  private void shortBlockBelowRule() {
    int lastRule = -1;
    for (int i = size - 1; i >= 0; i--) {
      if (code(i) == 'r') {
        lastRule = i;
        break;
      }
    }
    if (lastRule <= 0) {
      return;
    }
    int below = 0;
    boolean address = false;
    for (int i = lastRule + 1; i < size; i++) {
      char c = code(i);
      if (c == 't') {
        below++;
        String line = lines[alive[i]];
        address |= LineClassifier.hasAddress(line) || line.contains("http://") || line.contains("https://")
            || line.contains("www.");
      } else if (c != 'e') {
        return;
      }
    }
    if (!address) {
      return;
    }
    boolean textAbove = false;
    for (int i = 0; i < lastRule; i++) {
      textAbove |= code(i) == 't';
    }
    if (textAbove && below > 0 && below <= MAX_LINES_BELOW_RULE) {
      cut(lastRule, "footer");
    }
  }

  private void bottomPost() {
    char[] p = pattern();
    if (p.length == 0 || p[0] != 'b') {
      return;
    }
    int ft = indexOf(p, 't', 0);
    if (ft < 2) {
      return;
    }
    boolean history = false;
    for (int i = 1; i < ft; i++) {
      history |= p[i] == 'q' || p[i] == 'h' || p[i] == 'b';
    }
    if (!history) {
      return; // an attribution followed directly by text is not quoted history
    }
    for (int i = ft; i < p.length; i++) {
      if (p[i] != 't' && p[i] != 'e') {
        return;
      }
    }
    for (int j = ft - 2; j >= 0 && "bqeh".indexOf(p[j + 1]) >= 0; j--) {
      if (p[j] == 'b') {
        removeRange(0, ft, "quote");
        return;
      }
    }
  }

  /** /te*b[^q]*$/ (not for a mail starting with an attribution), else /te*b[eqbh]*([te]*)$/ with few t in $1. */
  private void attributionBeforeHistory() {
    char[] p = pattern();
    if (p.length == 0) {
      return;
    }
    int lastQ = lastIndexOf(p, 'q');
    if (p[0] != 'b') {
      for (int b = Math.max(lastQ + 1, 1); b < p.length; b++) {
        if (p[b] == 'b') {
          int t = textBefore(p, b);
          if (t >= 0) {
            cut(t + 1, kinds[alive[b]].rule);
            return;
          }
        }
      }
    }
    // start of the trailing [te]* run
    int s = p.length;
    while (s > 0 && (p[s - 1] == 't' || p[s - 1] == 'e')) {
      s--;
    }
    int trailingText = 0;
    for (int i = s; i < p.length; i++) {
      if (p[i] == 't') {
        trailingText++;
      }
    }
    if (trailingText >= 7) {
      return;
    }
    // leftmost b, preceded by e*t, with only [eqbh] between it and the trailing run
    int firstNonHistory = s; // scan back from s over [eqbh]
    while (firstNonHistory > 0 && "eqbh".indexOf(p[firstNonHistory - 1]) >= 0) {
      firstNonHistory--;
    }
    for (int b = firstNonHistory; b < s; b++) {
      if (p[b] == 'b') {
        int t = textBefore(p, b);
        if (t >= 0) {
          cut(t + 1, kinds[alive[b]].rule);
        }
        return;
      }
    }
  }

  /** /t[eq]*$/: a quote that ends the message after text. */
  private void trailingQuoteAfterText() {
    char[] p = pattern();
    int t = lastIndexOf(p, 't');
    if (t < 0 || t == p.length - 1) {
      return;
    }
    boolean quote = false;
    for (int i = t + 1; i < p.length; i++) {
      if (p[i] != 'e' && p[i] != 'q') {
        return;
      }
      quote |= p[i] == 'q';
    }
    if (quote) {
      cut(t + 1, "quote");
    }
  }

  /** Header fields whose values wrap: h-runs separated by at most three other lines join. */
  private void joinWrappedHeaders() {
    char[] p = pattern();
    int i = 0;
    while (i < p.length) {
      deadline.check();
      if (p[i] != 'h') {
        i++;
        continue;
      }
      int lastH = i;
      int j = i + 1;
      while (j < p.length && "hte".indexOf(p[j]) >= 0 && j - lastH <= 3) {
        if (p[j] == 'h') {
          lastH = j;
        }
        j++;
      }
      int headers = 0;
      for (int k = i; k <= lastH; k++) {
        if (p[k] == 'h') {
          headers++;
        }
      }
      if (headers >= 2) {
        for (int k = i; k <= lastH; k++) {
          if (p[k] != 'h') {
            markAsHeader(k);
          }
        }
      }
      i = lastH + 1;
    }
  }

  /** /t[eq]*h{3,}/: cut before the first block of three header fields that follows text. */
  private void headerBlockAfterText() {
    char[] p = pattern();
    for (int i = 0; i < p.length; i++) {
      if (p[i] != 't') {
        continue;
      }
      int j = i + 1;
      while (j < p.length && (p[j] == 'e' || p[j] == 'q')) {
        j++;
      }
      int h = j;
      while (h < p.length && p[h] == 'h') {
        h++;
      }
      if (h - j >= 3) {
        cut(i + 1, "header-block");
        return;
      }
    }
  }

  /**
   * Header blocks left over (a forwarded message's header at the top, a block between two
   * quotes) are removed: three or more fields anywhere, two or more at the top. Shorter runs
   * are the person's text ("From: server1" / "To: server2" in a log excerpt).
   */
  private void removeHeaderRuns() {
    char[] p = pattern();
    boolean[] remove = new boolean[p.length];
    int i = 0;
    boolean atTop = true;
    while (i < p.length) {
      int j = i;
      while (j < p.length && p[j] == 'h') {
        j++;
      }
      if (j - i >= 3 || (atTop && j - i >= 2)) {
        Arrays.fill(remove, i, j, true);
      }
      atTop &= j == i && p[i] == 'e';
      i = Math.max(j, i + 1);
    }
    removeWhere(remove, "header-block");
  }

  private void trailingQuotes() {
    char[] p = pattern();
    if (indexOf(p, 't', 0) < 0) {
      return;
    }
    int s = p.length;
    while (s > 0 && (p[s - 1] == 'e' || p[s - 1] == 'q')) {
      s--;
    }
    if (s < p.length && lastIndexOf(p, 'q') >= s) {
      cut(s, "quote");
    }
  }

  private void trailingRules() {
    int s = size;
    while (s > 0 && (code(s - 1) == 'r' || code(s - 1) == 'e')) {
      s--;
    }
    boolean anyRule = false;
    for (int i = s; i < size; i++) {
      anyRule |= code(i) == 'r';
    }
    if (anyRule) {
      cut(s, "separator");
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** Lines joined into a header block by {@link #joinWrappedHeaders} count as header lines. */
  private final java.util.BitSet headerOverride = new java.util.BitSet();

  private void markAsHeader(int position) {
    headerOverride.set(alive[position]);
  }

  private char code(int position) {
    int line = alive[position];
    if (headerOverride.get(line)) {
      return 'h';
    }
    return kinds[line].code;
  }

  /** The pattern of the live lines; rule lines read as text ('t') for the matching steps. */
  private char[] pattern() {
    deadline.check();
    char[] p = new char[size];
    for (int i = 0; i < size; i++) {
      char c = code(i);
      p[i] = c == 'r' ? 't' : c;
    }
    return p;
  }

  private int first(char c) {
    for (int i = 0; i < size; i++) {
      if (code(i) == c) {
        return i;
      }
    }
    return -1;
  }

  /** Index of the 't' before position b with only 'e' between, or -1. */
  private static int textBefore(char[] p, int b) {
    int t = b - 1;
    while (t >= 0 && p[t] == 'e') {
      t--;
    }
    return t >= 0 && p[t] == 't' ? t : -1;
  }

  private static int indexOf(char[] p, char c, int from) {
    for (int i = from; i < p.length; i++) {
      if (p[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(char[] p, char c) {
    for (int i = p.length - 1; i >= 0; i--) {
      if (p[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** Removes positions from..end; rule lines and blanks directly above go with the cut. */
  private void cut(int from, String rule) {
    while (from > 0 && (code(from - 1) == 'r' || code(from - 1) == 'e')) {
      from--;
    }
    removeRange(from, size, rule);
  }

  private void removeRange(int from, int to, String rule) {
    boolean[] remove = new boolean[size];
    Arrays.fill(remove, from, to, true);
    removeWhere(remove, rule);
  }

  private void removeAll(char c, String rule) {
    boolean[] remove = new boolean[size];
    for (int i = 0; i < size; i++) {
      remove[i] = code(i) == c;
    }
    removeWhere(remove, rule);
  }

  /** Removes the flagged positions; a line's own kind names the rule, else {@code rule}. */
  private void removeWhere(boolean[] remove, String rule) {
    int kept = 0;
    for (int i = 0; i < size; i++) {
      int line = alive[i];
      if (remove[i]) {
        String own = headerOverride.get(line) ? "header-block" : kinds[line].rule;
        ruleOf[line] = own != null ? own : rule != null ? rule : "quote";
      } else {
        alive[kept++] = line;
      }
    }
    size = kept;
  }
}
