/**
 * The processing side of replyd: watches the Maildir, turns each message into a signed webhook
 * for the main app, retries what can be retried, and files every message under success,
 * failure (with a reason file) or postmaster.
 *
 * <p>Public surface: {@link dev.replyd.processor.Processor}, its settings
 * ({@link dev.replyd.processor.ProcessorSettings}, {@link dev.replyd.processor.SenderChecks}) and
 * the hook told about each message filed as failure ({@link dev.replyd.processor.FailureListener},
 * {@link dev.replyd.processor.FiledFailure}); for reading what it filed, the reason file
 * ({@link dev.replyd.processor.FailureReport}) and the retry state ({@link dev.replyd.processor.RetryState},
 * each with its {@link dev.replyd.processor.CallbackAttempt}s). Everything else is package-private.
 */
package dev.replyd.processor;
