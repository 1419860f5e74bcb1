package dev.replyd.maildir;

import java.nio.file.Path;
import java.util.List;

/**
 * NAME
 *   MaildirLayout - the names of replyd's state directories, defined once
 *
 * DESCRIPTION
 *   The directory a file sits in is its state (Postfix mail_queue.h plays the same part). Each
 *   constant is a path relative to {@code storage.root}; {@link Maildir#path(String, String)}
 *   takes these constants as its {@code state} argument.
 *
 *   <pre>
 *   mail/reply/tmp               being written (not yet durable; never read by anyone)
 *   mail/reply/new               durable, waiting for a worker
 *   mail/reply/cur               claimed by a worker
 *   incoming-mail/deferred       waiting for a callback retry; NAME.retry.json beside it
 *   incoming-mail/success        posted to the main app
 *   incoming-mail/failure        not posted; NAME.reason.json beside it
 *   incoming-mail/postmaster     mail for postmaster@, kept for the administrator
 *   </pre>
 *
 *   The whole layout must live on one filesystem: moves between states are rename(2).
 *
 * THREAD SAFETY
 *   Immutable.
 */
public final class MaildirLayout {
  public static final String TMP = "mail/reply/tmp";
  public static final String NEW = "mail/reply/new";
  public static final String CUR = "mail/reply/cur";
  public static final String DEFERRED = "incoming-mail/deferred";
  public static final String SUCCESS = "incoming-mail/success";
  public static final String FAILURE = "incoming-mail/failure";
  public static final String POSTMASTER = "incoming-mail/postmaster";

  /** Suffix of the retry state kept in {@link #DEFERRED} beside the message of the same name. */
  public static final String RETRY_SUFFIX = ".retry.json";
  /** Suffix of the reason file kept in {@link #FAILURE} beside the message of the same name. */
  public static final String REASON_SUFFIX = ".reason.json";

  /** Every state, in the order a message normally passes through them. */
  public static final List<String> STATES = List.of(TMP, NEW, CUR, DEFERRED, SUCCESS, FAILURE, POSTMASTER);

  /** What a message name looks like, for messages that tell an operator what was expected. */
  public static final String MESSAGE_NAME_FORM = "<secs>.M<usec>P<pid>Q<n>.<host>";

  private MaildirLayout() {}

  /**
   * True when {@code name} names a message replyd stored ({@link #MESSAGE_NAME_FORM}); false for
   * companion files ({@value #REASON_SUFFIX}, {@value #RETRY_SUFFIX}), dot files, paths and names
   * of other programs. The one rule every tool that takes a message name applies.
   */
  public static boolean isMessageName(String name) {
    return name != null && UniqueNames.isMessage(name);
  }

  /** The directory of {@code state} under {@code root}; unknown states are an interface violation. */
  static Path directory(Path root, String state) {
    if (!STATES.contains(state)) {
      throw new IllegalArgumentException(
          "state: " + state + " (expected: one of the MaildirLayout constants " + STATES + ")");
    }
    return root.resolve(state);
  }
}
