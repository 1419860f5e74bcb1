package dev.replyd.extract;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The words mail clients write around a reply, per language, loaded once from the data files
 * {@code vocabulary/<language>.tsv} next to this class (listed in {@code vocabulary/languages.txt}).
 *
 * <p>Contract: each data line is {@code kind TAB phrase TAB source}, where source names the client
 * that writes the phrase. Kinds: {@code wrote} (a verb that ends an attribution: "wrote",
 * "schrieb", "写道"), {@code lead} (the first word of an attribution: "On", "Am"),
 * {@code header-<field>} (a label of an original-message header block: "Von" is
 * {@code header-from}), {@code separator} (a line of its own above an earlier message:
 * "Forwarded message"), {@code separator-original} (a separator above the message replied to:
 * "Original Message"), {@code footer} and {@code footer-device} (a client footer; {@code *}
 * stands for a short device or app name, which for {@code footer-device} must contain a word of
 * kind {@code device}). All matching is on {@link #fold folded} text: case, direction marks,
 * non-breaking spaces and runs of whitespace do not matter.
 *
 * <p>Performance: every lookup is a hash lookup or a check of the few footer patterns that share
 * the line's first or last two characters; no regular expression is tried along a line.
 *
 * <p>Failures: a missing or malformed data file is a packaging error and fails class
 * initialisation with the file and line named. Thread-safety: immutable after loading.
 */
final class Vocabulary {
  /** Header-block field roles. */
  enum Field { FROM, SENT, TO, CC, SUBJECT, DATE, REPLY_TO }

  /** A footer with at most one {@code *}: folded text before and after it. */
  private record Footer(String prefix, String suffix, boolean wildcard, boolean needsDevice) {}

  /** Longest footer line considered, in characters. */
  static final int MAX_FOOTER_CHARS = 120;
  /** What a {@code *} in a footer may stand for: a device or app name, not a clause. */
  private static final int MAX_WILDCARD_CHARS = 40;
  private static final int MAX_WILDCARD_WORDS = 5;

  static final Vocabulary DEFAULT = load();

  private final List<String> wrote;
  private final Set<String> leads;
  private final Map<String, Field> headerLabels;
  private final Set<String> separators;
  private final Set<String> originalMessage;
  private final Set<String> exactFooters;
  private final Map<String, List<Footer>> footersByStart;
  private final Map<String, List<Footer>> footersByEnd;
  private final List<String> devices;
  private final int languages;

  private Vocabulary(List<String> wrote, Set<String> leads, Map<String, Field> headerLabels,
      Set<String> separators, Set<String> originalMessage, List<Footer> footers, List<String> devices, int languages) {
    this.originalMessage = Set.copyOf(originalMessage);
    this.wrote = List.copyOf(wrote);
    this.leads = Set.copyOf(leads);
    this.headerLabels = Map.copyOf(headerLabels);
    this.separators = Set.copyOf(separators);
    this.devices = List.copyOf(devices);
    this.languages = languages;
    Set<String> exact = new HashSet<>();
    Map<String, List<Footer>> byStart = new HashMap<>();
    Map<String, List<Footer>> byEnd = new HashMap<>();
    for (Footer f : footers) {
      if (!f.wildcard()) {
        exact.add(f.prefix());
      } else if (f.prefix().length() >= 2) {
        byStart.computeIfAbsent(f.prefix().substring(0, 2), k -> new ArrayList<>()).add(f);
      } else {
        byEnd.computeIfAbsent(f.suffix().substring(f.suffix().length() - 2), k -> new ArrayList<>()).add(f);
      }
    }
    this.exactFooters = Set.copyOf(exact);
    this.footersByStart = Map.copyOf(byStart);
    this.footersByEnd = Map.copyOf(byEnd);
  }

  /** Attribution verbs, folded, longest first (so "napisał(a)" is tried before "napisał"). */
  List<String> wrote() {
    return wrote;
  }

  int languages() {
    return languages;
  }

  /** True when the folded text starts with an attribution lead word ("on …", "w dniu …"). */
  boolean startsWithLead(String folded) {
    int space = folded.indexOf(' ');
    if (space <= 0) {
      return false;
    }
    if (leads.contains(folded.substring(0, space))) {
      return true;
    }
    int second = folded.indexOf(' ', space + 1);
    return second > 0 && leads.contains(folded.substring(0, second));
  }

  /** The header field a label names ("Von", "发件人", "보낸 사람"), or null. */
  Field headerField(String label) {
    return headerLabels.get(fold(label));
  }

  /** True when the line, without decoration and a trailing colon, is a known separator. */
  boolean isSeparator(String core) {
    return separators.contains(separatorKey(core));
  }

  /** True when the line is an "Original Message" separator (of a reply, not of a forward). */
  boolean isOriginalMessage(String core) {
    return originalMessage.contains(separatorKey(core));
  }

  private static String separatorKey(String core) {
    String folded = fold(core);
    while (!folded.isEmpty() && (folded.endsWith(":") || folded.endsWith("："))) {
      folded = folded.substring(0, folded.length() - 1).stripTrailing();
    }
    return folded;
  }

  /**
   * True when the line is a client footer: the whole line (decoration, a trailing link and
   * closing punctuation aside), or its first clause when the line is short ("Sent from my
   * iPhone, please excuse typos").
   */
  boolean isFooter(String line) {
    if (line.length() > MAX_FOOTER_CHARS * 2) {
      return false;
    }
    String folded = footerCore(fold(line));
    if (folded.length() < 2 || folded.length() > MAX_FOOTER_CHARS) {
      return false;
    }
    if (matchesFooter(folded)) {
      return true;
    }
    int clauseEnd = clauseEnd(folded);
    if (clauseEnd > 0 && words(folded) <= 12) {
      // "Sent from my iPhone, please excuse typos", not "Sent from my desk, is much easier …"
      String clause = footerCore(folded.substring(0, clauseEnd));
      return namesDevice(clause) && matchesFooter(clause);
    }
    return false;
  }

  private boolean matchesFooter(String folded) {
    if (folded.length() < 2) {
      return false;
    }
    if (exactFooters.contains(folded)) {
      return true;
    }
    return anyWildcard(footersByStart.get(folded.substring(0, 2)), folded)
        || anyWildcard(footersByEnd.get(folded.substring(folded.length() - 2)), folded);
  }

  private boolean anyWildcard(List<Footer> candidates, String folded) {
    if (candidates == null) {
      return false;
    }
    for (Footer f : candidates) {
      int middleEnd = folded.length() - f.suffix().length();
      if (middleEnd < f.prefix().length() || !folded.startsWith(f.prefix()) || !folded.endsWith(f.suffix())) {
        continue;
      }
      String middle = folded.substring(f.prefix().length(), middleEnd).strip();
      // "…windows*" may stand alone ("Sent from Mail for Windows"); "sent from my *" needs its device
      boolean glued = !f.prefix().endsWith(" ") && !f.suffix().startsWith(" ");
      if ((middle.isEmpty() && !glued) || middle.length() > MAX_WILDCARD_CHARS || words(middle) > MAX_WILDCARD_WORDS
          || clauseEnd(middle) >= 0 || middle.indexOf(':') >= 0) {
        continue;
      }
      if (!f.needsDevice() || (!middle.isEmpty() && namesDevice(middle))) {
        return true;
      }
    }
    return false;
  }

  private boolean namesDevice(String middle) {
    for (String device : devices) {
      int at = middle.indexOf(device);
      while (at >= 0) {
        int end = at + device.length();
        boolean startsWord = at == 0 || !Character.isLetter(middle.charAt(at - 1));
        boolean endsWord = end == middle.length() || !Character.isLetter(middle.charAt(end));
        if (startsWord && endsWord) {
          return true;
        }
        at = middle.indexOf(device, at + 1);
      }
    }
    return false;
  }

  /** Index of the first sentence break (", ", ". ", "; ", "! ", "? ", "，", "。"), or -1. */
  private static int clauseEnd(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '，' || c == '。' || c == '！' || c == '？') {
        return i;
      }
      if ((c == ',' || c == '.' || c == ';' || c == '!' || c == '?') && i + 1 < text.length() && text.charAt(i + 1) == ' ') {
        return i;
      }
    }
    return -1;
  }

  private static int words(String text) {
    int words = 0;
    boolean inWord = false;
    for (int i = 0; i < text.length(); i++) {
      boolean space = text.charAt(i) == ' ';
      if (!space && !inWord) {
        words++;
      }
      inWord = !space;
    }
    return words;
  }

  /**
   * A footer line without its decoration: leading/trailing {@code * _ [ ] ( ) < > -}, a trailing
   * link ({@code (http…)}, {@code <http…>}, a bare URL) and closing punctuation.
   */
  private static String footerCore(String folded) {
    String s = folded;
    for (int round = 0; round < 3; round++) {
      int link = Math.max(s.indexOf("http://"), s.indexOf("https://"));
      if (link > 0) {
        s = s.substring(0, link);
      }
      s = s.replace("[", "").replace("]", "").replace("()", "");
      int start = 0;
      int end = s.length();
      while (start < end && "*_[(<- ".indexOf(s.charAt(start)) >= 0) {
        start++;
      }
      while (end > start && "*_])<>(-.!。！ ".indexOf(s.charAt(end - 1)) >= 0) {
        end--;
      }
      s = s.substring(start, end);
    }
    return s;
  }

  /**
   * Composed (NFC) when it holds combining accents, lower case, NBSP and other fixed spaces as spaces, direction and zero-width marks removed,
   * typographic apostrophes as {@code '}, whitespace runs as one space, trimmed.
   */
  static String fold(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '\u0300' && c <= '\u036f') {
        // decomposed accents (windows-1258 Vietnamese, macOS): compare composed
        text = java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFC);
        break;
      }
    }
    StringBuilder out = new StringBuilder(text.length());
    boolean space = false;
    boolean ascii = true;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (isInvisibleMark(c)) {
        continue;
      }
      if (Character.isWhitespace(c) || c == '\u00a0' || c == '\u2007' || c == '\u202f') {
        space = out.length() > 0;
        continue;
      }
      if (space) {
        out.append(' ');
        space = false;
      }
      if (c >= 'A' && c <= 'Z') {
        out.append((char) (c + ('a' - 'A')));
      } else {
        ascii &= c < 0x80;
        out.append(c == '\u2019' || c == '\u02bc' ? '\'' : c);
      }
    }
    // ASCII letters are lowered above; any other character needs String's rules (final sigma,
    // dotted capital I), which leave lowered ASCII as it is. Every line is folded several times,
    // and the second pass was a fifth of the reader thread's samples (JFR).
    return ascii ? out.toString() : out.toString().toLowerCase(Locale.ROOT);
  }

  /** Direction marks (LRM, RLM, embeddings, isolates), zero-width characters and the BOM. */
  static boolean isInvisibleMark(char c) {
    return (c >= '\u200b' && c <= '\u200f') || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069') || c == '\ufeff' || c == '\u061c';
  }

  // ---- loading ----------------------------------------------------------------------------

  private static Vocabulary load() {
    List<String> wrote = new ArrayList<>();
    Set<String> leads = new HashSet<>();
    Map<String, Field> headers = new HashMap<>();
    Set<String> separators = new HashSet<>();
    Set<String> originalMessage = new HashSet<>();
    List<Footer> footers = new ArrayList<>();
    List<String> devices = new ArrayList<>();
    List<String> languages = lines("vocabulary/languages.txt");
    for (String language : languages) {
      String file = "vocabulary/" + language + ".tsv";
      List<String> lines = lines(file);
      for (int n = 0; n < lines.size(); n++) {
        String[] f = lines.get(n).split("\t", -1);
        if (f.length != 3 || f[1].isBlank() || f[2].isBlank()) {
          throw new IllegalStateException(file + " line " + (n + 1) + ": expected kind TAB phrase TAB source");
        }
        String phrase = fold(f[1]);
        String kind = f[0];
        if (kind.startsWith("header-")) {
          headers.put(phrase, Field.valueOf(kind.substring(7).replace('-', '_').toUpperCase(Locale.ROOT)));
          continue;
        }
        switch (kind) {
          case "wrote" -> wrote.add(phrase);
          case "lead" -> leads.add(phrase);
          case "separator" -> separators.add(phrase);
          case "separator-original" -> {
            separators.add(phrase);
            originalMessage.add(phrase);
          }
          case "device" -> devices.add(phrase);
          case "footer", "footer-device" -> {
            int star = phrase.indexOf('*');
            if (star != phrase.lastIndexOf('*')) {
              throw new IllegalStateException(file + " line " + (n + 1) + ": at most one * in a footer");
            }
            footers.add(star < 0 ? new Footer(phrase, "", false, false)
                : new Footer(phrase.substring(0, star), phrase.substring(star + 1), true, kind.equals("footer-device")));
          }
          default -> throw new IllegalStateException(file + " line " + (n + 1) + ": unknown kind '" + kind + "'");
        }
      }
    }
    List<String> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(wrote));
    distinct.sort((a, b) -> Integer.compare(b.length(), a.length()));
    return new Vocabulary(distinct, leads, headers, separators, originalMessage, footers, devices, languages.size());
  }

  /** The non-comment, non-blank lines of a data file on the class path. */
  private static List<String> lines(String resource) {
    try (InputStream in = Vocabulary.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("reply-extraction vocabulary " + resource + " is missing from the class path");
      }
      List<String> out = new ArrayList<>();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(line.strip().isEmpty() ? line : line.replaceAll("\\s+$", ""));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("read reply-extraction vocabulary " + resource, e);
    }
  }
}
