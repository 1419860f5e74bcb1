package dev.replyd.extract;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;

/**
 * Finds quoted history in an HTML message at the DOM level, before it becomes text.
 *
 * <p>Contract: marks (does not delete) two kinds of regions, by inserting sentinel blocks that
 * {@link ReplyExtractor} recognises after rendering:
 * <ul>
 *   <li>single containers: {@code blockquote[type=cite]}, {@code .gmail_quote} (with the
 *       {@code .gmail_attr} attribution), Thunderbird's {@code .moz-cite-prefix}, Yahoo's
 *       {@code .yahoo_quoted} and Apple's {@code blockquote} inside {@code .AppleOriginalContents};
 *   <li>"from here to the end" starts: Outlook's {@code #divRplyFwdMsg} and {@code #appendonsend},
 *       Outlook for Mac's {@code OLK_SRC_BODY_SECTION}, an {@code <hr>} followed by a header
 *       field, and Outlook desktop's top-bordered block that starts with a header field.
 * </ul>
 * and signature containers ({@value #SIGNATURES}), marked with their own sentinels so the
 * removal says {@code signature}. A region nested inside another one is not marked twice.
 *
 * <p>Thread-safety: stateless; works on the caller's document.
 */
final class HtmlQuoteRemover {
  static final String START = "\uE000";
  static final String END = "\uE001";
  static final String TO_END = "\uE002";
  static final String SIGNATURE_START = "\uE003";
  static final String SIGNATURE_END = "\uE004";

  private static final String CONTAINERS = "blockquote[type=cite], .gmail_quote, .gmail_attr, .moz-cite-prefix,"
      + " .yahoo_quoted, [id^=yahoo_quoted], .AppleOriginalContents, [id=isForwardContent], .protonmail_quote,"
      + " .zmail_extra, [id=mail-editor-reference-message-container]";
  /**
   * Signature containers that hold what a {@code "-- "} line introduces in plain text: Gmail's
   * (the signature the user set up) and Thunderbird's (a div or a pre, the "-- " line inside).
   * Not Outlook's {@code id="Signature"} div: Outlook on the web puts the sign-off and name the
   * person types or picks there (often just "Thomas Smith"), which the policy keeps, like a
   * sign-off in plain text. Not Apple's {@code AppleMailSignature}: iOS Mail puts the typed
   * reply inside that div at times, and its usual content, "Sent from my iPhone", is a footer
   * the text rules remove anyway.
   */
  private static final String SIGNATURES = ".gmail_signature, [data-smartmail=gmail_signature], .moz-signature";
  private static final String TO_END_STARTS = "#divRplyFwdMsg, #appendonsend, [id=OLK_SRC_BODY_SECTION]";
  /** How much leading text is enough to recognise a header field after an {@code <hr>}. */
  private static final int LEADING_TEXT = 80;
  private static final Pattern HEADER_TEXT = Pattern.compile(
      "^\\s*(?:from|von|de|da|van|från|fra|od|от|de la|date|sent|envoyé|gesendet)\\s*:",
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

  private HtmlQuoteRemover() {}

  /** Inserts sentinels around quoted regions and signatures; returns how many regions were marked. */
  static int mark(Document doc) {
    return mark(doc, true);
  }

  /**
   * Inserts sentinels around quoted regions, and around signature containers when
   * {@code signatures} is true; returns how many regions were marked.
   */
  static int mark(Document doc, boolean signatures) {
    List<Element> toEnd = new ArrayList<>(doc.select(TO_END_STARTS));
    for (Element hr : doc.select("hr")) {
      if (HEADER_TEXT.matcher(textAfter(hr)).find()) {
        toEnd.add(hr);
      }
    }
    for (Element bordered : doc.select("div[style*=border-top]")) {
      if (HEADER_TEXT.matcher(leadingText(bordered)).find()) {
        toEnd.add(bordered);
      }
    }
    int marked = 0;
    Map<Element, Integer> order = new IdentityHashMap<>();
    for (Element e : doc.getAllElements()) {
      order.put(e, order.size());
    }
    Element earliest = null;
    for (Element e : toEnd) {
      if (earliest == null || order.get(e) < order.get(earliest)) {
        earliest = e;
      }
    }
    if (earliest != null) {
      earliest.before("<div>" + TO_END + "</div>");
      marked++;
    }
    for (Element e : doc.select(CONTAINERS)) {
      if (earliest != null && order.get(e) > order.get(earliest)) {
        continue;
      }
      if (hasMarkedAncestor(e)) {
        continue;
      }
      e.before("<div>" + START + "</div>");
      e.after("<div>" + END + "</div>");
      e.attr("data-replyd-quote", "1");
      marked++;
    }
    if (signatures) {
      for (Element e : doc.select(SIGNATURES)) {
        if ((earliest != null && order.get(e) > order.get(earliest)) || hasMarkedAncestor(e)) {
          continue;
        }
        e.before("<div>" + SIGNATURE_START + "</div>");
        e.after("<div>" + SIGNATURE_END + "</div>");
        e.attr("data-replyd-quote", "1");
        marked++;
      }
    }
    return marked;
  }

  private static boolean hasMarkedAncestor(Element e) {
    for (Element p = e.parent(); p != null; p = p.parent()) {
      if (p.hasAttr("data-replyd-quote")) {
        return true;
      }
    }
    return false;
  }

  /** The first {@value #LEADING_TEXT} characters of text after a node, in document order. */
  private static String textAfter(Node node) {
    StringBuilder text = new StringBuilder();
    for (Node n = node; n != null && text.length() < LEADING_TEXT; n = n.parent()) {
      for (Node next = n.nextSibling(); next != null && text.length() < LEADING_TEXT; next = next.nextSibling()) {
        appendText(next, text);
      }
      if (n.parent() instanceof Element parent && parent.normalName().equals("body")) {
        break;
      }
    }
    return text.toString();
  }

  /** The first {@value #LEADING_TEXT} characters of an element's text. */
  private static String leadingText(Element element) {
    StringBuilder text = new StringBuilder();
    appendText(element, text);
    return text.toString();
  }

  /** Appends text of the subtree until {@value #LEADING_TEXT} characters are collected. */
  private static void appendText(Node node, StringBuilder text) {
    NodeTraversor.filter(new NodeFilter() {
      @Override
      public FilterResult head(Node n, int depth) {
        if (text.length() >= LEADING_TEXT) {
          return FilterResult.STOP;
        }
        if (n instanceof TextNode t) {
          text.append(t.text()).append(' ');
        } else if (n instanceof Element e && e.normalName().equals("br")) {
          text.append(' ');
        }
        return FilterResult.CONTINUE;
      }
    }, node);
  }

}
