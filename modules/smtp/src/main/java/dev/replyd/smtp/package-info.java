/**
 * SMTP reception for replyd: an ESMTP server on Netty (Apache James Protocols 3.8.1) that accepts mail
 * for signed reply addresses and postmaster, refuses everything else at RCPT time, and answers
 * {@code 250} only once the message is fsynced in the Maildir.
 *
 * <p>Public surface: {@link dev.replyd.smtp.SmtpServer}, {@link dev.replyd.smtp.SmtpSettings} and
 * {@link dev.replyd.smtp.InFlowDelay} (flow control while processing lags). Every
 * other type is package-private; each one is a single SMTP concern named for the concern plus its James
 * role (hook, filter, handler), in the order the chain runs them (see {@code ReceptionChain}).
 */
package dev.replyd.smtp;
