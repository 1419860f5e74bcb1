package dev.replyd.smtp;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.apache.james.core.MailAddress;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MessageHook;

/**
 * Ends a received message: commits the Maildir delivery and only then answers 250.
 *
 * <p>Contract (the reply to the final dot is this hook's result; James writes it after we return):
 * <ul>
 * <li>stored recipients, commit succeeds (every file fsynced, renamed into new/, new/ fsynced) →
 * {@code 250 2.0.0 Ok: queued as <id>}; logs from=…, size, nrcpt and one to=… line per recipient;</li>
 * <li>a write failed during DATA, or commit throws → the delivery is aborted (no file left in new/),
 * {@code 451 4.3.0}; the client keeps the message and retries;</li>
 * <li>discard-only (every recipient was noreply with discard on) → {@code 250 2.0.0 Ok: discarded},
 * nothing stored.</li>
 * </ul>
 * After a stored message, while {@link InFlowDelay} says processing lags, the connection's next
 * command is read only after the delay (the 250 itself is not held back).
 * It never returns DECLINED: with every message hook declining, James sends no reply at all.
 *
 * <p>Placement: the last MessageHook, after {@link MessageSizeExtension}.
 *
 * <p>Thread-safety: shared by all sessions; no mutable fields. Runs on the session's I/O thread and
 * blocks it for the fsyncs (low volume; raise {@code io-threads} if needed).
 */
final class MaildirDeliveryHook implements MessageHook {

    private final SmtpMetrics metrics;
    private final InFlowDelay inFlow;

    MaildirDeliveryHook(SmtpMetrics metrics, InFlowDelay inFlow) {
        this.metrics = metrics;
        this.inFlow = inFlow;
    }

    @Override
    public HookResult onMessage(SMTPSession session, MailEnvelope mail) {
        MaildirEnvelope envelope = (MaildirEnvelope) mail;
        List<MailAddress> discarded = Transaction.of(session).discarded();
        if (envelope.isDiscardOnly()) {
            MailLog.discarded(null, session, envelope.senderText(), discarded);
            metrics.transaction("discarded", 0);
            return SmtpReplies.asHookResult(SmtpReplies.DISCARDED);
        }
        String queueId = envelope.queueId().orElseThrow();
        try {
            envelope.commit();
        } catch (IOException | RuntimeException e) {
            envelope.abort();
            MailLog.storageFailed(queueId, e);
            MailLog.reject(queueId, "END-OF-MESSAGE", session, SmtpReplies.STORAGE_FAILED, null);
            metrics.transaction("storage_failed", 0);
            return SmtpReplies.asHookResult(SmtpReplies.STORAGE_FAILED);
        }
        MailLog.queued(queueId, envelope.senderText(), envelope.getSize(), envelope.storedRecipients().size());
        for (MailAddress recipient : envelope.storedRecipients()) {
            MailLog.delivered(queueId, recipient);
        }
        MailLog.discarded(queueId, session, envelope.senderText(), discarded);
        metrics.transaction("delivered", envelope.getSize());
        Duration pause = inFlow.pauseNow();
        if (!pause.isZero()) {
            ReceptionSession.of(session).pauseReading(pause);
            metrics.inFlowDelay();
        }
        return SmtpReplies.asHookResult(SmtpReplies.queued(queueId));
    }
}
