package dev.replyd.smtp;

import dev.replyd.maildir.Delivery;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.MailEnvelope;

/**
 * The message being received, streamed straight into a Maildir {@link Delivery} (one tmp/ file per
 * stored recipient) instead of James's in-heap MailEnvelopeImpl: heap use stays bounded by the
 * Delivery buffer and one framer piece ({@link SmtpFramer}), whatever the message or line size.
 *
 * <p>Contract: the output stream James writes each DATA line to ignores {@code flush()} and
 * {@code close()} (James flushes per line); only {@link #commit()} makes the message durable and
 * {@link #abort()} removes it. A write failure (disk full, I/O error) does not throw into James, which
 * would desynchronise the session: it is remembered, the delivery is aborted at once to free the
 * space, further bytes are counted and dropped, and {@link MaildirDeliveryHook} answers 451 4.3.0 at
 * the final dot. A discard-only envelope (every recipient was noreply with discard on) has no delivery
 * and drops every byte. The message is never kept, so {@link #getMessageInputStream()} throws.
 *
 * <p>Thread-safety: confined to one session.
 */
final class MaildirEnvelope implements MailEnvelope {

    private final MaybeSender sender;
    private final String senderText;
    private final List<MailAddress> recipients;
    private final List<MailAddress> stored;
    private final Delivery delivery;
    private final OutputStream stream = new Stream();
    private long size;
    private IOException writeFailure;

    private MaildirEnvelope(MaybeSender sender, String senderText, List<MailAddress> recipients,
            List<MailAddress> stored, Delivery delivery) {
        this.sender = sender;
        this.senderText = senderText;
        this.recipients = List.copyOf(recipients);
        this.stored = List.copyOf(stored);
        this.delivery = delivery;
    }

    /** Writes {@code received} as the first body bytes; aborts the delivery if that fails. */
    static MaildirEnvelope storing(MaybeSender sender, String senderText, List<MailAddress> recipients,
            List<MailAddress> stored, Delivery delivery, byte[] received) throws IOException {
        try {
            delivery.body().write(received);
        } catch (IOException | RuntimeException e) {
            delivery.close();
            throw e;
        }
        return new MaildirEnvelope(sender, senderText, recipients, stored, delivery);
    }

    static MaildirEnvelope discarding(MaybeSender sender, String senderText, List<MailAddress> recipients) {
        return new MaildirEnvelope(sender, senderText, recipients, List.of(), null);
    }

    /** The envelope sender as logged and stored ({@link Transaction#envelopeSender}). */
    String senderText() {
        return senderText;
    }

    boolean isDiscardOnly() {
        return delivery == null;
    }

    /** The Maildir queue id, or empty for a discard-only envelope. */
    Optional<String> queueId() {
        return delivery == null ? Optional.empty() : Optional.of(delivery.queueId());
    }

    List<MailAddress> storedRecipients() {
        return stored;
    }

    Optional<IOException> writeFailure() {
        return Optional.ofNullable(writeFailure);
    }

    /** fsync every file, rename into new/, fsync new/ (see {@link Delivery#commit()}). */
    List<String> commit() throws IOException {
        if (writeFailure != null) {
            throw writeFailure;
        }
        return delivery.commit();
    }

    /** Removes the tmp/ files of an uncommitted delivery; does nothing after commit. Idempotent. */
    void abort() {
        if (delivery != null) {
            delivery.close();
        }
    }

    /** Bytes of the client's message (after dot-unstuffing), without the trace headers. */
    @Override
    public long getSize() {
        return size;
    }

    @Override
    public List<MailAddress> getRecipients() {
        return recipients;
    }

    @Override
    public MaybeSender getMaybeSender() {
        return sender;
    }

    @Override
    public OutputStream getMessageOutputStream() {
        return stream;
    }

    @Override
    public InputStream getMessageInputStream() throws IOException {
        throw new IOException("the message is streamed into the maildir, not kept in memory;"
                + " read it from maildir new/ after the delivery hook");
    }

    private final class Stream extends OutputStream {
        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            size += length;
            if (delivery == null || writeFailure != null) {
                return;
            }
            try {
                delivery.body().write(bytes, offset, length);
            } catch (IOException e) {
                writeFailure = e;
                delivery.close();
            }
        }

        @Override
        public void flush() {
            // James flushes after every line: buffering is the Delivery's job, durability is commit()'s.
        }

        @Override
        public void close() {
            // The end of DATA is not the end of the delivery: MaildirDeliveryHook commits or aborts it.
        }
    }
}
