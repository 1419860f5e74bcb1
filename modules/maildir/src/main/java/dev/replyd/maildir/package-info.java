/**
 * The durable Maildir store of replyd: the only code that creates, renames or deletes mail files.
 *
 * <p>Where a file sits is its state ({@link dev.replyd.maildir.MaildirLayout}); every transition is
 * one atomic rename on one filesystem, one method each on {@link dev.replyd.maildir.Maildir}. Public
 * types: {@code Maildir}, {@code Delivery}, {@code MaildirLayout}, {@code Backlog}, {@code Recovery}, and
 * {@code HeaderSection}, the one reader of a stored message's header section (bounded, linear) that the
 * processor's MIME parsing and auth's DKIM/DMARC share. Everything else in this package is package-private.
 */
package dev.replyd.maildir;
