package dev.replyd.smtp;

import java.util.ArrayList;
import java.util.List;
import org.apache.james.core.MailAddress;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * What replyd remembers about one mail transaction (MAIL FROM to the final dot) beyond James's own
 * attachments: which accepted recipients are discarded (noreply with discard on) rather than stored.
 *
 * <p>Contract: kept as a Transaction-scoped session attachment, so James's {@code resetState()} (RSET,
 * HELO/EHLO, end of DATA) forgets it together with the sender and recipient list.
 *
 * <p>Thread-safety: confined to one session.
 */
final class Transaction {

    private static final ProtocolSession.AttachmentKey<Transaction> KEY =
            ProtocolSession.AttachmentKey.of("replyd.transaction", Transaction.class);

    private final List<MailAddress> discarded = new ArrayList<>();

    static Transaction of(SMTPSession session) {
        return session.getAttachment(KEY, ProtocolSession.State.Transaction).orElseGet(() -> {
            Transaction created = new Transaction();
            session.setAttachment(KEY, created, ProtocolSession.State.Transaction);
            return created;
        });
    }

    void discard(MailAddress recipient) {
        discarded.add(recipient);
    }

    List<MailAddress> discarded() {
        return List.copyOf(discarded);
    }

    /** The accepted recipients that get a file: all of RCPT_LIST except the discarded ones. */
    List<MailAddress> stored(List<MailAddress> accepted) {
        List<MailAddress> stored = new ArrayList<>(accepted);
        stored.removeAll(discarded);
        return stored;
    }
}
