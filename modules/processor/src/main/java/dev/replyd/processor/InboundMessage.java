package dev.replyd.processor;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * InboundMessage - the envelope and header facts of one stored message, read from the trace
 * headers the SMTP side prepends and from the message's own headers.
 *
 * <p>CONTRACT: the SMTP side writes {@code Return-Path:}, {@code Delivered-To:} and
 * {@code Received:} at the top of each file, so the FIRST occurrence of each is ours; later
 * ones came with the message (a forwarded mail may carry another Delivered-To) and are not
 * trusted. Values are unfolded and stripped of angle brackets. Missing headers give empty
 * optionals or nulls, never exceptions; only a message Jakarta Mail cannot read at all fails
 * with {@link MessagingException}.
 *
 * <p>STANDARDS: RFC 5321 section 4.4 (Return-Path, Received), RFC 5322 section 3.6 (From,
 * Subject, Message-ID, In-Reply-To, References), RFC 2047 (encoded words).
 *
 * <p>THREAD-SAFETY: immutable once built; built and used by one worker.
 */
final class InboundMessage {

  /** {@code from <helo> (... [ip])} in our own Received line. */
  private static final Pattern RECEIVED_FROM = Pattern.compile("^\\s*from\\s+(\\S+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern RECEIVED_IP = Pattern.compile("\\[(?:IPv6:)?([0-9A-Fa-f:.]+)\\]");
  private static final Pattern MSG_ID = Pattern.compile("<[^<>\\s]+>");

  private final String deliveredTo;
  private final Optional<String> mailFrom;
  private final String helo;
  private final String clientIp;
  private final String fromName;
  private final String fromAddress;
  private final String subject;
  private final String messageId;
  private final String inReplyTo;
  private final List<String> references;

  private InboundMessage(MimeMessage message) throws MessagingException {
    this.deliveredTo = first(message, "Delivered-To").map(InboundMessage::unbracket).orElse(null);
    this.mailFrom = first(message, "Return-Path").map(InboundMessage::unbracket);
    String received = first(message, "Received").orElse("");
    Matcher helo = RECEIVED_FROM.matcher(received);
    this.helo = helo.find() ? helo.group(1) : null;
    Matcher ip = RECEIVED_IP.matcher(received);
    this.clientIp = ip.find() ? ip.group(1) : null;
    InternetAddress from = parseFrom(message);
    this.fromName = from == null ? null : from.getPersonal();
    this.fromAddress =
        from != null ? from.getAddress() : first(message, "From").map(String::strip).orElse(null);
    this.subject = message.getSubject();
    this.messageId = first(message, "Message-ID").map(String::strip).orElse(null);
    this.inReplyTo = first(message, "In-Reply-To").map(String::strip).orElse(null);
    this.references = ids(first(message, "References").orElse(""));
  }

  static InboundMessage of(MimeMessage message) throws MessagingException {
    return new InboundMessage(message);
  }

  /** The recipient this copy was delivered to, from our Delivered-To; null if absent. */
  String deliveredTo() {
    return deliveredTo;
  }

  /** The envelope sender; present and empty for the null sender {@code <>}. */
  Optional<String> mailFrom() {
    return mailFrom;
  }

  String helo() {
    return helo;
  }

  String clientIp() {
    return clientIp;
  }

  String fromName() {
    return fromName;
  }

  String fromAddress() {
    return fromAddress;
  }

  String subject() {
    return subject;
  }

  String messageId() {
    return messageId;
  }

  String inReplyTo() {
    return inReplyTo;
  }

  List<String> references() {
    return references;
  }

  /** The local part of the recipient, lower-cased, for the postmaster check. */
  boolean isForPostmaster() {
    if (deliveredTo == null) {
      return false;
    }
    int at = deliveredTo.lastIndexOf('@');
    String local = at < 0 ? deliveredTo : deliveredTo.substring(0, at);
    return local.toLowerCase(Locale.ROOT).equals("postmaster");
  }

  static Optional<String> first(MimeMessage message, String name) throws MessagingException {
    String[] values = message.getHeader(name);
    if (values == null || values.length == 0) {
      return Optional.empty();
    }
    return Optional.of(MimeUtility.unfold(values[0]));
  }

  private static String unbracket(String value) {
    String v = value.strip();
    if (v.startsWith("<") && v.endsWith(">")) {
      v = v.substring(1, v.length() - 1).strip();
    }
    return v;
  }

  private static InternetAddress parseFrom(MimeMessage message) throws MessagingException {
    String raw = first(message, "From").orElse(null);
    if (raw == null) {
      return null;
    }
    try {
      InternetAddress[] parsed = InternetAddress.parseHeader(raw, false);
      if (parsed.length == 0) {
        return null;
      }
      InternetAddress address = parsed[0];
      String personal = address.getPersonal();
      if (personal != null) {
        // getPersonal() decodes RFC 2047 already; re-set to normalise whitespace.
        address.setPersonal(personal.strip(), "UTF-8");
      }
      return address;
    } catch (jakarta.mail.internet.AddressException | UnsupportedEncodingException malformed) {
      return null;
    }
  }

  private static List<String> ids(String header) {
    List<String> found = new ArrayList<>();
    Matcher m = MSG_ID.matcher(header);
    while (m.find()) {
      found.add(m.group());
    }
    return List.copyOf(found);
  }
}
