package dev.replyd.outbound;

import java.util.Objects;

/**
 * FailedReply - the facts of one message the processor filed under {@code incoming-mail/failure}, as offered to
 * {@link FailureNotices}.
 *
 * <p>Contract: {@code messageName} (the Maildir file name) and {@code reason} (the reason file's wire name, e.g.
 * {@code callback_rejected}) are required. {@code envelopeSender} is the {@code Return-Path} replyd's SMTP side
 * recorded: empty for the null sender {@code <>}, null when it is not known (the file could not be read).
 * {@code messageId} and {@code subject} are as the sender wrote them, null when absent. {@code detail} is the
 * reason file's detail: it is never mailed (it may quote the main app's answer), only kept for the caller's logs.
 *
 * <p>Thread-safety: immutable.
 */
public record FailedReply(String messageName, String reason, String detail, String envelopeSender, String messageId,
                          String subject) {

    public FailedReply {
        Objects.requireNonNull(messageName, "messageName");
        Objects.requireNonNull(reason, "reason");
    }
}
