package dev.replyd.outbound;

import dev.replyd.maildir.FailureRecord;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * NoticeMessage - composes the failure notice a sender receives: why their reply was not posted, and that it
 * was kept.
 *
 * <p>Contract: {@link #compose} returns the RFC 5322 bytes of a plain-text UTF-8 message with From = the
 * outbound {@code from}, To = the sender, Subject {@code "Your reply could not be posted"} (followed by
 * {@code ": <original subject>"} when there was one), {@code Auto-Submitted: auto-replied},
 * {@code In-Reply-To} and {@code References} = the original Message-ID (when it is a well-formed
 * ASCII {@code <id>}), a fresh Message-ID in the HELO domain, and a body with one plain sentence for the reason, the
 * reference of the kept file, the support contact ({@code replyd.support}) when one is set, and a note that
 * replies to the notice are not read. The reply's own text is
 * never quoted (it could carry anything, and the sender has it), nor is the reason file's detail. When the
 * recipient or the From address is not ASCII (an SMTPUTF8 sender), the To and From fields are written as UTF-8
 * (RFC 6532, {@link OwnMailSession}), which {@link SmtpSubmission} sends only with SMTPUTF8;
 * otherwise every header field is ASCII. The body is {@code text/plain; charset=UTF-8} either way.
 *
 * <p>Failures: {@link IOException} if Jakarta Mail cannot build the message (not expected for validated
 * addresses). The original subject is cut to 200 characters and stripped of control characters, so a header
 * cannot be injected through it.
 *
 * <p>Standards: RFC 3834 (Auto-Submitted: auto-replied, section 5; In-Reply-To and References, section 3.1.5),
 * RFC 5322, RFC 2047 (encoded subject), RFC 6532 (UTF-8 address fields).
 *
 * <p>Thread-safety: stateless.
 */
final class NoticeMessage {

    static final String SUBJECT = "Your reply could not be posted";

    /** A msg-id of printable ASCII (RFC 5322 section 3.6.4); anything else is not threaded under. */
    private static final Pattern MESSAGE_ID = Pattern.compile("<[!-;=?-~]{1,900}>");
    private static final int MAX_SUBJECT = 200;

    private static final Map<String, String> WHY = Map.of(
            "empty_reply", "We found no text of your own in it, only quoted text, a signature or nothing at all. "
                    + "Please write your answer above the quoted message and send it again.",
            "too_large", "It is larger than the size we accept for replies. Please send it again without large "
                    + "attachments, or add them on the website instead.",
            "unparseable", "It could not be read: its format is damaged or not supported. Please send it again "
                    + "as plain text, or answer on the website.",
            "callback_rejected", "The tracker refused it, for example because the conversation is locked or you "
                    + "may no longer comment on it. Please answer on the website instead.",
            "retries_exhausted", "The tracker could not be reached for too long. Please send your reply again "
                    + "later, or answer on the website.",
            "deadline_exceeded", "It could not be read in time. It was kept for the administrators, who can "
                    + "process it again; if your reply does not appear on the website, please answer there.");

    private NoticeMessage() {
    }

    /** The notice for {@code failure}, from {@code outbound.from()} to {@code recipient}, without a support contact. */
    static byte[] compose(Outbound outbound, InternetAddress recipient, FailureRecord failure) throws IOException {
        return compose(outbound, recipient, failure, null);
    }

    /**
     * The notice for {@code failure}, from {@code outbound.from()} to {@code recipient}; {@code support}
     * ({@code replyd.support}, or null) is named as the place to get help.
     */
    static byte[] compose(Outbound outbound, InternetAddress recipient, FailureRecord failure, String support)
            throws IOException {
        Session session = OwnMailSession.of(outbound.from(), recipient.getAddress());
        String subject = clean(failure.subject());
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(outbound.from(), true));
            message.setRecipient(Message.RecipientType.TO, recipient);
            message.setSubject(subject.isEmpty() ? SUBJECT : SUBJECT + ": " + subject, "UTF-8");
            message.setSentDate(Date.from(Instant.now()));
            message.setHeader("Auto-Submitted", "auto-replied");
            String original = failure.messageId() == null ? "" : failure.messageId().strip();
            boolean threaded = MESSAGE_ID.matcher(original).matches();
            if (threaded) {
                message.setHeader("In-Reply-To", original);
                message.setHeader("References", original);
            }
            message.setText(body(failure, subject, threaded ? original : "", support), "UTF-8");
            message.saveChanges();
            message.setHeader("Message-ID", "<replyd-notice-" + UUID.randomUUID() + "@" + outbound.heloDomain() + ">");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            message.writeTo(bytes);
            return bytes.toByteArray();
        } catch (MessagingException e) {
            throw new IOException("could not build the notice: " + e.getMessage(), e);
        }
    }

    /** Why, in plain words, with what to do; only {@link NoticeSettings#NOTIFIABLE_REASONS} have one. */
    static String why(String reason) {
        String sentence = WHY.get(reason);
        if (sentence == null) {
            throw new IllegalArgumentException("reason: '" + reason + "' gets no notice (expected one of "
                    + NoticeSettings.NOTIFIABLE_REASONS + ")");
        }
        return sentence;
    }

    private static String body(FailureRecord failure, String subject, String messageId, String support) {
        StringBuilder text = new StringBuilder();
        text.append("Hello,\n\n");
        text.append("your reply");
        if (!subject.isEmpty()) {
            text.append(" \"").append(subject).append('"');
        }
        if (!messageId.isEmpty()) {
            text.append(" (").append(messageId).append(')');
        }
        text.append(" arrived, but it could not be posted.\n\n");
        text.append(why(failure.reason())).append("\n\n");
        text.append("Your message was kept; nothing was deleted. If you contact the administrators about it, "
                + "give them this reference: ").append(failure.deliveryId()).append("\n\n");
        if (support != null) {
            text.append("For help, contact: ").append(support).append("\n\n");
        }
        text.append("This notice was sent automatically. Replies to it are not read.\n");
        return text.toString();
    }

    private static String clean(String subject) {
        if (subject == null) {
            return "";
        }
        String flat = subject.replaceAll("\\p{Cntrl}+", " ").strip();
        return flat.length() > MAX_SUBJECT ? flat.substring(0, MAX_SUBJECT) + "..." : flat;
    }
}
