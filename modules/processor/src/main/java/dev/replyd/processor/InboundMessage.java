package dev.replyd.processor;

import dev.replyd.maildir.HeaderSection;
import dev.replyd.maildir.TracePrefix;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * InboundMessage - the header facts of one stored message (From, Subject, Message-ID, In-Reply-To,
 * References), beside the envelope facts of replyd's own trace prefix.
 *
 * <p>CONTRACT: the envelope (sender, recipient, client IP, HELO) is what {@link TracePrefix} read
 * from the leading fields the SMTP side wrote ({@link #envelope()}; the accessors
 * {@link #deliveredTo()}, {@link #mailFrom()}, {@link #clientIp()} and {@link #helo()} pass it on):
 * this class never parses replyd's own fields, and the same fields further down (a forwarded mail
 * carries its own Delivered-To) are never read. Header values are unfolded (in linear time,
 * {@link HeaderSection#unfold}). Missing headers give empty optionals or nulls, never exceptions;
 * only a message Jakarta Mail cannot read at all fails with {@link MessagingException}.
 *
 * <p>AUTHORS: {@link #fromAddresses} lists every address of every From field, in order. Only a
 * message with exactly one author (one From field, one mailbox, a real addr-spec) has a
 * {@link #fromAddress} and {@link #fromName}; with several, or none, both are null, so that no one
 * of several authors is ever reported as "the" sender (RFC 7489 6.6.1). An RFC 2047 encoded word
 * where the address should be is not an address (RFC 2047 section 5) and is left out.
 *
 * <p>SECURITY: the single-line texts (subject, display name, message ids) are passed through
 * {@link SafeText#singleLine}: decoded encoded words cannot smuggle line breaks or escapes.
 *
 * <p>STANDARDS: RFC 5322 section 3.6 (From,
 * Subject, Message-ID, In-Reply-To, References), RFC 2047 (encoded words).
 *
 * <p>THREAD-SAFETY: immutable once built; built and used by one worker.
 *
 * @param envelope the envelope facts of replyd's trace prefix
 * @param fromName the single author's display name; null when there are several authors, or none named
 * @param fromAddress the single author's address; null when there are several authors, or none with an address
 * @param fromAddresses every author address of every From field, in order; more than one means several authors
 * @param subject the Subject, RFC 2047 decoded, on one line; null when absent
 * @param messageId the Message-ID as written, on one line; null when absent
 * @param inReplyTo the In-Reply-To as written, on one line; null when absent
 * @param references the message ids of References, in order; empty when absent
 */
record InboundMessage(
    TracePrefix envelope,
    String fromName,
    String fromAddress,
    List<String> fromAddresses,
    String subject,
    String messageId,
    String inReplyTo,
    List<String> references) {

  private static final Pattern MSG_ID = Pattern.compile("<[^<>\\s]+>");

  static InboundMessage of(BoundedMimeMessage message) throws MessagingException {
    List<InternetAddress> authors = authors(message);
    List<String> addresses = new ArrayList<>(authors.size());
    for (InternetAddress author : authors) {
      if (isAddrSpec(author.getAddress())) {
        addresses.add(SafeText.singleLine(author.getAddress()));
      }
    }
    InternetAddress single = authors.size() == 1 && addresses.size() == 1 ? authors.get(0) : null;
    return new InboundMessage(
        message.trace(),
        single == null ? null : displayName(single),
        single == null ? null : addresses.get(0),
        List.copyOf(addresses),
        SafeText.singleLine(decodedWords(first(message, "Subject").orElse(null))),
        singleLine(message, "Message-ID"),
        singleLine(message, "In-Reply-To"),
        ids(first(message, "References").orElse("")));
  }

  /**
   * The facts of a file from its header section alone (the body is never read): for a message that
   * was not parsed whole (too large, unreadable), to name its sender in the reason file. Null when
   * even the header section cannot be read.
   */
  static InboundMessage ofHeaderSection(Path file, Session session) {
    try {
      return of(BoundedMimeMessage.headersOf(file, session));
    } catch (IOException | MessagingException | RuntimeException unreadable) {
      return null;
    }
  }

  /** The recipient this copy was delivered to, from our Delivered-To; null if absent. */
  String deliveredTo() {
    return envelope.recipient().orElse(null);
  }

  /** The envelope sender; present and empty for the null sender {@code <>}. */
  Optional<String> mailFrom() {
    return envelope.sender();
  }

  /** The client's HELO as our Received field recorded it; null if absent. */
  String helo() {
    return envelope.helo().orElse(null);
  }

  /** The client's IP address as our Received field recorded it; null if absent. */
  String clientIp() {
    return envelope.clientIp().orElse(null);
  }

  /** The local part of the recipient, lower-cased, for the postmaster check. */
  boolean isForPostmaster() {
    String deliveredTo = deliveredTo();
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
    return Optional.of(HeaderSection.unfold(values[0]));
  }

  /** The first field {@code name}, unfolded and on one line; null when absent. */
  private static String singleLine(MimeMessage message, String name) throws MessagingException {
    return first(message, name).map(SafeText::singleLine).orElse(null);
  }

  /** RFC 2047 words decoded; the text as it is when a charset is unknown; null stays null. */
  static String decodedWords(String text) {
    if (text == null) {
      return null;
    }
    try {
      return MimeUtility.decodeText(text);
    } catch (UnsupportedEncodingException unknownCharset) {
      return text;
    }
  }

  /** Every mailbox of every From field (group members included); unparseable fields count as one. */
  private static List<InternetAddress> authors(MimeMessage message) throws MessagingException {
    String[] fields = message.getHeader("From");
    List<InternetAddress> authors = new ArrayList<>();
    if (fields == null) {
      return authors;
    }
    for (String field : fields) {
      try {
        for (InternetAddress address : InternetAddress.parseHeader(HeaderSection.unfold(field), false)) {
          if (address.isGroup()) {
            for (Address member : address.getGroup(false)) {
              authors.add((InternetAddress) member);
            }
          } else {
            authors.add(address);
          }
        }
      } catch (AddressException malformed) {
        // Somebody wrote something here: an author we cannot name, never "no author".
        authors.add(new InternetAddress());
      }
    }
    return authors;
  }

  /** A mailbox address we can name: local@domain, not an encoded word (RFC 2047 section 5). */
  private static boolean isAddrSpec(String address) {
    if (address == null || address.contains("=?")) {
      return false;
    }
    int at = address.lastIndexOf('@');
    return at > 0 && at < address.length() - 1;
  }

  /** The display name, RFC 2047 decoded (getPersonal does that), on one line; null when absent. */
  private static String displayName(InternetAddress address) {
    String personal = address.getPersonal();
    if (personal == null) {
      return null;
    }
    String name = SafeText.singleLine(personal);
    return name.isEmpty() ? null : name;
  }

  private static List<String> ids(String header) {
    List<String> found = new ArrayList<>();
    Matcher m = MSG_ID.matcher(header);
    while (m.find()) {
      String id = m.group();
      if (id.chars().noneMatch(c -> Character.getType(c) == Character.CONTROL)) {
        found.add(id); // an id with control characters is no Message-ID (RFC 5322 3.6.4): dropped
      }
    }
    return List.copyOf(found);
  }
}
