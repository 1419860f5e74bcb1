package dev.replyd.smtp;

import dev.replyd.maildir.Delivery;
import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.TracePrefix;
import java.io.IOException;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataCmdHandler;

/**
 * The DATA command: opens the Maildir delivery before answering 354, so the body streams to disk.
 *
 * <p>Contract:
 * <ul>
 * <li>DATA after a BDAT chunk in the same transaction → 503 5.5.1 (RFC 3030 2: not mixed).</li>
 * <li>DATA after MAIL but with no accepted recipient → 554 5.5.1 (RFC 5321 3.3: "no valid
 * recipients"); other sequence errors keep James's 503 replies.</li>
 * <li>Recipients to store (all accepted ones except discarded noreply) → {@link Maildir#begin} with one
 * {@link TracePrefix#recipientFields} per recipient, then the {@link TracePrefix#receivedField} as the
 * first body bytes (the storage contract, docs/architecture.md); logs {@code <id>: client=…}; answers 354.</li>
 * <li>Only discarded recipients → a discard-only envelope; the data is read and dropped, 250 at the dot.</li>
 * <li>The delivery cannot be opened (permissions, disk) → 451 4.3.0, the transaction stays open.</li>
 * </ul>
 * The envelope is attached under {@link DataCmdHandler#MAILENV}, where {@link ReceptionSession} finds
 * it to abort it if the session ends early.
 *
 * <p>Thread-safety: shared by all sessions; no mutable fields after wiring. Runs on the I/O thread
 * (creates one file per recipient).
 */
@SuppressWarnings("rawtypes") // DataCmdHandler#getMarkerInterfaces returns a raw List in James 3.8.1
final class StreamingDataCmdHandler extends DataCmdHandler {

    private final Maildir maildir;
    private final String hostname;
    private final Clock clock;

    StreamingDataCmdHandler(MetricFactory metricFactory, Maildir maildir, String hostname, Clock clock) {
        super(metricFactory);
        this.maildir = maildir;
        this.hostname = hostname;
        this.clock = clock;
    }

    /**
     * James switches STARTTLS injection detection off before it even checks DATA; when DATA is refused
     * no message body follows, so detection is switched back on at once (see {@link ReceptionSession}).
     */
    @Override
    public Response onCommand(SMTPSession session, Request request) {
        Response response = super.onCommand(session, request);
        if (!SmtpReplies.START_MAIL_INPUT.getRetCode().equals(response.getRetCode()) && !session.isTLSStarted()) {
            session.startDetectingCommandInjection();
        }
        return response;
    }

    @Override
    protected Response doDATAFilter(SMTPSession session, String argument) {
        boolean noArgument = argument == null || argument.isEmpty();
        if (noArgument && Transaction.of(session).isChunked()) {
            return SmtpReplies.DATA_AFTER_BDAT;
        }
        if (noArgument && ReceptionSession.inTransaction(session)
                && session.getAttachment(SMTPSession.RCPT_LIST, ProtocolSession.State.Transaction)
                        .map(List::isEmpty).orElse(true)) {
            return SmtpReplies.NO_VALID_RECIPIENTS;
        }
        return super.doDATAFilter(session, argument);
    }

    @Override
    protected Response doDATA(SMTPSession session, String argument) {
        MaildirEnvelope envelope;
        try {
            envelope = envelope(session);
        } catch (IOException | RuntimeException e) {
            MailLog.storageFailed(null, e);
            return SmtpReplies.STORAGE_FAILED;
        }
        session.setAttachment(MAILENV, envelope, ProtocolSession.State.Transaction);
        session.pushLineHandler(getLineHandler());
        ReceptionSession.of(session).expectMessageLines();
        return SmtpReplies.START_MAIL_INPUT;
    }

    /**
     * The envelope for the transaction's message (DATA, or the first BDAT chunk): a Maildir delivery
     * for the stored recipients, starting with the Received field, or a discard-only envelope.
     *
     * @throws IOException when the delivery cannot be opened (logged by the caller; 451 4.3.0)
     */
    MaildirEnvelope envelope(SMTPSession session) throws IOException {
        MaybeSender sender = session.getAttachment(SMTPSession.SENDER, ProtocolSession.State.Transaction)
                .orElse(MaybeSender.nullSender());
        List<MailAddress> accepted = session.getAttachment(SMTPSession.RCPT_LIST, ProtocolSession.State.Transaction)
                .orElse(List.of());
        List<MailAddress> stored = Transaction.of(session).stored();
        if (stored.isEmpty()) {
            return MaildirEnvelope.discarding(sender, Transaction.envelopeSender(session).orElse(""), accepted);
        }
        MaildirEnvelope envelope = open(session, sender, accepted, stored);
        MailLog.client(envelope.queueId().orElseThrow(), session);
        return envelope;
    }

    private MaildirEnvelope open(SMTPSession session, MaybeSender sender, List<MailAddress> accepted,
            List<MailAddress> stored) throws IOException {
        List<byte[]> prefixes = new ArrayList<>(stored.size());
        String from = Transaction.envelopeSender(session).orElse("");
        List<String> recipients = new ArrayList<>(stored.size());
        for (MailAddress recipient : stored) {
            recipients.add(recipient.asString());
            prefixes.add(TracePrefix.recipientFields(from, recipient.asString()));
        }
        Delivery delivery = maildir.begin(prefixes);
        String helo = session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection)
                .orElse(null);
        byte[] received = TracePrefix.receivedField(helo, session.getRemoteAddress(), withProtocol(session),
                session.getSSLSession(), hostname, delivery.queueId(), recipients, ZonedDateTime.now(clock));
        return MaildirEnvelope.storing(sender, from, accepted, stored, delivery, received);
    }

    /**
     * The "with" protocol of the Received field: RFC 3848's SMTP/ESMTP/ESMTPS (as the mail log names
     * it), or RFC 6531 3.7.4's UTF8SMTP/UTF8SMTPS for a transaction with the SMTPUTF8 parameter.
     */
    static String withProtocol(SMTPSession session) {
        String protocol = MailLog.protocol(session);
        if (!Transaction.of(session).isSmtpUtf8()) {
            return protocol;
        }
        return session.isTLSStarted() ? "UTF8SMTPS" : "UTF8SMTP";
    }
}
