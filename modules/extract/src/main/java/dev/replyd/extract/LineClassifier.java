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
 * or host names and ending in a colon is an attribution even without a known verb.
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

  private static final Pattern QUOTE = Pattern.compile("^[ \\t]*(?:>|[A-Za-z]{1,12}>(?![>=])|\\|(?!.*\\|[ \\t]*$))");
  private static final Pattern FENCE = Pattern.compile("^[ \\t]*(?:```|~~~)");
  private static final Pattern SIGNATURE = Pattern.compile("^--[ \\t]?$");
  private static final Pattern RULE = Pattern.compile(
      "^[ \\t]*(?:[_=+~#*\u2014\u2013][ \\t]*){2,}$|^[ \\t]*(?:-[ \\t]*){3,}$|^[ \\t]*\u1427[ \\t]*$");


  private static final String VERBS =
      "wrote|writes|has written|schrieb|schreef|het volgende geschreven|a écrit|a ecrit|escribió|escribio"
          + "|escreveu|ha scritto|ha escrit|skrev følgende|skrev|kirjoitti|napisał\\(a\\)|napisała|napisał|napisal"
          + "|napsal|napísal|написал\\(а\\)|написала|написал|написав|пише|пишет|pisze|írta|yazdı|έγραψε|כתב|كتب"
          + "|写道|寫道|のメッセージ|작성";
  /** "… wrote:" with the verb last (the colon is optional: some clients drop it). */
  private static final Pattern VERB_LAST = Pattern.compile(
      "(?:^|[\\s,)>\"'])(?:" + VERBS + ")[ \\t\\u00a0]*[:：]?$", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  /** "… schrieb am <date>:" with the verb before the date; must end with a colon. */
  private static final Pattern VERB_THEN_COLON = Pattern.compile(
      "(?:^|[\\s,)>\"'])(?:" + VERBS + ")[\\s\\u00a0][^\\n]*[:：]$", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  private static final Pattern ATTRIBUTION_START = Pattern.compile(
      "^(?:on|le|am|el|em|il|op|den|dne|dnia|w dniu|in data|il giorno|på|pe|u|в|在|at)\\s",
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  private static final Pattern DATE_OR_TIME = Pattern.compile("\\d{1,2}[:.h]\\d{2}|\\d{4}|\\d{1,2}[./-]\\d{1,2}");
  private static final Pattern EMAIL = Pattern.compile("[^\\s<>()\"'@]+@[^\\s<>()\"'@]+\\.[A-Za-z]{2,}");
  private static final Pattern LEADING_ISO_DATE = Pattern.compile("^\\d{4}[/.-]\\d{1,2}[/.-]\\d{1,2}\\s");

  private static final Pattern GMAIL_DATE_NAME = Pattern.compile(
      "^\\d{4}[/.-]\\d{1,2}[/.-]\\d{1,2}\\.?\\s+\\d{1,2}:\\d{2}\\s*(?:GMT|UTC)[+-]\\d{1,2}(?::?\\d{2})?\\s+\\S");
  private static final Pattern SEPARATOR = Pattern.compile(
      "^(?:original message|forwarded message|ursprüngliche nachricht|original-nachricht|originalnachricht"
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
      "^[ \\t>*]*(?:from|sent|to|cc|bcc|subject|date|reply-to|sent by|von|gesendet|an|betreff|datum|kopie"
          + "|antwort an|de|envoyé|envoyé le|envoyé par|à|a|objet|copie|copie à|message du|sujet|répondre à|date d'envoi"
          + "|da|inviato|oggetto|data|risposta|van|verzonden|aan|onderwerp|antwoord aan|från|skickat|till|ämne|kopia"
          + "|fra|sendt|til|emne|od|wysłano|do|temat|от|отправлено|кому|тема|дата|копия|para|enviado|enviada|asunto"
          + "|assunto|enviado el|lähettäjä|lähetetty|vastaanottaja|aihe|päivämäärä|feladó|küldve|címzett|tárgy"
          + "|发件人|发送时间|收件人|抄送|主题|日期|寄件者|傳送時間|收件者|副本|主旨|差出人|送信日時|宛先|件名"
          + "|보낸 사람|받는 사람|제목|날짜|gönderen|gönderildi|kime|konu|tarih|odesláno|komu|předmět)"
          + "[ \\t\\u00a0]*\\*?[ \\t\\u00a0]*[:：]",
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

  /** Starts of client footers; the rest of the line is judged by {@link #isFooter}. */
  private static final Pattern FOOTER_START = Pattern.compile(
      "^[\\s(<*_\\[]*(?:sent (?:from|via|with|using|by|on)\\b|sent from\\b|from my\\b|someone from mobile"
          + "|get (?:\\[)?outlook|envoyé (?:de|depuis|à partir de|avec|par|du)\\b|von meinem|gesendet (?:von|mit|vom)\\b"
          + "|diese nachricht wurde von|verstuurd (?:vanaf|met|van)\\b|verzonden (?:vanaf|met|van)\\b"
          + "|enviado (?:desde|do|de|con|com|a partir)\\b|inviato (?:da|dal|con)\\b|sendt fra\\b|skickat från\\b"
          + "|lähetetty\\b|wysłane z\\b|wysłano z\\b|отправлено (?:с|из)\\b|odesláno z\\b|从我的|從我的|发自我的|發自我的"
          + "|来自我的|來自我的|iPhoneから送信|my iphone)",
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
      if (FENCE.matcher(line).find()) {
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
    return kinds;
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
    if (RULE.matcher(line).matches()) {
      return LineKind.RULE;
    }
    if (isFooter(line)) {
      return LineKind.FOOTER;
    }
    String core = undecorated(line);
    if (core.length() <= MAX_ATTRIBUTION_CHARS && SEPARATOR.matcher(core).matches()) {
      return LineKind.SEPARATOR;
    }
    if (HEADER.matcher(line).find()) {
      return LineKind.HEADER;
    }
    if (QUOTE.matcher(line).find()) {
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

  /** A footer is a known start whose first clause is short, and either names a device or ends the line. */
  static boolean isFooter(String line) {
    if (line.length() > 200) {
      return false;
    }
    String trimmed = line.strip();
    if (!FOOTER_START.matcher(trimmed).find()) {
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
    for (int j = start; j < lines.length && j < start + MAX_JOIN; j++) {
      String part = undecorated(lines[j]);
      if (j > start && (FENCE.matcher(lines[j]).find())) {
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
      if (part.isEmpty() && j == start) {
        return -1;
      }
      if (!part.isEmpty() && isAttribution(joined.toString()) && (j == start || canStartWrapped(lines[start]))) {
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
    return ATTRIBUTION_START.matcher(core).find() || DATE_OR_TIME.matcher(core).find()
        || EMAIL.matcher(core).find() || core.indexOf('<') >= 0;
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
    String lower = text.toLowerCase(Locale.ROOT);
    boolean colon = text.endsWith(":") || text.endsWith("：");
    for (String own : ownAddresses) {
      if (colon && lower.contains(own)) {
        return true;
      }
    }
    boolean dated = DATE_OR_TIME.matcher(text).find();
    boolean address = EMAIL.matcher(text).find();
    boolean started = ATTRIBUTION_START.matcher(text).find();
    if (VERB_LAST.matcher(text).find()) {
      return dated || address || started && colon;
    }
    if (colon && (dated || address) && VERB_THEN_COLON.matcher(text).find()) {
      return true;
    }
    if (GMAIL_DATE_NAME.matcher(text).find()) {
      return true; // "2016-03-03 17:21 GMT+01:00 Some One": gmail without the address
    }
    if (address && dated && (colon || LEADING_ISO_DATE.matcher(text).find() && text.endsWith(">"))) {
      return true; // "2017-11-24 16:32 GMT+01:00 Name <addr>:" and "2013/7/20 name <addr>"
    }
    return false;
  }

  /** The line without leading quote marks, stars, dashes and underscores, nor trailing ones. */
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
