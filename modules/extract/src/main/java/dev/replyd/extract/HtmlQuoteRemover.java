package dev.replyd.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;

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
 * A region nested inside another one is not marked twice.
 *
 * <p>Thread-safety: stateless; works on the caller's document.
 */
final class HtmlQuoteRemover {
  static final String START = "\uE000";
  static final String END = "\uE001";
  static final String TO_END = "\uE002";

  private static final String CONTAINERS = "blockquote[type=cite], .gmail_quote, .gmail_attr, .moz-cite-prefix,"
      + " .yahoo_quoted, [id^=yahoo_quoted], .AppleOriginalContents, [id=isForwardContent]";
  private static final String TO_END_STARTS =
      "#divRplyFwdMsg, #appendonsend, #OLK_SRC_BODY_SECTION, [id=OLK_SRC_BODY_SECTION], #Signature ~ #divRplyFwdMsg";
  private static final Pattern HEADER_TEXT = Pattern.compile(
      "^\\s*(?:from|von|de|da|van|från|fra|od|от|de la|date|sent|envoyé|gesendet)\\s*:",
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

  private HtmlQuoteRemover() {}

  /** Inserts sentinels around quoted regions; returns how many regions were marked. */
  static int mark(Document doc) {
    List<Element> toEnd = new ArrayList<>(doc.select(TO_END_STARTS));
    for (Element hr : doc.select("hr")) {
      Node next = nextMeaningful(hr);
      if (next != null && HEADER_TEXT.matcher(textOf(next)).find()) {
        toEnd.add(hr);
      }
    }
    for (Element bordered : doc.select("div[style*=border-top]")) {
      if (HEADER_TEXT.matcher(bordered.text()).find()) {
        toEnd.add(bordered);
      }
    }
    int marked = 0;
    Element earliest = null;
    for (Element e : toEnd) {
      if (earliest == null || before(e, earliest)) {
        earliest = e;
      }
    }
    if (earliest != null) {
      earliest.before("<div>" + TO_END + "</div>");
      marked++;
    }
    for (Element e : doc.select(CONTAINERS)) {
      if (earliest != null && !before(e, earliest)) {
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

  private static boolean before(Element a, Element b) {
    // document order: compare by the index in a full traversal of the owner document
    Document doc = a.ownerDocument();
    if (doc == null) {
      return false;
    }
    for (Element e : doc.getAllElements()) {
      if (e == a) {
        return true;
      }
      if (e == b) {
        return false;
      }
    }
    return false;
  }

  private static Node nextMeaningful(Node node) {
    Node next = node.nextSibling();
    while (next != null && textOf(next).isBlank()) {
      next = next.nextSibling();
    }
    if (next == null && node.parent() instanceof Element parent && !parent.normalName().equals("body")) {
      return nextMeaningful(parent);
    }
    return next;
  }

  private static String textOf(Node node) {
    if (node instanceof Element e) {
      return e.text();
    }
    return node instanceof org.jsoup.nodes.TextNode t ? t.text() : "";
  }
}
