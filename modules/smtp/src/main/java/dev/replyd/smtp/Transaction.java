package dev.replyd.smtp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.james.core.MailAddress;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * What replyd remembers about one mail transaction (MAIL FROM to the end of the message) beyond
 * James's own attachments: which accepted recipients get a file, which are discarded (noreply with
 * discard on) and which repeat a recipient already accepted.
 *
 * <p>Contract: kept as a Transaction-scoped session attachment, so James's {@code resetState()} (RSET,
 * HELO/EHLO, end of DATA) forgets it together with the sender and recipient list. A recipient is
 * stored once per canonical key ({@link RecipientPolicyHook} gives the key: the reply token's
 * kind/thread/user, or the lower-cased address): the same reply address given again, in another case
 * or with other hex digits case, is accepted (250, as Postfix does) but gets no second file, so one
 * reply is posted once.
 *
 * <p>Thread-safety: confined to one session.
 */
final class Transaction {

    private static final ProtocolSession.AttachmentKey<Transaction> KEY =
            ProtocolSession.AttachmentKey.of("replyd.transaction", Transaction.class);

    private final List<MailAddress> stored = new ArrayList<>();
    private final Set<String> storedKeys = new HashSet<>();
    private final List<MailAddress> discarded = new ArrayList<>();

    static Transaction of(SMTPSession session) {
        return session.getAttachment(KEY, ProtocolSession.State.Transaction).orElseGet(() -> {
            Transaction created = new Transaction();
            session.setAttachment(KEY, created, ProtocolSession.State.Transaction);
            return created;
        });
    }

    /**
     * Remembers an accepted recipient to store under {@code canonicalKey}; false (and nothing
     * remembered) when a recipient with that key was already accepted in this transaction.
     */
    boolean store(String canonicalKey, MailAddress recipient) {
        if (!storedKeys.add(canonicalKey)) {
            return false;
        }
        stored.add(recipient);
        return true;
    }

    void discard(MailAddress recipient) {
        discarded.add(recipient);
    }

    List<MailAddress> discarded() {
        return List.copyOf(discarded);
    }

    /** The recipients that get a file, each once, in the order they were first accepted. */
    List<MailAddress> stored() {
        return List.copyOf(stored);
    }
}
