package dev.replyd.maildir;

/**
 * FailureReason - the {@code reason} values of a reason file ({@link FailureRecord}; the storage
 * contract in docs/architecture.md). The wire names are stable; operators, the failure notices'
 * {@code notices.reasons} and the main app's tooling match on them.
 *
 * <p>THREAD-SAFETY: immutable.
 */
public enum FailureReason {
  INVALID_TOKEN("invalid_token"),
  UNKNOWN_KIND("unknown_kind"),
  AUTO_REPLY("auto_reply"),
  EMPTY_REPLY("empty_reply"),
  UNPARSEABLE("unparseable"),
  TOO_LARGE("too_large"),
  CALLBACK_REJECTED("callback_rejected"),
  RETRIES_EXHAUSTED("retries_exhausted"),
  /** The From domain fails DMARC and {@code processor.sender-checks.require-dmarc = reject}. */
  UNAUTHENTICATED("unauthenticated"),
  /** Reading the message took longer than {@code processor.message-deadline}. */
  DEADLINE_EXCEEDED("deadline_exceeded");

  private final String wireName;

  FailureReason(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
