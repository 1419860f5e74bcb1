package dev.replyd.processor;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.ParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * AutoReplyDetector - recognises mail that no person wrote (vacation notices, bounces, list
 * traffic), so that it is never posted and cannot start a mail loop with the tracker's
 * notifications.
 *
 * <p>CONTRACT: {@link #detect} returns the first matching signal as a detail for the reason
 * file, or empty for mail a person wrote. Signals, in order:
 * <ul>
 *   <li>null envelope sender ({@code Return-Path: <>}), as every bounce and DSN has;
 *   <li>{@code Auto-Submitted} with any value but {@code no} (RFC 3834 section 5);
 *   <li>{@code Precedence: bulk | junk | list | auto_reply};
 *   <li>{@code X-Autoreply} or {@code X-Autorespond} present (Exchange, cPanel, vacation(1)),
 *       unless its value is {@code no} or {@code false};
 *   <li>a delivery or disposition report: {@code multipart/report} (RFC 6522) or a top-level
 *       {@code message/delivery-status} (RFC 3464).
 * </ul>
 *
 * <p>THREAD-SAFETY: stateless.
 */
final class AutoReplyDetector {

  private static final Set<String> NOISY_PRECEDENCE = Set.of("bulk", "junk", "list", "auto_reply");

  private AutoReplyDetector() {}

  static Optional<String> detect(MimeMessage message, InboundMessage facts) throws MessagingException {
    if (facts.mailFrom().filter(String::isEmpty).isPresent()) {
      return Optional.of("null sender (Return-Path: <>)");
    }
    Optional<String> autoSubmitted = InboundMessage.first(message, "Auto-Submitted");
    if (autoSubmitted.isPresent() && !firstToken(autoSubmitted.get()).equals("no")) {
      return Optional.of("Auto-Submitted: " + autoSubmitted.get().strip());
    }
    Optional<String> precedence = InboundMessage.first(message, "Precedence");
    if (precedence.isPresent() && NOISY_PRECEDENCE.contains(firstToken(precedence.get()))) {
      return Optional.of("Precedence: " + precedence.get().strip());
    }
    for (String header : new String[] {"X-Autoreply", "X-Autorespond"}) {
      Optional<String> value = InboundMessage.first(message, header);
      if (value.isPresent()) {
        String token = firstToken(value.get());
        if (!token.equals("no") && !token.equals("false")) {
          return Optional.of(header + ": " + value.get().strip());
        }
      }
    }
    // Without a Content-Type a message is text/plain (RFC 2045 section 5.2), never a report; most
    // replies have one, but parsing an empty one would cost a ParseException per message.
    String rawType = InboundMessage.first(message, "Content-Type").orElse("");
    if (rawType.isBlank()) {
      return Optional.empty();
    }
    try {
      ContentType type = new ContentType(rawType);
      if (type.match("multipart/report") || type.match("message/delivery-status")) {
        return Optional.of("Content-Type: " + type.getBaseType().toLowerCase(Locale.ROOT)
            + (type.getParameter("report-type") == null ? "" : "; report-type=" + type.getParameter("report-type")));
      }
    } catch (ParseException unreadableType) {
      // An unreadable Content-Type is not a report; body selection decides if it is readable at all.
    }
    return Optional.empty();
  }

  /** The value up to the first ';', space or comment, lower-cased. */
  private static String firstToken(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    int end = 0;
    while (end < v.length() && ";( \t".indexOf(v.charAt(end)) < 0) {
      end++;
    }
    return v.substring(0, end);
  }
}
