package dev.replyd.daemon;

import jakarta.activation.CommandMap;
import jakarta.activation.MailcapCommandMap;

/**
 * Pins Jakarta Mail's content handlers ahead of any {@code META-INF/mailcap} on the classpath.
 *
 * <p>Why: James Protocols needs {@code javax.mail} 1.6, whose mailcap maps text and multipart types
 * to {@code com.sun.mail.handlers}; when that jar is listed before Angus Mail, Jakarta Mail's
 * {@code getContent()}/{@code setText()} fail with a ClassCastException. Entries added in code are
 * consulted before every mailcap file, so this makes the outcome independent of classpath order.
 * Call once at start-up, before any message is parsed or built.
 */
final class JakartaMailcap {
  private JakartaMailcap() {}

  static void install() {
    MailcapCommandMap map = new MailcapCommandMap();
    String handlers = "org.eclipse.angus.mail.handlers.";
    map.addMailcap("text/plain;; x-java-content-handler=" + handlers + "text_plain");
    map.addMailcap("text/html;; x-java-content-handler=" + handlers + "text_html");
    map.addMailcap("text/xml;; x-java-content-handler=" + handlers + "text_xml");
    map.addMailcap("multipart/*;; x-java-content-handler=" + handlers + "multipart_mixed; x-java-fallback-entry=true");
    map.addMailcap("message/rfc822;; x-java-content-handler=" + handlers + "message_rfc822");
    CommandMap.setDefaultCommandMap(map);
  }
}
