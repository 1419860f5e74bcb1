package dev.replyd.processor;

import java.util.Objects;

/**
 * FiledFailure - the facts of one message just filed under {@code incoming-mail/failure}, for a
 * {@link FailureListener}.
 *
 * <p>CONTRACT: {@code messageName} is the Maildir file name (also the reason file's prefix),
 * {@code reason} the reason file's wire name ({@code callback_rejected}, {@code auto_reply}, ...; see
 * ARCHITECTURE.md "Failure reasons"), {@code detail} the reason file's detail. {@code envelopeSender} is the
 * sender replyd's SMTP side recorded in {@code Return-Path}: empty for the null sender {@code <>}, null when
 * the file's header could not be read. {@code messageId} and {@code subject} (decoded) are null when absent.
 *
 * <p>THREAD-SAFETY: immutable.
 */
public record FiledFailure(String messageName, String reason, String detail, String envelopeSender,
    String messageId, String subject) {

  public FiledFailure {
    Objects.requireNonNull(messageName, "messageName");
    Objects.requireNonNull(reason, "reason");
  }
}
