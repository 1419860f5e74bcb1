/**
 * The durable Maildir store of replyd: the only code that creates, renames or deletes mail files.
 *
 * <p>Where a file sits is its state ({@link dev.replyd.maildir.MaildirLayout}); every transition is
 * one atomic rename on one filesystem, one method each on {@link dev.replyd.maildir.Maildir}. It owns the
 * format of every file in the store (docs/architecture.md, contract 2). Public types: {@code Maildir},
 * {@code Delivery}, {@code MaildirLayout}, {@code Backlog}, {@code Recovery}; {@code TracePrefix}, which
 * writes the trace fields in front of each stored message and reads the envelope facts back;
 * {@code HeaderSection}, the one reader of a stored message's header section (bounded, linear) that the
 * processor's MIME parsing, auth's DKIM/DMARC and the console share; the companion files
 * {@code FailureRecord} (with {@code FailureReason}) and {@code RetryState} (both with {@code CallbackAttempt}s);
 * {@code ClientText}. Everything else in this package is package-private.
 */
package dev.replyd.maildir;
