package dev.replyd.extract;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Gives every line of a plain-text message a {@link LineKind}.
 *
 * <p>Contract: lines inside fenced code blocks (```) are {@link LineKind#CODE}. Attribution
 * lines are recognised over up to {@value #MAX_JOIN} physical lines (clients wrap them, even
 * around the address), after removing {@code >} quote marks, bold stars and dash decorations;
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
  static final int MAX_JOIN = 7;
  static final int MAX_ATTRIBUTION_CHARS = 400;
  /** Quoted lines at least this long may have been re-wrapped by the replying client. */
  static final int LAZY_QUOTE_MIN_LENGTH = 60;
  /** "Name wrote:" without date or address is short; longer lines ending so are sentences. */
  static final int BARE_ATTRIBUTION_CHARS = 80;

  private static final Pattern QUOTE = Pattern.compile("^[ \\t]*+(?:>|[A-Za-z]{1,12}+>(?=[ \\t]|$)|\\|(?!.*\\|[ \\t]*$))");
  private static final Pattern FENCE = Pattern.compile("^[ \\t]*+(?:```|~~~)");
  private static final Pattern SIGNATURE = Pattern.compile("^--[ \\t]?$");

  private static final String VERBS =
      "wrote|writes|has written|schrieb|schreef|het volgende geschreven|a écrit|a ecrit|escribió|escribio"
          + "|escreveu|ha scritto|ha escrit|skrev følgende|skrev|kirjoitti|napisał\\(a\\)|napisała|napisał|napisal"
          + "|napsal|napísal|написал\\(а\\)|написала|написал|написав|пише|пишет|pisze|írta|yazdı|έγραψε|כתב|كتب"
          + "|写道|寫道|のメッセージ|작성";
  /** The verbs again, lower-case and unescaped, for the cheap "ends with a verb" test. */
  private static final List<String> VERB_LIST = java.util.Arrays.stream(VERBS.split("\\|"))
      .map(v -> v.replace("\\", "").toLowerCase(Locale.ROOT)).toList();
  /** The last character of every verb, for a one-character rejection of most lines. */
  private static final String VERB_LAST_CHARS = VERB_LIST.stream()
      .map(v -> String.valueOf(v.charAt(v.length() - 1))).distinct().reduce("", String::concat);
  /** "… schrieb am <date>:" with the verb before the date; must end with a colon. */
  private static final Pattern VERB_THEN_COLON = Pattern.compile(
      "(?:^|[\\s,)>\"'])(?:" + VERBS + ")[\\s\\u00a0][^\\n]*[:：]$", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  private static final Pattern ATTRIBUTION_START = Pattern.compile(
      "^(?:on|le|am|el|em|il|op|den|dne|dnia|w dniu|in data|il giorno|på|pe|u|в|在|at)\\s",
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  private static final Pattern LEADING_ISO_DATE = Pattern.compile("^\\d{4}[/.-]\\d{1,2}[/.-]\\d{1,2}\\s");

  private static final Pattern GMAIL_DATE_NAME = Pattern.compile(
      "^\\d{4}[/.-]\\d{1,2}[/.-]\\d{1,2}\\.?\\s+\\d{1,2}:\\d{2}\\s*(?:GMT|UTC)[+-]\\d{1,2}(?::?\\d{2})?\\s+\\S");
  private static final Pattern SEPARATOR = Pattern.compile(
      "^(?:original message|original e-?mail|forwarded message|forwarded e-?mail|mail original|e-mail original"
          + "|ursprüngliche e-mail|weitergeleitete e-mail|originele e-mail|doorgestuurde e-mail|correo original"
          + "|e-mail originale|alkuperäinen sähköposti|původní e-mail|ursprüngliche nachricht|original-nachricht|originalnachricht"
          + "|weitergeleitete nachricht|mensaje original|mensaje reenviado|message d'origine|message d’origine"
          + "|message original|message transféré|messaggio originale|messaggio inoltrato|oorspronkelijk bericht"
          + "|doorgestuurd bericht|originalmeddelande|ursprungligt meddelande|vidarebefordrat meddelande"
          + "|oprindelig besked|oprindelig meddelelse|videresendt meddelelse|opprinnelig melding|videresendt melding"
          + "|alkuperäinen viesti|välitetty viesti|wiadomość oryginalna|oryginalna wiadomość|przekazana wiadomość"
          + "|исходное сообщение|пересылаемое сообщение|původní zpráva|přeposlaná zpráva|mensagem original"
          + "|mensagem encaminhada|eredeti üzenet|továbbított üzenet|原始邮件|原始郵件|转发的邮件|転送メッセージ"
          + "|元のメッセージ|reply message|begin forwarded message|début du message réexpédié|debut du message reexpedie"
          + "|anfang der weitergeleiteten nachricht|inicio del mensaje reenviado|início da mensagem reencaminhada)"
          + "[ \\t]*[:：]?$",
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

  private static final Pattern HEADER = Pattern.compile(
      "^[ \\t>*]*+(?:from|sent|to|cc|bcc|subject|date|reply-to|sent by|von|gesendet|an|betreff|datum|kopie"
          + "|antwort an|de|envoyé|envoyé le|envoyé par|à|a|objet|copie|copie à|message du|sujet|répondre à|date d'envoi"
          + "|da|inviato|oggetto|data|risposta|van|verzonden|aan|onderwerp|antwoord aan|från|skickat|till|ämne|kopia"
          + "|fra|sendt|til|emne|od|wysłano|do|temat|от|отправлено|кому|тема|дата|копия|para|enviado|enviada|asunto"
          + "|assunto|enviado el|lähettäjä|lähetetty|vastaanottaja|aihe|päivämäärä|feladó|küldve|címzett|tárgy"
          + "|发件人|发送时间|收件人|抄送|主题|日期|寄件者|傳送時間|收件者|副本|主旨|差出人|送信日時|宛先|件名"
          + "|보낸 사람|받는 사람|보낸 날짜|참조|제목|날짜|gönderen|kimden|gönderildi|kime|konu|tarih|bilgi"
          + "|odesláno|komu|předmět|elküldve|másolat|από|στάλθηκε|προς|θέμα|ημερομηνία|κοιν\\.|من|تم الإرسال|إلى"
          + "|الموضوع|التاريخ|نسخة|מאת|נשלח|אל|נושא|תאריך|עותק|від|надіслано|тема|trimis|către|subiect"
          + "|từ|đã gửi|đến|chủ đề|dari|dikirim|kepada|perihal|subjek|enviat|per a|assumpte|šalje|poslano"
          + "|prima|predmet)"
          + "[ \\t\\u00a0]*+\\*?[ \\t\\u00a0]*+[:：]",
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

  /** Starts of client footers; the rest of the line is judged by {@link #isFooter}. */
  private static final Pattern FOOTER_START = Pattern.compile(
      "^[\\s(<*_\\[]*+(?:sent (?:from|via|with|using|by|on)\\b|sent from\\b|from my\\b|someone from mobile"
          + "|get (?:\\[)?outlook|envoyé (?:de|depuis|à partir de|avec|par|du)\\b|von meinem|gesendet (?:von|mit|vom)\\b"
          + "|diese nachricht wurde von|verstuurd (?:vanaf|met|van)\\b|verzonden (?:vanaf|met|van)\\b"
          + "|enviado (?:desde|do|de|con|com|a partir)\\b|inviato (?:da|dal|con)\\b|sendt fra\\b|skickat från\\b"
          + "|lähetetty\\b|wysłane z\\b|wysłano z\\b|отправлено (?:с|из)\\b|odesláno z\\b|从我的|從我的|发自我的|發自我的"
          + "|来自我的|來自我的|my iphone|(?:iphone|ipad|android|galaxy|samsung)\\S{0,10}\\s?(?:から送信|에서 보냄|\\S{0,6} gönderildi))",
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  private static final Pattern DEVICE = Pattern.compile(
      "iphone|ipad|ipod|android|mobile|phone|cell|device|blackberry|samsung|galaxy|htc|nokia|windows|mail|outlook"
          + "|yahoo|aol|airmail|mailbox|sparrow|typeapp|tablet|\\bpc\\b|huawei|xiaomi|pixel|nexus|motorola|sony|wiko"
          + "|verizon|handy|smartphone|téléphone|telefon|móvil|movil|celular|portable|mobil|k-9|proton|spark|newton"
          + "|superhuman|edison|bluemail|gmail|iOS",
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  private static final Pattern SENTENCE_BREAK = Pattern.compile("[,.;!?]\\s");

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
    if (SIGNATURE.matcher(line).matches()) {
      return LineKind.SIGNATURE;
    }
    if (isRule(line)) {
      return LineKind.RULE;
    }
    if (isFooter(line)) {
      return LineKind.FOOTER;
    }
    String core = undecorated(line);
    if (core.length() <= MAX_ATTRIBUTION_CHARS && SEPARATOR.matcher(core).matches()) {
      return LineKind.SEPARATOR;
    }
    if (colonNearStart(line) && HEADER.matcher(line).lookingAt()) {
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

  /** Header field names are short: no colon in the first 40 characters means no header field. */
  private static boolean colonNearStart(String line) {
    int limit = Math.min(line.length(), 60);
    for (int i = 0; i < limit; i++) {
      char c = line.charAt(i);
      if (c == ':' || c == '：') {
        return true;
      }
    }
    return false;
  }

  /** A footer is a known start whose first clause is short, and either names a device or ends the line. */
  static boolean isFooter(String line) {
    if (line.length() > 200) {
      return false;
    }
    String trimmed = line.strip();
    if (!FOOTER_START.matcher(trimmed).lookingAt()) {
      return false;
    }
    var breakAt = SENTENCE_BREAK.matcher(trimmed);
    String clause = breakAt.find() ? trimmed.substring(0, breakAt.start()) : trimmed;
    boolean endsLine = clause.length() == trimmed.length()
        || trimmed.substring(clause.length()).replaceAll("[\\s.,;!?)>]+", "").isEmpty();
    int words = clause.split("\\s+").length;
    return words <= 10 && (endsLine || DEVICE.matcher(clause).find());
  }

  /**
   * Returns the last line index of an attribution starting at {@code start}, or -1. Joins up
   * to {@value #MAX_JOIN} lines (blank ones included: some clients break around the address).
   */
  private int attributionEnd(String[] lines, int start) {
    StringBuilder joined = new StringBuilder();
    // Decided only when a second line is looked at: most lines end the search on their own.
    Boolean wrappable = null;
    for (int j = start; j < lines.length && j < start + MAX_JOIN; j++) {
      String part = undecorated(lines[j]);
      if (j > start && (FENCE.matcher(lines[j]).lookingAt())) {
        return -1;
      }
      if (!part.isEmpty()) {
        if (joined.length() > 0) {
          joined.append(' ');
        }
        joined.append(part);
      }
      if (joined.length() > MAX_ATTRIBUTION_CHARS) {
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
      if (part.isEmpty() && j == start) {
        return -1;
      }
      if (!part.isEmpty() && mayEndAttribution(part, joined) && isAttribution(joined.toString())) {
        return extendWrapped(lines, j, joined);
      }
      if (!part.isEmpty() && endsSentence(part)) {
        return -1; // a finished sentence that is no attribution: do not reach further
      }
    }
    return -1;
  }

  /**
   * An attribution found at line {@code end} may go on: "… Name <" then "addr>:" on the next
   * line. Takes following non-blank lines while the joined text still is an attribution ending
   * with a colon.
   */
  private int extendWrapped(String[] lines, int end, StringBuilder joined) {
    int best = end;
    StringBuilder longer = new StringBuilder(joined);
    for (int k = end + 1; k < lines.length && k <= end + 2; k++) {
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
    return ATTRIBUTION_START.matcher(core).lookingAt() || hasDateOrTime(core)
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
    for (String verb : VERB_LIST) {
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
    while (start < end && (Character.isWhitespace(line.charAt(start)) || "\u00a0>*_=-".indexOf(line.charAt(start)) >= 0)) {
      start++;
    }
    while (end > start && (Character.isWhitespace(line.charAt(end - 1)) || "\u00a0*_=-".indexOf(line.charAt(end - 1)) >= 0)) {
      end--;
    }
    return line.substring(start, end);
  }
}
