package dev.replyd.processor;

import dev.replyd.maildir.FailureReason;
import dev.replyd.address.AddressCheck;
import dev.replyd.address.ReplyToken;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.util.SharedFileInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * MessageInHand - what the steps of {@link MessageWorker} have learnt about the one message they
 * are taking through: the claimed file, the parsed message and its facts, the verified address, the
 * sender verdicts. Each step reads what earlier steps set and sets what it found.
 *
 * <p>CONTRACT: {@link #open} parses the file (streamed, {@link SharedFileInputStream}: large
 * attachments are never held as one byte array; the header section through
 * {@link BoundedMimeMessage}); {@link #close} releases the file. {@link #factsForReport} gives the
 * facts a failure is reported with: the parsed ones, or, for a message that was not parsed whole (too
 * large, unreadable, still being read at the deadline), those of its header section alone, or null
 * when even that cannot be read. These two are the only places the facts are built.
 *
 * <p>THREAD-SAFETY: confined to the reader thread while the reading steps run, then to the worker.
 * The one exception is {@link #facts}, volatile: a worker that gives up at the message deadline
 * reports the facts the abandoned reader had found by then.
 */
final class MessageInHand {

  private final Work work;
  private final Session session;
  private SharedFileInputStream in;
  private BoundedMimeMessage message;
  private volatile InboundMessage facts;
  private Instant receivedAt;
  private AddressCheck address;
  private WebhookPayload.Auth auth;
  private boolean quarantined;

  MessageInHand(Work work, Session session) {
    this.work = work;
    this.session = session;
  }

  Work work() {
    return work;
  }

  String name() {
    return work.name();
  }

  Path file() {
    return work.file();
  }

  /** Failure before posting: reported with the retry state the message came with. */
  Verdict refuse(FailureReason reason, String detail) {
    return Verdict.failure(reason, detail, work.state());
  }

  /** Parses the claimed file; {@code receivedAt} is when the SMTP side stored it. */
  void open(Instant receivedAt) throws IOException, MessagingException {
    this.receivedAt = receivedAt;
    this.in = new SharedFileInputStream(work.file().toFile());
    this.message = new BoundedMimeMessage(session, in);
    this.facts = InboundMessage.of(message);
  }

  /** The parsed message; set by {@link #open}. */
  BoundedMimeMessage message() {
    return message;
  }

  /** The envelope and header facts; null until {@link #open} has parsed the message. */
  InboundMessage facts() {
    return facts;
  }

  /** The facts to report a failure with: parsed, else from the header section alone, else null. */
  InboundMessage factsForReport() {
    InboundMessage known = facts;
    return known != null ? known : InboundMessage.ofHeaderSection(work.file(), session);
  }

  Instant receivedAt() {
    return receivedAt;
  }

  /** The verified recipient address; set by the token step. */
  AddressCheck address() {
    return address;
  }

  ReplyToken token() {
    return address.token().orElseThrow();
  }

  void verified(AddressCheck check) {
    this.address = check;
  }

  /** The sender verdicts for the payload; null when sender checks are off or could not run. */
  WebhookPayload.Auth auth() {
    return auth;
  }

  /** True when the From domain fails DMARC and the policy says to post it marked. */
  boolean quarantined() {
    return quarantined;
  }

  void authenticated(WebhookPayload.Auth auth, boolean quarantined) {
    this.auth = auth;
    this.quarantined = quarantined;
  }

  /** Releases the file (the reading steps are done with it). */
  void close() throws IOException {
    if (in != null) {
      in.close();
    }
  }
}
