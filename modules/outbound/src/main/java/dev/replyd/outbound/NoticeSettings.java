package dev.replyd.outbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * NoticeSettings - the {@code replyd.notices} settings plus the addresses a notice must never go to.
 *
 * <p>Contract: {@code reasons} may only hold {@link #NOTIFIABLE_REASONS}; the reasons in {@link #NEVER_REASONS}
 * are refused because their sender is unverified or automatic (a notice would be backscatter, or start a mail
 * loop). {@code perSenderInterval} and {@code sendTimeout} must be positive, {@code maxPerHour} and
 * {@code queueCapacity} at least 1. {@code replyDomain} and {@code ownAddresses} (the noreply address, the
 * notice's From) are compared case-insensitively: a sender in the reply domain (or below it) or equal to one of
 * them never gets a notice. Violations are one {@link IllegalArgumentException} listing every problem, one line
 * each, naming the {@code replyd.notices} key, the value and what is expected; the daemon's configuration loader
 * reports these lines by key, so {@code check-config} and {@code run} apply the same checks.
 *
 * <p>Thread-safety: immutable.
 *
 * @param enabled false: {@link FailureNotices} sends nothing, logs nothing and counts nothing
 * @param reasons failure reasons (wire names) that get a notice
 * @param perSenderInterval at most one notice per sender address within this time
 * @param maxPerHour at most this many notices in any hour, all senders together
 * @param replyDomain the reply addresses' domain ({@code replyd.reply-domain})
 * @param ownAddresses replyd's own addresses (noreply, outbound from)
 * @param queueCapacity notices waiting for the sender thread; more are dropped
 * @param sendTimeout bound on the connect and on each relay reply
 * @param support where people get help ({@code replyd.support}, a {@code mailto:} or {@code https:} URI), named in
 *     each notice; null for none
 */
public record NoticeSettings(boolean enabled, Set<String> reasons, Duration perSenderInterval, int maxPerHour,
                             String replyDomain, Set<String> ownAddresses, int queueCapacity, Duration sendTimeout,
                             String support) {

    /** Without a support contact. */
    public NoticeSettings(boolean enabled, Set<String> reasons, Duration perSenderInterval, int maxPerHour,
                          String replyDomain, Set<String> ownAddresses, int queueCapacity, Duration sendTimeout) {
        this(enabled, reasons, perSenderInterval, maxPerHour, replyDomain, ownAddresses, queueCapacity, sendTimeout,
                null);
    }

    /**
     * Reasons whose sender is the person who wrote the reply, so telling them helps. The daemon's default list
     * (reference.conf) leaves out {@code deadline_exceeded}: its cause is usually on replyd's side (a slow DNS
     * server, a pathological message), and once an administrator requeues the message it is posted, so a sender
     * told to write again would post twice.
     */
    public static final Set<String> NOTIFIABLE_REASONS = orderedSet(
            "empty_reply", "too_large", "unparseable", "callback_rejected", "retries_exhausted", "deadline_exceeded");

    /** Reasons that never get a notice: the sender is automatic ({@code auto_reply}) or not verified. */
    public static final Set<String> NEVER_REASONS = orderedSet(
            "auto_reply", "unauthenticated", "invalid_token", "unknown_kind");

    /** The queue the daemon uses: a burst of failures larger than this is a problem a notice will not fix. */
    public static final int DEFAULT_QUEUE_CAPACITY = 32;

    public NoticeSettings {
        Objects.requireNonNull(reasons, "reasons");
        Objects.requireNonNull(replyDomain, "replyDomain");
        Objects.requireNonNull(ownAddresses, "ownAddresses");
        Objects.requireNonNull(sendTimeout, "sendTimeout");
        List<String> problems = new ArrayList<>();
        for (String reason : reasons) {
            if (!NOTIFIABLE_REASONS.contains(reason)) {
                problems.add("replyd.notices.reasons: '" + reason + "' "
                        + (NEVER_REASONS.contains(reason) ? "never gets a notice (its sender is unverified or "
                        + "automatic: a notice would be backscatter)" : "is not a failure reason")
                        + " (expected: some of " + String.join(", ", NOTIFIABLE_REASONS) + ")");
            }
        }
        if (perSenderInterval == null || perSenderInterval.isNegative() || perSenderInterval.isZero()) {
            problems.add("replyd.notices.per-sender-interval: " + perSenderInterval
                    + " (expected: a duration > 0, e.g. 1h)");
        }
        if (maxPerHour < 1) {
            problems.add("replyd.notices.max-per-hour: " + maxPerHour + " (expected: >= 1)");
        }
        if (queueCapacity < 1) {
            problems.add("queueCapacity: " + queueCapacity + " (expected: >= 1)");
        }
        if (sendTimeout.isNegative() || sendTimeout.isZero()) {
            problems.add("sendTimeout: " + sendTimeout + " (expected: > 0)");
        }
        if (support != null && !support.matches("(mailto:|https://)[!-~]{1,200}")) {
            problems.add("replyd.support: not a mailto: or https:// URI of printable ASCII"
                    + " (expected: e.g. mailto:support@example.com)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        reasons = Set.copyOf(reasons);
        ownAddresses = Set.copyOf(ownAddresses);
    }

    private static Set<String> orderedSet(String... values) {
        return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(List.of(values)));
    }
}
