package dev.replyd.maildir;

/**
 * NAME
 *   Recovery - what {@link Maildir#recover()} did at start-up
 *
 * DESCRIPTION
 *   {@code returnedToNew}: claimed messages without retry state renamed from cur/ back to new/;
 *   {@code returnedToDeferred}: claimed messages with retry state renamed back to
 *   incoming-mail/deferred; {@code staleTmpRemoved}: files older than a day removed from tmp/.
 *
 * THREAD SAFETY
 *   Immutable.
 */
public record Recovery(int returnedToNew, int returnedToDeferred, int staleTmpRemoved) {}
