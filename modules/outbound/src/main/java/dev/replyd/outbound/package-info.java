/**
 * Mail that replyd itself sends through the outbound relay ({@code replyd.outbound}).
 *
 * <p>Public surface: {@link dev.replyd.outbound.Outbound} (the relay settings),
 * {@link dev.replyd.outbound.SmtpSubmission} (one message from an envelope sender to one recipient, with the SMTP
 * conversation as a transcript and a plain-language diagnosis; used by {@code replyd test-email}) and
 * {@link dev.replyd.outbound.FailureNotices} (the optional, rate-limited notice to a person whose reply was filed
 * as failure, with {@link dev.replyd.outbound.NoticeSettings}; it is offered the reason file's
 * {@link dev.replyd.maildir.FailureRecord} as the processor wrote it). Every entry point takes plain values: the
 * daemon reads the configuration and passes them in. Of the other replyd modules it uses only {@code maildir}
 * ({@code ClientText}, {@code FailureRecord}). Everything else is package-private.
 */
package dev.replyd.outbound;
