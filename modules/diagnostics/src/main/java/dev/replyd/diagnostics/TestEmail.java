package dev.replyd.diagnostics;

import dev.replyd.outbound.Outbound;
import dev.replyd.outbound.OwnMailSession;
import dev.replyd.outbound.SmtpSubmission;
import dev.replyd.outbound.SmtpSubmission.Problem;
import dev.replyd.outbound.SmtpSubmission.Result;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.UUID;
import javax.net.ssl.SSLSocketFactory;

/**
 * {@code replyd test-email}: sends one test message through the outbound relay ({@code replyd.outbound}) and
 * prints the whole SMTP conversation, the classic "Send test email" button.
 *
 * <p>Contract: checks {@code --to} and {@code replyd.outbound.from} first ({@link Problem#INVALID_ADDRESS}
 * naming the option or key, nothing sent), composes a short message from {@code from} to {@code to} with
 * {@code Auto-Submitted: auto-generated} (RFC 3834, so that vacation responders do not answer it) and hands
 * it to {@link SmtpSubmission} with {@code from} as envelope sender. The transcript, the {@link Result} and its
 * diagnosis are {@link SmtpSubmission}'s (credentials masked). A UTF-8 {@code --to} (or {@code from}) is written
 * as UTF-8 in the To (From) field ({@link OwnMailSession}) and sent only through a relay that offers SMTPUTF8;
 * another relay gets no message and the result is {@link Problem#SMTPUTF8_NOT_OFFERED}, saying so.
 *
 * <p>Failures: never throws for network or server trouble; a null argument is a {@link NullPointerException}.
 *
 * <p>Thread-safety: stateless; each call has its own connection.
 */
public final class TestEmail {

    private TestEmail() {
    }

    /** Sends the test message to {@code to} with a 30-second bound on each network step. */
    public static Result send(Outbound outbound, String to, PrintStream transcript) {
        return send(outbound, to, transcript, SmtpSubmission.DEFAULT_TIMEOUT);
    }

    /** As {@link #send(Outbound, String, PrintStream)} with {@code timeout} bounding the connect and each reply. */
    public static Result send(Outbound outbound, String to, PrintStream transcript, Duration timeout) {
        return send(outbound, to, transcript, timeout, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** As above, trusting what {@code tls} trusts (tests use a factory that trusts their own certificate). */
    static Result send(Outbound outbound, String to, PrintStream transcript, Duration timeout, SSLSocketFactory tls) {
        Objects.requireNonNull(outbound, "outbound");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(transcript, "transcript");
        byte[] message;
        InternetAddress sender;
        InternetAddress recipient;
        try {
            recipient = SmtpSubmission.address(to, "--to");
            sender = SmtpSubmission.address(outbound.from(), "replyd.outbound.from");
        } catch (AddressException e) {
            return notSent(transcript, new Result(Problem.INVALID_ADDRESS, e.getMessage(), ""));
        }
        try {
            message = message(sender, recipient, outbound);
        } catch (MessagingException e) {
            return notSent(transcript, new Result(Problem.PROTOCOL_ERROR, "could not build the test message: "
                    + e.getMessage(), ""));
        }
        return SmtpSubmission.send(outbound, sender.getAddress(), recipient.getAddress(), message, transcript,
                timeout, tls);
    }

    private static Result notSent(PrintStream transcript, Result result) {
        SmtpSubmission.note(transcript, result);
        return result;
    }

    private static byte[] message(InternetAddress from, InternetAddress to, Outbound o) throws MessagingException {
        Session session = OwnMailSession.of(from.getAddress(), to.getAddress());
        MimeMessage message = new MimeMessage(session);
        message.setFrom(from);
        message.setRecipient(Message.RecipientType.TO, to);
        message.setSubject("replyd test email", "UTF-8");
        message.setSentDate(new Date());
        message.setHeader("Auto-Submitted", "auto-generated");
        message.setText("This is a test message from replyd on " + o.heloDomain() + ", sent at " + Instant.now()
                + "\nthrough " + o.host() + ":" + o.port() + " by `replyd test-email`.\n\n"
                + "If you can read it, replyd can send mail through its outbound relay.\n", "UTF-8");
        message.saveChanges();
        message.setHeader("Message-ID", "<replyd-test-" + UUID.randomUUID() + "@" + o.heloDomain() + ">");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            message.writeTo(bytes);
        } catch (IOException e) {
            throw new MessagingException(e.getMessage(), e);
        }
        return bytes.toByteArray();
    }
}
