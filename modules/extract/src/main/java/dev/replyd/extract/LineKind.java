package dev.replyd.extract;

/**
 * What one line of a plain-text message looks like, before any decision about the whole mail.
 *
 * <p>Each kind has a one-letter code; {@link PlainTrimmer} reasons over the string of codes
 * (the approach of Discourse's email_reply_trimmer) and {@link #rule} names the {@link Removal}
 * rule used when a line of this kind is removed. Thread-safety: immutable enum.
 */
enum LineKind {
  TEXT('t', null),
  EMPTY('e', null),
  /** A {@code >} (or {@code |}, or supercite {@code Name>}) quoted line. */
  QUOTE('q', "quote"),
  /** "On … wrote:" and its relatives in other languages, possibly wrapped or quoted. */
  ATTRIBUTION('b', "attribution"),
  /** "-----Original Message-----", "Begin forwarded message:" and their translations. */
  SEPARATOR('b', "separator"),
  /** One field of an unquoted original-message header block ("From: …", "Objet : …"). */
  HEADER('h', "header-block"),
  /** The {@code "-- "} (or bare {@code "--"}) signature separator. */
  SIGNATURE('d', "signature"),
  /** A line of only punctuation ({@code ____}, {@code ====}, {@code ***}): a visual rule. */
  RULE('r', "separator"),
  /** "Sent from my iPhone" and other client footers. */
  FOOTER('s', "footer"),
  /** A configured "reply above this line" marker. */
  MARKER('m', "marker"),
  /** A line inside a fenced code block: always kept as written. */
  CODE('t', null);

  final char code;
  final String rule;

  LineKind(char code, String rule) {
    this.code = code;
    this.rule = rule;
  }
}
