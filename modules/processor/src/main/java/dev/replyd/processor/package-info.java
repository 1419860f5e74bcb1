/**
 * The processing side of replyd: watches the Maildir, turns each message into a signed webhook
 * for the main app, retries what can be retried, and files every message under success,
 * failure (with a reason file) or postmaster.
 *
 * <p>Public surface: {@link dev.replyd.processor.Processor}, its settings
 * ({@link dev.replyd.processor.ProcessorSettings}, {@link dev.replyd.processor.SenderChecks}) and
 * the hook told about each message filed as failure ({@link dev.replyd.processor.FailureListener}, given
 * the reason file's {@link dev.replyd.maildir.FailureRecord}). The files it writes beside a message (the
 * reason file and the retry state, {@link dev.replyd.maildir.RetryState}) are defined in {@code maildir},
 * which owns every file of the store. Everything else is package-private.
 */
package dev.replyd.processor;
