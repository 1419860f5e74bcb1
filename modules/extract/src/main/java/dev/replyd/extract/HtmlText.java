package dev.replyd.extract;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;

/**
 * Renders HTML as readable plain text: paragraphs, line breaks, lists, quotes and links.
 *
 * <p>Contract: block elements start new lines ({@code p}, headings, lists, {@code blockquote},
 * {@code pre} and tables are set off by a blank line); {@code br} is a hard line break; list
 * items start with {@code "- "} or {@code "N. "}; each line inside a {@code blockquote} starts
 * with {@code "> "} so the plain-text rules still see it as a quote; {@code pre} keeps its
 * whitespace, inside a {@code ```} fence when it holds code (see {@code isCode}); other runs of whitespace collapse to one space; a link whose target differs from
 * its text is written {@code text (url)}; {@code head}, {@code script}, {@code style} and
 * images produce nothing. Leading and trailing blank lines are dropped.
 *
 * <p>Failures: none; jsoup accepts any input. Thread-safety: stateless; each call uses its own
 * {@link Renderer}.
 */
final class HtmlText {
  private HtmlText() {}

  static String render(String html) {
    return render(Jsoup.parse(html).body());
  }

  static String render(Element root) {
    Renderer renderer = new Renderer();
    renderer.node(root);
    return renderer.result();
  }

  private static final Set<String> SKIPPED =
      Set.of("head", "script", "style", "title", "template", "img", "svg", "object", "noscript");
  private static final Set<String> PARAGRAPHS = Set.of(
      "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "blockquote", "pre", "table", "hr");
  private static final Set<String> LINES = Set.of(
      "div", "li", "tr", "dt", "dd", "section", "article", "header", "footer", "address", "nav",
      "aside", "main", "figure", "figcaption", "form", "fieldset", "center", "caption", "tbody",
      "thead", "tfoot");

  /** Builds the text of one render call; confined to that call. */
  private static final class Renderer {
    private final StringBuilder out = new StringBuilder();
    private final Deque<int[]> lists = new ArrayDeque<>(); // {next number, or -1 for bullets}
    private int wantedBreaks;
    private int quoteDepth;
    private int preDepth;
    /** Whether the outermost open {@code pre} is code (fenced) or preformatted prose. */
    private boolean fencedPre;

    /** Walks the tree without recursion: mail HTML can nest deeper than the Java stack. */
    void node(Node root) {
      NodeTraversor.filter(new NodeFilter() {
        @Override
        public FilterResult head(Node node, int depth) {
          return open(node);
        }

        @Override
        public FilterResult tail(Node node, int depth) {
          close(node);
          return FilterResult.CONTINUE;
        }
      }, root);
    }

    private NodeFilter.FilterResult open(Node node) {
      if (node instanceof TextNode text) {
        text(preDepth > 0 ? text.getWholeText() : text.text());
        return NodeFilter.FilterResult.CONTINUE;
      }
      if (!(node instanceof Element element)) {
        return NodeFilter.FilterResult.SKIP_ENTIRELY;
      }
      String tag = element.normalName();
      if (SKIPPED.contains(tag)) {
        return NodeFilter.FilterResult.SKIP_ENTIRELY;
      }
      switch (tag) {
        case "br" -> {
          flushBreaks();
          out.append('\n');
          return NodeFilter.FilterResult.CONTINUE;
        }
        case "td", "th" -> space();
        default -> { }
      }
      blockBreak(tag);
      switch (tag) {
        case "blockquote" -> quoteDepth++;
        case "pre" -> {
          if (preDepth++ == 0) {
            fencedPre = isCode(element);
            if (fencedPre) {
              fence();
            }
          }
        }
        case "ul" -> lists.push(new int[] {-1});
        case "ol" -> lists.push(new int[] {1});
        case "li" -> {
          int[] list = lists.peek();
          if (list == null || list[0] < 0) {
            text("- ");
          } else {
            text(list[0]++ + ". ");
          }
        }
        default -> { }
      }
      return NodeFilter.FilterResult.CONTINUE;
    }

    private void close(Node node) {
      if (!(node instanceof Element element)) {
        return;
      }
      String tag = element.normalName();
      switch (tag) {
        case "a" -> link(element);
        case "blockquote" -> quoteDepth--;
        case "pre" -> {
          if (--preDepth == 0 && fencedPre) {
            fence();
          }
        }
        case "ul", "ol" -> lists.poll();
        default -> { }
      }
      if (!tag.equals("br")) {
        blockBreak(tag);
      }
    }

    private void blockBreak(String tag) {
      if (PARAGRAPHS.contains(tag)) {
        breaks(2);
      } else if (LINES.contains(tag)) {
        breaks(1);
      }
    }

    /**
     * Preformatted code becomes a fenced code block: the tracker renders Markdown, and the
     * plain-text rules never trim inside a fence.
     */
    private void fence() {
      breaks(1);
      flushBreaks();
      if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
        out.append('\n');
      }
      out.append("```\n");
    }

    /**
     * Whether a {@code pre} holds code: a {@code code} element inside, a class naming code or a
     * highlighter, or lines that look like code (half of them ending in a brace or semicolon, or
     * indented).
     * Other preformatted text (Thunderbird's plain-text body and signature, Outlook's plain
     * replies) is prose: its lines are kept as they are, without a fence.
     */
    private static boolean isCode(Element pre) {
      if (!pre.getElementsByTag("code").isEmpty()) {
        return true;
      }
      String cls = (pre.className() + " " + pre.attr("lang") + " " + pre.attr("data-lang")).toLowerCase(Locale.ROOT);
      if (cls.contains("moz-signature") || cls.contains("moz-quote-pre")) {
        return false;
      }
      if (cls.contains("code") || cls.contains("highlight") || cls.contains("language-") || cls.contains("lang-")
          || cls.contains("hljs") || cls.contains("prettyprint") || cls.contains("brush")) {
        return true;
      }
      String text = pre.wholeText();
      int lines = 0;
      int codeLike = 0;
      for (String line : text.split("\n", 200)) {
        String t = line.strip();
        if (t.isEmpty()) {
          continue;
        }
        lines++;
        char last = t.charAt(t.length() - 1);
        char first = t.charAt(0);
        if (last == '{' || last == '}' || last == ';' || first == '}' || first == '$' || first == '#'
            || line.startsWith("  ") || line.startsWith("\t") || t.startsWith("//")) {
          codeLike++;
        }
      }
      return lines > 0 && codeLike * 2 >= lines;
    }

    private void link(Element anchor) {
      String href = anchor.attr("href").trim();
      if (href.isEmpty() || href.startsWith("#") || href.toLowerCase(Locale.ROOT).startsWith("javascript:")) {
        return;
      }
      String label = anchor.text().trim();
      String bare = href.regionMatches(true, 0, "mailto:", 0, 7) ? href.substring(7) : href;
      if (label.isEmpty()) {
        text(bare);
      } else if (!sameTarget(label, href) && !sameTarget(label, bare)) {
        text(" (" + href + ")");
      }
    }

    private static boolean sameTarget(String label, String href) {
      String a = label.replaceFirst("/$", "");
      String b = href.replaceFirst("/$", "");
      return a.equalsIgnoreCase(b) || ("http://" + a).equalsIgnoreCase(b) || ("https://" + a).equalsIgnoreCase(b);
    }

    private void space() {
      if (out.length() > 0 && !Character.isWhitespace(out.charAt(out.length() - 1)) && wantedBreaks == 0) {
        out.append(' ');
      }
    }

    private void breaks(int count) {
      if (out.length() > 0) {
        wantedBreaks = Math.max(wantedBreaks, count);
      }
    }

    private void flushBreaks() {
      int trailing = 0;
      for (int i = out.length() - 1; i >= 0 && out.charAt(i) == '\n'; i--) {
        trailing++;
      }
      for (int i = trailing; i < wantedBreaks; i++) {
        out.append('\n');
      }
      wantedBreaks = 0;
    }

    private void text(String text) {
      if (text.isEmpty()) {
        return;
      }
      if (preDepth == 0) {
        boolean atLineStart = out.length() == 0 || out.charAt(out.length() - 1) == '\n' || wantedBreaks > 0;
        if (atLineStart) {
          text = text.stripLeading();
          if (text.isEmpty()) {
            return;
          }
        } else if (Character.isWhitespace(out.charAt(out.length() - 1)) && text.startsWith(" ")) {
          text = text.substring(1);
        }
      }
      flushBreaks();
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (quoteDepth > 0 && (out.length() == 0 || out.charAt(out.length() - 1) == '\n')) {
          out.append("> ".repeat(quoteDepth));
        }
        out.append(c == '\u00a0' && preDepth == 0 ? ' ' : c);
      }
    }

    String result() {
      String[] lines = out.toString().split("\n", -1);
      StringBuilder trimmed = new StringBuilder(out.length());
      for (String line : lines) {
        trimmed.append(line.stripTrailing()).append('\n');
      }
      return trimmed.toString().replaceAll("^\\n+", "").stripTrailing();
    }
  }
}
