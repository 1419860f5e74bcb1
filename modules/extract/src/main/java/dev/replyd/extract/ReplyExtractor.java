package dev.replyd.extract;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/**
 * Extracts the text a person actually wrote from a reply: strips quoted history, attribution
 * lines, original-message header blocks and separators, {@code "-- "} signatures, client footers
 * and everything below a configured marker line.
 *
 * <p>Contract: {@link #extract(MessageBody)} works on the plain body when there is one;
 * otherwise on the HTML body, where quote containers are first found at the DOM level
 * ({@link HtmlQuoteRemover}, rule {@code html-quote}) and the rest is rendered to text and
 * trimmed by the same plain-text rules. The result ({@link ReplyText}) carries the reply, the
 * full text and every removed line range with the rule that removed it. The policy (what is a
 * reply) is documented step by step on {@link PlainTrimmer}; line recognition is
 * {@link LineClassifier}, with the words of each language from {@link Vocabulary}.
 *
 * <p>Failures: never throws for any text. When the per-message {@link Settings#budget()} runs
 * out, the full text is returned as the reply with {@code budgetExceeded=true}.
 *
 * <p>Thread-safety: immutable; one instance is shared by all processor workers.
 */
public final class ReplyExtractor {
  private final Settings settings;
  private final LineClassifier classifier;

  /**
   * @param markers lines such as {@code "##- Please type your reply above this line -##"}; a line
   *     containing one cuts the message there
   * @param ownAddresses our reply domain, host names or addresses: seen in a line ending with a
   *     colon, they make it an attribution even in a language the rules do not know
   * @param budget time allowed per message
   */
  public record Settings(List<String> markers, List<String> ownAddresses, Duration budget) {
    public Settings {
      markers = List.copyOf(markers);
      ownAddresses = List.copyOf(ownAddresses);
      if (budget == null || budget.isNegative() || budget.isZero()) {
        throw new IllegalArgumentException("reply extraction budget: " + budget + " (expected: a positive duration, e.g. 200ms)");
      }
    }

    /** No markers, no own addresses, 200 ms per message. */
    public static Settings defaults() {
      return new Settings(List.of(), List.of(), Duration.ofMillis(200));
    }
  }

  public ReplyExtractor(Settings settings) {
    this.settings = settings;
    this.classifier = new LineClassifier(settings.markers(), settings.ownAddresses());
    warmUp();
  }

  /**
   * Loads and initialises jsoup, the regex engine and our classes once, with no time budget,
   * so the first real message is not cut short by class loading (a cold jsoup parse alone can
   * take longer than the whole budget).
   */
  private void warmUp() {
    Deadline none = Deadline.after(Duration.ofDays(1));
    String[] lines = WARM_UP_TEXT.split("\n", -1);
    trim(lines, new String[lines.length], none);
    HtmlQuoteRemover.mark(Jsoup.parse(WARM_UP_HTML));
    HtmlText.render(WARM_UP_HTML);
  }

  private static final String WARM_UP_TEXT =
      "Ok.\n\nOn Mon, 3 Mar 2025 at 10:12, A <a@example.org> wrote:\n> x\n-- \ns";
  private static final String WARM_UP_HTML =
      "<div>Ok <a href=\"https://example.org\">x</a></div><ul><li>y</li></ul><hr><b>From:</b> a"
          + "<blockquote type=\"cite\">z</blockquote>";

  /**
   * The reply of a message: its plain body if present, else its HTML body, else empty. A plain
   * body with nothing but whitespace next to an HTML body (some mobile clients send one) counts
   * as absent.
   */
  public ReplyText extract(MessageBody body) {
    if (body.plain().isPresent() && !(body.plain().get().isBlank() && body.html().isPresent())) {
      return extractPlain(body.plain().get());
    }
    if (body.html().isPresent()) {
      return extractHtml(body.html().get());
    }
    return extractPlain("");
  }

  public ReplyText extractPlain(String text) {
    Deadline deadline = Deadline.after(settings.budget());
    String[] lines = normalise(text).split("\n", -1);
    return trim(lines, new String[lines.length], deadline);
  }

  public ReplyText extractHtml(String html) {
    Deadline deadline = Deadline.after(settings.budget());
    ReplyText result = extractHtml(html, true, deadline);
    if (result.reply().isBlank() && !result.budgetExceeded()
        && result.removed().stream().anyMatch(r -> r.rule().equals("signature"))) {
      // everything was in a signature container: the person typed into it (some clients put
      // the cursor there); keep the text rather than lose it
      return extractHtml(html, false, deadline);
    }
    return result;
  }

  private ReplyText extractHtml(String html, boolean signatures, Deadline deadline) {
    String[] lines;
    String[] ruleOf;
    Document doc = Jsoup.parse(html); // linear; not interruptible, so checked right after
    try {
      deadline.check();
      HtmlQuoteRemover.mark(doc, signatures);
      deadline.check();
      String rendered = HtmlText.render(doc.body());
      List<String> kept = new ArrayList<>();
      List<String> rules = new ArrayList<>();
      boolean toEnd = false;
      int depth = 0;
      int signatureDepth = 0;
      for (String line : rendered.split("\n", -1)) {
        if (line.contains(HtmlQuoteRemover.TO_END)) {
          toEnd = true;
        }
        if (line.contains(HtmlQuoteRemover.START)) {
          depth++;
        }
        if (line.contains(HtmlQuoteRemover.SIGNATURE_START)) {
          signatureDepth++;
        }
        boolean end = line.contains(HtmlQuoteRemover.END);
        boolean signatureEnd = line.contains(HtmlQuoteRemover.SIGNATURE_END);
        String clean = line.replace(HtmlQuoteRemover.START, "").replace(HtmlQuoteRemover.END, "")
            .replace(HtmlQuoteRemover.TO_END, "").replace(HtmlQuoteRemover.SIGNATURE_START, "")
            .replace(HtmlQuoteRemover.SIGNATURE_END, "");
        if (clean.isBlank() && clean.length() != line.length()) {
          // a sentinel line of its own
        } else {
          kept.add(clean.stripTrailing());
          rules.add(toEnd || depth > 0 ? "html-quote" : signatureDepth > 0 ? "signature" : null);
        }
        if (end) {
          depth = Math.max(0, depth - 1);
        }
        if (signatureEnd) {
          signatureDepth = Math.max(0, signatureDepth - 1);
        }
      }
      lines = collapseBlankRuns(kept, rules);
      ruleOf = rules.toArray(new String[0]);
    } catch (Deadline.Exceeded e) {
      String full = HtmlText.render(doc.body()).replaceAll("(?m)^[\uE000-\uE004]+\n?", "");
      return new ReplyText(strip(full), full, List.of(), true);
    }
    return trim(lines, ruleOf, deadline);
  }

  /** Sentinel removal can leave several blank lines in a row; keep at most one. */
  private static String[] collapseBlankRuns(List<String> lines, List<String> rules) {
    for (int i = lines.size() - 1; i > 0; i--) {
      if (lines.get(i).isBlank() && lines.get(i - 1).isBlank()) {
        String rule = rules.get(i) != null ? rules.get(i) : rules.get(i - 1);
        lines.remove(i);
        rules.remove(i);
        rules.set(i - 1, rule);
      }
    }
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
      lines.remove(lines.size() - 1);
      rules.remove(rules.size() - 1);
    }
    while (!lines.isEmpty() && lines.get(0).isBlank()) {
      lines.remove(0);
      rules.remove(0);
    }
    return lines.toArray(new String[0]);
  }

  private ReplyText trim(String[] lines, String[] ruleOf, Deadline deadline) {
    String full = String.join("\n", lines);
    try {
      LineKind[] kinds = classifier.classify(lines, deadline);
      new PlainTrimmer(lines, kinds, ruleOf, deadline).run();
      closeGaps(lines, ruleOf);
      StringBuilder reply = new StringBuilder();
      for (int i = 0; i < lines.length; i++) {
        if (ruleOf[i] == null) {
          reply.append(lines[i]).append('\n');
        }
      }
      return new ReplyText(strip(reply.toString()), full, removals(ruleOf, lines), false);
    } catch (Deadline.Exceeded e) {
      return new ReplyText(strip(full), full, List.of(), true);
    }
  }

  /**
   * A block removed from between two paragraphs (an attribution above an inline quote, a footer)
   * leaves the blank line above it and the one below it: the second one goes with the block, so
   * the reply keeps the person's spacing. Blank runs the person typed are left alone.
   */
  private static void closeGaps(String[] lines, String[] ruleOf) {
    int previousKept = -1;
    for (int i = 0; i < lines.length; i++) {
      if (ruleOf[i] != null) {
        continue;
      }
      if (previousKept >= 0 && i > previousKept + 1 && lines[i].isBlank() && lines[previousKept].isBlank()) {
        ruleOf[i] = ruleOf[i - 1];
        continue;
      }
      previousKept = i;
    }
  }

  /**
   * Merges per-line rules into ranges. A removed blank line belongs to the removed block below
   * it (a blank line before a quote is part of the quote), or, at the end of a removed run, to
   * the block above it.
   */
  private static List<Removal> removals(String[] ruleOf, String[] lines) {
    String[] rules = Arrays.copyOf(ruleOf, ruleOf.length);
    boolean[] blank = new boolean[rules.length];
    for (int i = 0; i < rules.length; i++) {
      blank[i] = rules[i] != null && lines[i].isBlank();
    }
    for (int i = rules.length - 2; i >= 0; i--) {
      if (blank[i] && rules[i + 1] != null && !blank[i + 1]) {
        rules[i] = rules[i + 1];
        blank[i] = false;
      } else if (blank[i] && blank[i + 1] && rules[i + 1] != null) {
        rules[i] = rules[i + 1];
      }
    }
    for (int i = 1; i < rules.length; i++) {
      if (blank[i] && rules[i - 1] != null && !blank[i - 1]) {
        rules[i] = rules[i - 1];
        blank[i] = false;
      }
    }
    List<Removal> out = new ArrayList<>();
    int i = 0;
    while (i < rules.length) {
      if (rules[i] == null) {
        i++;
        continue;
      }
      int j = i;
      while (j + 1 < rules.length && rules[i].equals(rules[j + 1])) {
        j++;
      }
      out.add(new Removal(rules[i], i + 1, j + 1));
      i = j + 1;
    }
    return out;
  }

  static String normalise(String text) {
    return text.replace("\r\n", "\n").replace('\r', '\n');
  }

  /** Drops leading and trailing blank lines; lines keep their own whitespace (markdown breaks). */
  static String strip(String text) {
    String[] lines = text.split("\n", -1);
    int first = 0;
    int last = lines.length - 1;
    while (first <= last && lines[first].isBlank()) {
      first++;
    }
    while (last >= first && lines[last].isBlank()) {
      last--;
    }
    StringBuilder out = new StringBuilder();
    for (int i = first; i <= last; i++) {
      if (i > first) {
        out.append('\n');
      }
      out.append(lines[i]);
    }
    return out.toString();
  }
}
