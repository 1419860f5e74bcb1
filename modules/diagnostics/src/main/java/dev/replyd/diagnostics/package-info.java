/**
 * The operator's troubleshooting tools behind {@code replyd diagnose}, {@code replyd support-bundle} and
 * {@code replyd test-email}.
 *
 * <p>Public surface: {@link dev.replyd.diagnostics.Diagnosis} (the checklist, returning a
 * {@link dev.replyd.diagnostics.Report} of {@link dev.replyd.diagnostics.Check}s),
 * {@link dev.replyd.diagnostics.SupportBundle} (a redacted {@code .tar.gz} for a support request) and
 * {@link dev.replyd.diagnostics.TestEmail} (one message through the outbound relay, with the SMTP
 * conversation; the SMTP client itself is {@code dev.replyd.outbound.SmtpSubmission}). Every entry point takes plain values: the daemon reads the configuration and passes them in,
 * so this module never depends on the daemon. Everything else is package-private.
 */
package dev.replyd.diagnostics;
