package dev.replyd.processor;

import dev.replyd.maildir.RetryState;
import java.nio.file.Path;

/**
 * Work - one claimed message waiting for a worker: its Maildir name (also the delivery id), its
 * path in {@code cur/}, and the retry state it carries from earlier attempts.
 *
 * <p>THREAD-SAFETY: immutable; handed from the dispatching thread to one worker through the
 * bounded queue.
 */
record Work(String name, Path file, RetryState state) {}
