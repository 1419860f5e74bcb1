package dev.replyd.extract;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Gives every line of a plain-text message a {@link LineKind}.
 *
 * <p>Contract: lines inside fenced code blocks (```) are {@link LineKind#CODE}. Attribution
 * lines are recognised over up to {@value #MAX_ATTRIBUTION_LINES} physical lines, never across a
 * blank line (clients wrap them, even around the address), after removing {@code >} quote marks, bold stars and dash decorations;
 * all lines of a recognised attribution get that kind. A line naming one of our own addresses
 * or host names and ending in a colon (or a known verb) is an attribution even without a date
 * or a verb in a language the rules know.
 *
 * <p>Performance: every pattern is linear (no nested quantifiers over the same characters) and
 * attribution patterns only ever see at most {@value #MAX_ATTRIBUTION_CHARS} characters, so one
 * line costs O(its length) whatever its content.
 *
 * <p>Thread-safety: immutable; patterns are precompiled and shared.
 */
final class LineClassifier {
  /** A wrapped attribution spans at most this many lines. */
  static final int MAX_ATTRIBUTION_LINES = 3;
  /** Address fragments a strong attribution start may still take, across blank lines. */
  static final int MAX_FRAGMENT_LINES = 3;
  static final int MAX_ATTRIBUTION_CHARS = 400;
  /** Quoted lines at least this long may have been re-wrapped by the replying client. */
  static final int LAZY_QUOTE_MIN_LENGTH = 60;
  /** "Name wrote:" without date or address is short; longer lines ending so are sentences. */
  static final int BARE_ATTRIBUTION_CHARS = 80;

  private static final Pattern QUOTE = Pattern.compile("^[ \\t]*+(?:>|[A-Za-z]{1,12}+>(?=[ \\t]|$)|\\|(?!.*\\|[ \\t]*$))");
  private static final Pattern FENCE = Pattern.compile("^[ \\t]*+(?:```|~~~)");

  private static final Vocabulary VOCABULARY = Vocabulary.DEFAULT;
  /** The last character of every verb, for a one-character rejection of most lines. */
  private static final String VERB_LAST_CHARS = VOCABULARY.wrote().stream()
      .map(v -> String.valueOf(v.charAt(v.length() - 1))).distinct().reduce("", String::concat);
  /** "… schrieb am <date>:" with the verb before the date; must end with a colon. */
  private static final Pattern VERB_THEN_COLON = Pattern.compile(
      "(?:^|[\\s,)>\"'])(?:" + String.join("|", VOCABULARY.wrote().stream().map(Pattern::quote).toList())
          + ")[\\s\\u00a0][^\\n]*[:：]$", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  private static final Pattern LEADING_ISO_DATE = Pattern.compile("^\\d{4}[/.-]\\d{1,2}[/.-]\\d{1,2}\\s");

  private static final Pattern GMAIL_DATE_NAME = Pattern.compile(
      "^\\d{4}[/.-]\\d{1,2}[/.-]\\d{1,2}\\.?\\s+\\d{1,2}:\\d{2}\\s*(?:GMT|UTC)[+-]\\d{1,2}(?::?\\d{2})?\\s+\\S");
  /** Header field names are short: a colon after this many characters is no field's. */
  private static final int MAX_LABEL_CHARS = 40;

  private final List<String> markers;
  private final List<String> ownAddresses;

  LineClassifier(List<String> markers, List<String> ownAddresses) {
    this.markers = markers.stream().map(String::strip).filter(m -> !m.isEmpty()).toList();
    this.ownAddresses = ownAddresses.stream()
        .map(a -> a.strip().toLowerCase(Locale.ROOT)).filter(a -> !a.isEmpty()).toList();
  }

  LineKind[] classify(String[] lines, Deadline deadline) {
    LineKind[] kinds = new LineKind[lines.length];
    boolean inFence = false;
    for (int i = 0; i < lines.length; i++) {
      deadline.check();
      if (kinds[i] != null) {
        continue; // already part of a multi-line attribution
      }
      String line = lines[i];
      if (FENCE.matcher(line).lookingAt()) {
        inFence = !inFence;
        kinds[i] = LineKind.CODE;
        continue;
      }
      if (inFence) {
        kinds[i] = LineKind.CODE;
        continue;
      }
      kinds[i] = single(line);
      if (kinds[i] == LineKind.TEXT || kinds[i] == LineKind.QUOTE) {
        int end = attributionEnd(lines, i);
        if (end >= i) {
          for (int j = i; j <= end; j++) {
            kinds[j] = LineKind.ATTRIBUTION;
          }
        }
      }
    }
    markLazyContinuations(lines, kinds);
    markBareAttributions(lines, kinds);
    return kinds;
  }

  /**
   * "Ada wrote:" has no date or address to go by, so alone it stays text ("Something wrote:"
   * inside a reply is not a cut point). Directly above quoted lines that end the mail it is an
   * attribution. (Linear overall: the "only quotes below" test stops at the first text line,
   * and is only reached for short lines ending in a verb and a colon.)
   */
  private static void markBareAttributions(String[] lines, LineKind[] kinds) {
    for (int i = 0; i < lines.length; i++) {
      if (kinds[i] != LineKind.TEXT && kinds[i] != LineKind.QUOTE) {
        continue;
      }
      String core = undecorated(lines[i]);
      if (core.isEmpty() || core.length() > BARE_ATTRIBUTION_CHARS
          || !(core.endsWith(":") || core.endsWith("：")) || !endsWithVerb(core)) {
        continue;
      }
      int next = i + 1;
      while (next < lines.length && kinds[next] == LineKind.EMPTY) {
        next++;
      }
      if (next < lines.length && kinds[next] == LineKind.QUOTE
          && quoteDepth(lines[next]) > quoteDepth(lines[i]) && onlyQuotesFrom(kinds, next)) {
        kinds[i] = LineKind.ATTRIBUTION;
      }
    }
  }

  /** True when nothing but quoted and blank lines follow: the history that ends a mail. */
  private static boolean onlyQuotesFrom(LineKind[] kinds, int from) {
    for (int i = from; i < kinds.length; i++) {
      if (kinds[i] != LineKind.QUOTE && kinds[i] != LineKind.EMPTY) {
        return false;
      }
    }
    return true;
  }

  private static int quoteDepth(String line) {
    int depth = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '>') {
        depth++;
      } else if (c != ' ' && c != '\t') {
        break;
      }
    }
    return depth;
  }

  /**
   * A client that re-wraps quoted text after adding {@code "> "} leaves the tail of a long
   * quoted line unquoted ("> … Nullam pharetra d" / "ignissim odio?" / ">"). Such a tail, right
   * below a long quoted line and right above another quoted line (or the end), is quote.
   */
  private static void markLazyContinuations(String[] lines, LineKind[] kinds) {
    for (int i = 1; i < lines.length; i++) {
      if (kinds[i] != LineKind.TEXT || kinds[i - 1] != LineKind.QUOTE
          || lines[i - 1].length() < LAZY_QUOTE_MIN_LENGTH) {
        continue;
      }
      int next = i + 1;
      while (next < lines.length && kinds[next] == LineKind.EMPTY) {
        next++;
      }
      boolean closed = next == lines.length || (next == i + 1 && kinds[next] == LineKind.QUOTE);
      if (closed && lines[i].length() < lines[i - 1].length()) {
        kinds[i] = LineKind.QUOTE;
      }
    }
  }

  private LineKind single(String line) {
    if (line.isBlank()) {
      return LineKind.EMPTY;
    }
    if (isMarker(line)) {
      return LineKind.MARKER;
    }
    if (isSignatureDelimiter(line)) {
      return LineKind.SIGNATURE;
    }
    if (isRule(line)) {
      return LineKind.RULE;
    }
    if (line.length() <= Vocabulary.MAX_FOOTER_CHARS * 2 && VOCABULARY.isFooter(line)) {
      return LineKind.FOOTER;
    }
    String core = undecorated(line);
    if (core.length() <= MAX_ATTRIBUTION_CHARS && VOCABULARY.isSeparator(core)) {
      return LineKind.SEPARATOR;
    }
    if (headerField(line) != null) {
      return LineKind.HEADER;
    }
    if (QUOTE.matcher(line).lookingAt()) {
      return LineKind.QUOTE;
    }
    return LineKind.TEXT;
  }

  private boolean isMarker(String line) {
    for (String marker : markers) {
      if (line.contains(marker)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A visual rule: two or more of {@code _ = + ~ # * — –} (spaces allowed), three or more
   * dashes, or the lone U+1427 some trackers append. A scan, not a regex: rule lines can be
   * thousands of characters long.
   */
  static boolean isRule(String line) {
    int marks = 0;
    int dashes = 0;
    int dots = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t') {
        continue;
      }
      if (c == '-') {
        dashes++;
      } else if (c == '\u1427') {
        dots++;
      } else if ("_=+~#*\u2014\u2013".indexOf(c) >= 0) {
        marks++;
      } else {
        return false;
      }
    }
    if (dots > 0) {
      return dots == 1 && marks == 0 && dashes == 0;
    }
    return dashes == 0 ? marks >= 2 : dashes + marks >= 3;
  }

  /**
   * The {@code "-- "} signature delimiter; also {@code "--"} alone and {@code "--"} followed by a
   * non-breaking space (what HTML editors and some mobile clients put for the trailing space).
   */
  static boolean isSignatureDelimiter(String line) {
    if (!line.startsWith("--")) {
      return false;
    }
    for (int i = 2; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c != ' ' && c != '\t' && c != '\u00a0') {
        return false;
      }
    }
    return line.length() <= 4;
  }

  /**
   * The header field a line starts with ("From: …", "**Von:** …", "发件人：…", "> Objet : …"),
   * or null: the text before the first colon (within {@value #MAX_LABEL_CHARS} characters),
   * without quote marks, bold stars and direction marks, must be a label of the vocabulary.
   */
  static Vocabulary.Field headerField(String line) {
    int limit = Math.min(line.length(), MAX_LABEL_CHARS + 8);
    int start = 0;
    while (start < limit && (" \t>*\u00a0".indexOf(line.charAt(start)) >= 0 || Vocabulary.isInvisibleMark(line.charAt(start)))) {
      start++;
    }
    for (int i = start; i < limit; i++) {
      char c = line.charAt(i);
      if (c == ':' || c == '：') {
        if (i == start || i - start > MAX_LABEL_CHARS) {
          return null;
        }
        String label = line.substring(start, i).replace("*", "");
        return VOCABULARY.headerField(label);
      }
    }
    return null;
  }

  /**
   * Returns the last line index of an attribution starting at {@code start}, or -1. A wrapped
   * attribution spans at most {@value #MAX_ATTRIBUTION_LINES} lines and no blank line: a longer
   * reach would swallow the end of the person's text (a phone number, a time in the last
   * sentence) into the attribution below it. The one exception is a strong start (a lead word
   * and a date: "On Thu, 31 Mar 2016 at 11:16 Some One") that some clients break around the
   * address: then up to {@value #MAX_FRAGMENT_LINES} more lines that are only address fragments
   * ("<", "mailto:… <…>", "> wrote:") may follow, blank lines between them included. When the
   * attribution also holds from its second line, and that line starts like one (a lead word or
   * a date), the first line is the person's (-1: the next line starts the attribution).
   */
  private int attributionEnd(String[] lines, int start) {
    StringBuilder joined = new StringBuilder();
    // Decided only when a second line is looked at: most lines end the search on their own.
    Boolean wrappable = null;
    Boolean strong = null;
    int texts = 0;
    int fragments = 0;
    boolean afterBlank = false;
    for (int j = start; j < lines.length && j < start + MAX_ATTRIBUTION_LINES + 2 * MAX_FRAGMENT_LINES; j++) {
      String part = undecorated(lines[j]);
      if (j == start && part.isEmpty()) {
        return -1;
      }
      if (j > start && FENCE.matcher(lines[j]).lookingAt()) {
        return -1;
      }
      if (j > start) {
        if (wrappable == null) {
          wrappable = canStartWrapped(lines[start]);
        }
        if (!wrappable) {
          return -1;
        }
      }
      if (part.isEmpty()) {
        if (strong == null) {
          strong = isStrongStart(lines[start]);
        }
        if (!strong) {
          return -1;
        }
        afterBlank = true;
        continue;
      }
      if (afterBlank || texts >= MAX_ATTRIBUTION_LINES) {
        if (strong == null) {
          strong = isStrongStart(lines[start]);
        }
        if (!strong || !isAddressFragment(part) || ++fragments > MAX_FRAGMENT_LINES) {
          return -1;
        }
      } else {
        texts++;
      }
      if (joined.length() > 0) {
        joined.append(' ');
      }
      joined.append(part);
      if (joined.length() > MAX_ATTRIBUTION_CHARS) {
        return -1;
      }
      if (mayEndAttribution(part, joined) && isAttribution(joined.toString())) {
        if (j > start && startsLikeAttribution(lines[start + 1]) && isAttribution(joinedFrom(lines, start + 1, j))) {
          return -1;
        }
        return afterBlank || fragments > 0 ? j : extendWrapped(lines, start, j, joined);
      }
      if (endsSentence(part)) {
        return -1; // a finished sentence that is no attribution: do not reach further
      }
    }
    return -1;
  }

  /** A lead word and a date or time: "On Thu, 31 Mar 2016 at 11:16", "Am 03.03.2016 um 17:21". */
  private static boolean isStrongStart(String line) {
    String core = undecorated(line);
    return VOCABULARY.startsWithLead(Vocabulary.fold(core)) && hasDateOrTime(core);
  }

  /**
   * A line that begins an attribution on its own: a lead word, or a date or time in its first
   * words ("ons 4 dec. 2024 kl. 20:42 …", "2024年1月1日(金) …"), not inside an address.
   */
  private static boolean startsLikeAttribution(String line) {
    String core = undecorated(line);
    if (core.isEmpty()) {
      return false;
    }
    String head = core.substring(0, Math.min(core.length(), 16));
    return VOCABULARY.startsWithLead(Vocabulary.fold(core)) || (hasDateOrTime(head) && head.indexOf('@') < 0
        && core.substring(0, Math.min(core.length(), 24)).indexOf('@') < 0);
  }

  /** A piece of an address broken over lines: "<", "mailto:A <a@b.org>", "> wrote:". */
  private static boolean isAddressFragment(String part) {
    return part.length() <= 80 && (part.indexOf('@') >= 0 || part.indexOf('<') >= 0 || part.indexOf('>') >= 0
        || endsWithVerb(part));
  }

  private static String joinedFrom(String[] lines, int from, int to) {
    StringBuilder joined = new StringBuilder();
    for (int k = from; k <= to; k++) {
      if (joined.length() > 0) {
        joined.append(' ');
      }
      joined.append(undecorated(lines[k]));
    }
    return joined.toString();
  }

  /**
   * An attribution found at line {@code end} may go on: "… Name <" then "addr>:" on the next
   * line. Takes following non-blank lines while the joined text still is an attribution ending
   * with a colon, within {@value #MAX_ATTRIBUTION_LINES} lines in all.
   */
  private int extendWrapped(String[] lines, int start, int end, StringBuilder joined) {
    int best = end;
    StringBuilder longer = new StringBuilder(joined);
    for (int k = end + 1; k < lines.length && k < start + MAX_ATTRIBUTION_LINES; k++) {
      String part = undecorated(lines[k]);
      if (part.isEmpty() || longer.length() + part.length() > MAX_ATTRIBUTION_CHARS) {
        break;
      }
      longer.append(' ').append(part);
      String text = longer.toString();
      if ((text.endsWith(":") || text.endsWith("：")) && isAttribution(text)) {
        best = k;
      }
    }
    return best;
  }

  /** A wrapped attribution starts with an attribution word, a date or time, or an address. */
  private static boolean canStartWrapped(String line) {
    String core = undecorated(line);
    return VOCABULARY.startsWithLead(Vocabulary.fold(core)) || hasDateOrTime(core)
        || hasAddress(core) || core.indexOf('<') >= 0;
  }

  /**
   * The cheap part of {@link #isAttribution}, on the newest line only: an attribution ends with
   * a colon or a verb, or starts with a digit. Saves copying the joined text for ordinary lines.
   */
  private static boolean mayEndAttribution(String part, CharSequence joined) {
    char last = part.charAt(part.length() - 1);
    return last == ':' || last == '：' || Character.isDigit(joined.charAt(0)) || endsWithVerb(part);
  }

  /** "much." ends a sentence; "28.", "Apr." and "Fr." (dates wrapped mid-way) do not. */
  private static boolean endsSentence(String part) {
    char last = part.charAt(part.length() - 1);
    if (last == '!' || last == '?' || part.endsWith("...") || part.endsWith("…")) {
      return true;
    }
    if (last != '.') {
      return false;
    }
    int wordStart = part.length() - 1;
    while (wordStart > 0 && Character.isLetter(part.charAt(wordStart - 1))) {
      wordStart--;
    }
    return part.length() - 1 - wordStart >= 4;
  }

  boolean isAttribution(String text) {
    boolean colon = text.endsWith(":") || text.endsWith("：");
    boolean verbLast = endsWithVerb(text);
    boolean digitFirst = !text.isEmpty() && Character.isDigit(text.charAt(0));
    if (!colon && !verbLast && !digitFirst) {
      return false; // the common case, decided without a regex
    }
    if ((colon || verbLast) && !ownAddresses.isEmpty()) {
      String lower = text.toLowerCase(Locale.ROOT);
      for (String own : ownAddresses) {
        if (lower.contains(own)) {
          return true;
        }
      }
    }
    boolean dated = hasDateOrTime(text);
    boolean address = hasAddress(text);
    if (verbLast) {
      return dated || address;
    }
    if (colon && (dated || address) && VERB_THEN_COLON.matcher(text).find()) {
      return true;
    }
    if (GMAIL_DATE_NAME.matcher(text).lookingAt()) {
      return true; // "2016-03-03 17:21 GMT+01:00 Some One": gmail without the address
    }
    if (address && dated && (colon || LEADING_ISO_DATE.matcher(text).lookingAt() && text.endsWith(">"))) {
      return true; // "2017-11-24 16:32 GMT+01:00 Name <addr>:" and "2013/7/20 name <addr>"
    }
    return false;
  }

  /** The line without leading quote marks, stars, dashes and underscores, nor trailing ones. */
  /** True when the text ends with a known verb (then optional spaces and a colon) after a word break. */
  static boolean endsWithVerb(String text) {
    int end = text.length();
    while (end > 0 && (text.charAt(end - 1) == ':' || text.charAt(end - 1) == '：'
        || Character.isWhitespace(text.charAt(end - 1)) || text.charAt(end - 1) == '\u00a0')) {
      end--;
    }
    if (end == 0 || VERB_LAST_CHARS.indexOf(Character.toLowerCase(text.charAt(end - 1))) < 0) {
      return false; // no verb ends with this character: skip the per-verb comparisons
    }
    int from = Math.max(0, end - 40);
    String tail = text.substring(from, end).toLowerCase(Locale.ROOT);
    for (String verb : VOCABULARY.wrote()) {
      if (tail.endsWith(verb)) {
        int before = tail.length() - verb.length() - 1;
        if (before < 0 ? from == 0 : " \t\u00a0,)>\"'".indexOf(tail.charAt(before)) >= 0
            || Character.isIdeographic(verb.codePointAt(0)) || !Character.isLetter(verb.charAt(0))
            || isCjk(verb)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean isCjk(String verb) {
    Character.UnicodeScript script = Character.UnicodeScript.of(verb.codePointAt(0));
    return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
        || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL;
  }

  /** An e-mail address somewhere in the text (linear scan from each '@'). */
  /**
   * True when the text holds a date or a time: what the regular expression
   * {@code \d{1,2}[:.h]\d{2}|\d{4}|\d{1,2}[./-]\d{1,2}} finds, as one pass over the text.
   * Every line of a message is tested, some twice, and java.util.regex tries each alternative
   * at each position: this scan was the largest single cost of processing a plain reply.
   */
  static boolean hasDateOrTime(CharSequence text) {
    int n = text.length();
    int i = 0;
    while (i < n) {
      if (!isAsciiDigit(text.charAt(i))) {
        i++;
        continue;
      }
      int end = i;
      while (end < n && isAsciiDigit(text.charAt(end))) {
        end++;
      }
      if (end - i >= 4) {
        return true;
      }
      if (end < n) {
        char separator = text.charAt(end);
        boolean oneDigitAfter = end + 1 < n && isAsciiDigit(text.charAt(end + 1));
        boolean twoDigitsAfter = oneDigitAfter && end + 2 < n && isAsciiDigit(text.charAt(end + 2));
        if ((separator == ':' || separator == 'h') && twoDigitsAfter
            || (separator == '.' || separator == '/' || separator == '-') && oneDigitAfter) {
          return true;
        }
      }
      i = end;
    }
    return false;
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean hasAddress(String text) {
    for (int at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
      if (at == 0 || !isAddressChar(text.charAt(at - 1))) {
        continue;
      }
      int dot = -1;
      int i = at + 1;
      while (i < text.length() && (isAddressChar(text.charAt(i)))) {
        if (text.charAt(i) == '.') {
          dot = i;
        }
        i++;
      }
      if (dot > at + 1 && dot < i - 1) {
        return true;
      }
    }
    return false;
  }

  private static boolean isAddressChar(char c) {
    return Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_' || c == '+' || c == '%';
  }

  static String undecorated(String line) {
    int start = 0;
    int end = line.length();
    while (start < end && (Character.isWhitespace(line.charAt(start)) || "\u00a0>*_=-".indexOf(line.charAt(start)) >= 0
        || Vocabulary.isInvisibleMark(line.charAt(start)))) {
      start++;
    }
    while (end > start && (Character.isWhitespace(line.charAt(end - 1)) || "\u00a0*_=-".indexOf(line.charAt(end - 1)) >= 0
        || Vocabulary.isInvisibleMark(line.charAt(end - 1)))) {
      end--;
    }
    return line.substring(start, end);
  }
}
