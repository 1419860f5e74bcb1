package dev.replyd.outbound;

import dev.replyd.maildir.ClientText;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * NoticeRateLimit - the two limits on failure notices: one per sender address per interval, and a total per
 * sliding hour.
 *
 * <p>Contract: {@link #refusal} says why a notice to {@code sender} at {@code now} would exceed a limit, or
 * returns null when it would not (the sender is quoted escaped, {@link ClientText}); {@link #record} counts a
 * notice that was accepted. Addresses are compared case-insensitively. Entries older than their window are
 * pruned at each call, so memory stays bounded by what the limits allow (at most {@code maxPerHour} times the
 * interval in hours sender entries).
 *
 * <p>Failures: none. State lives in memory only: a restart forgets it, so a sender may get a second notice
 * within the interval after a restart (documented for operators in the README).
 *
 * <p>Thread-safety: not thread-safe; {@link FailureNotices} calls it under its own lock.
 */
final class NoticeRateLimit {

    private static final Duration HOUR = Duration.ofHours(1);

    private final Duration perSender;
    private final int maxPerHour;
    private final Map<String, Instant> lastBySender = new HashMap<>();
    private final ArrayDeque<Instant> lastHour = new ArrayDeque<>();

    NoticeRateLimit(Duration perSender, int maxPerHour) {
        this.perSender = perSender;
        this.maxPerHour = maxPerHour;
    }

    String refusal(String sender, Instant now) {
        prune(now);
        Instant last = lastBySender.get(key(sender));
        if (last != null) {
            return "rate limited: " + ClientText.escape(sender) + " already got a notice at " + last
                    + " (replyd.notices.per-sender-interval = " + perSender + ")";
        }
        if (lastHour.size() >= maxPerHour) {
            return "rate limited: " + maxPerHour + " notices sent in the last hour (replyd.notices.max-per-hour)";
        }
        return null;
    }

    void record(String sender, Instant now) {
        lastBySender.put(key(sender), now);
        lastHour.addLast(now);
    }

    private void prune(Instant now) {
        while (!lastHour.isEmpty() && !lastHour.peekFirst().plus(HOUR).isAfter(now)) {
            lastHour.removeFirst();
        }
        for (Iterator<Instant> it = lastBySender.values().iterator(); it.hasNext(); ) {
            if (!it.next().plus(perSender).isAfter(now)) {
                it.remove();
            }
        }
    }

    private static String key(String sender) {
        return sender.toLowerCase(Locale.ROOT);
    }
}
