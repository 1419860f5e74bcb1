package dev.replyd.extract;

/**
 * A message file or stream could not be read as MIME at all.
 *
 * <p>Contract: the message says what was being read and what went wrong, e.g.
 * {@code "read message /var/lib/replyd/mail/reply/new/x: Missing start boundary"}. It never
 * contains message content. The processor files such mail as failure reason {@code unparseable}.
 */
public final class UnparseableMessageException extends Exception {
  private static final long serialVersionUID = 1L;

  public UnparseableMessageException(String message, Throwable cause) {
    super(message, cause);
  }

  public UnparseableMessageException(String message) {
    super(message);
  }
}
