/**
 * The processing side of replyd: watches the Maildir, turns each message into a signed webhook
 * for the main app, retries what can be retried, and files every message under success,
 * failure (with a reason file) or postmaster.
 *
 * <p>Public surface: {@link dev.replyd.processor.Processor} and
 * {@link dev.replyd.processor.ProcessorSettings}. Everything else is package-private.
 */
package dev.replyd.processor;
