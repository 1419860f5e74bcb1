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
 * Also kept: whether BDAT chunks were taken (and how many octets), and the SMTPUTF8 sender.
 *
 * <p>Thread-safety: confined to one session.
 */
final class Transaction {

    private static final ProtocolSession.AttachmentKey<Transaction> KEY =
            ProtocolSession.AttachmentKey.of("replyd.transaction", Transaction.class);

    private final List<MailAddress> stored = new ArrayList<>();
    private final Set<String> storedKeys = new HashSet<>();
    private final List<MailAddress> discarded = new ArrayList<>();
    private boolean chunked;
    private long chunkedOctets;
    private boolean smtputf8;
    private String utf8Sender;

    static Transaction of(SMTPSession session) {
        return SessionAttachments.getOrCreate(session, KEY, ProtocolSession.State.Transaction, Transaction::new);
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

    /** True once a BDAT chunk was taken for this transaction: DATA and RCPT are refused from then on. */
    boolean isChunked() {
        return chunked;
    }

    /** The octets of the BDAT chunks taken so far. */
    long chunkedOctets() {
        return chunkedOctets;
    }

    void chunkTaken(long octets) {
        chunked = true;
        chunkedOctets += octets;
    }

    /** MAIL FROM carried the SMTPUTF8 parameter (RFC 6531). */
    boolean isSmtpUtf8() {
        return smtputf8;
    }

    void smtpUtf8() {
        smtputf8 = true;
    }

    /**
     * The envelope sender as the client wrote it when it is not ASCII (RFC 6531): James's MailAddress
     * cannot hold it, so James gets an ASCII stand-in and this is the sender replyd logs and stores.
     */
    java.util.Optional<String> utf8Sender() {
        return java.util.Optional.ofNullable(utf8Sender);
    }

    void utf8Sender(String sender) {
        this.utf8Sender = sender;
    }

    /**
     * The envelope sender as logged and stored (Return-Path): the SMTPUTF8 sender as written, else
     * James's; "" for the null sender; empty outside a transaction.
     */
    static java.util.Optional<String> envelopeSender(SMTPSession session) {
        return session.getAttachment(SMTPSession.SENDER, ProtocolSession.State.Transaction)
                .map(sender -> of(session).utf8Sender()
                        .orElseGet(() -> sender.isNullSender() ? "" : sender.asString()));
    }

    /** The recipients that get a file, each once, in the order they were first accepted. */
    List<MailAddress> stored() {
        return List.copyOf(stored);
    }
}
