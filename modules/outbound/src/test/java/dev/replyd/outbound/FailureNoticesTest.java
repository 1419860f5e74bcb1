package dev.replyd.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import dev.replyd.maildir.FailureReason;
import dev.replyd.maildir.FailureRecord;
import dev.replyd.outbound.Outbound.Auth;
import dev.replyd.outbound.Outbound.Security;
import dev.replyd.testing.Await;
import dev.replyd.testing.FakeRelay;
import dev.replyd.testing.LoopbackPorts;
import dev.replyd.testing.RecordingLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Failure notices against a real SMTP relay on loopback ({@link FakeRelay}): who gets one, what it says, the
 * limits, and what happens when the relay is down or slow.
 */
class FailureNoticesTest {

    private static final String REPLY_DOMAIN = "reply.tracker.test";
    private static final String NOREPLY = "noreply@tracker.test";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension final RecordingLog replies = new RecordingLog("replies");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-28T10:00:00Z"));
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private int names;
    /** The relay of most tests: it takes any message. */
    private FakeRelay relay;

    @BeforeEach
    void startTheOpenRelay() throws Exception {
        relay = startRelay(FakeRelay.Behaviour.open());
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    @Test
    void everyFailureReasonEitherMayGetANoticeOrNeverGetsOne() {
        List<String> wireNames = Arrays.stream(FailureReason.values()).map(FailureReason::wireName).toList();
        List<String> sorted = new ArrayList<>(NoticeSettings.NOTIFIABLE_REASONS);
        sorted.addAll(NoticeSettings.NEVER_REASONS);

        assertThat(sorted).containsExactlyInAnyOrderElementsOf(wireNames);
    }

    @Test
    void callbackRejectedReplyGetsOneNoticeFromTheNullSenderThreadedUnderTheReply() throws Exception {
        FailureNotices notices = start(settings(60));
        FailureRecord failure = filed("1764324000.M1P1Q1.mx", "callback_rejected",
                "main app answered HTTP 403: thread is locked", "alice@example.org", "<orig-1@mail.example.org>",
                "Re: [tracker] Issue #4 crashes on start");

        notices.offer(failure);

        awaitSent(relay, 1);
        assertThat(relay.commands()).containsSubsequence("MAIL FROM:<>", "RCPT TO:<alice@example.org>", "DATA");
        String notice = relay.messages().get(0).replace("\n ", " "); // unfolded (RFC 5322 section 2.2.3)
        assertThat(notice).contains(
                "From: noreply@tracker.test\n",
                "To: alice@example.org\n",
                "Subject: Your reply could not be posted: Re: [tracker] Issue #4 crashes on start\n",
                "Auto-Submitted: auto-replied\n",
                "In-Reply-To: <orig-1@mail.example.org>\n",
                "References: <orig-1@mail.example.org>\n",
                "Content-Type: text/plain; charset=UTF-8",
                "The tracker refused it",
                "Your message was kept; nothing was deleted.",
                "reference: 1764324000.M1P1Q1.mx",
                "This notice was sent automatically. Replies to it are not read.")
                .containsPattern("Message-ID: <replyd-notice-[0-9a-f-]+@tracker\\.test>")
                .doesNotContain("HTTP 403", "thread is locked");
        assertThat(replies.messages()).contains("1764324000.M1P1Q1.mx: notice sent to alice@example.org (callback_rejected)");
        assertThat(relay.messages()).hasSize(1);
    }

    @Test
    void noticeNamesTheSupportContactWhenOneIsConfiguredAndOnlyThen() throws Exception {
        FailureNotices notices = start(new NoticeSettings(true, NoticeSettings.NOTIFIABLE_REASONS,
                Duration.ofHours(1), 60, REPLY_DOMAIN, Set.of(NOREPLY), 8, Duration.ofSeconds(5),
                "https://tracker.test/help/email"));

        notices.offer(failure("empty_reply", "alice@example.org"));
        notices.offer(failure("too_large", "bob@example.org"));

        assertThat(relay.awaitMessages(2, WAIT)).isTrue();
        for (String notice : relay.messages()) {
            assertThat(notice).contains("For help, contact: https://tracker.test/help/email\n");
        }
        FakeRelay plain = startRelay(FakeRelay.Behaviour.open());
        FailureNotices without = start(plain.port(), settings(60));
        without.offer(failure("empty_reply", "carol@example.org"));
        assertThat(plain.awaitMessages(1, WAIT)).isTrue();
        assertThat(plain.messages().get(0)).doesNotContain("For help");
    }

    @Test
    void everyNotifiableReasonExplainsItselfInPlainWords() throws Exception {
        FailureNotices notices = start(settings(60));
        Map<String, String> sentences = Map.of(
                "empty_reply", "We found no text of your own in it",
                "too_large", "It is larger than the size we accept for replies.",
                "unparseable", "It could not be read: its format is damaged or not supported.",
                "callback_rejected", "The tracker refused it",
                "retries_exhausted", "The tracker could not be reached for too long.",
                "deadline_exceeded", "It could not be read in time. It was kept for the administrators, who can "
                        + "process it again;");
        List<String> reasons = List.copyOf(NoticeSettings.NOTIFIABLE_REASONS);

        for (String reason : reasons) {
            notices.offer(failure(reason, reason.replace('_', '-') + "@example.org"));
        }

        awaitSent(relay, reasons.size());
        assertThat(sentences.keySet()).containsExactlyInAnyOrderElementsOf(reasons);
        for (int i = 0; i < reasons.size(); i++) {
            assertThat(relay.messages().get(i)).as(reasons.get(i)).contains(sentences.get(reasons.get(i)));
        }
    }

    @Test
    void automaticUnverifiedNullAndOwnSendersNeverGetANotice() throws Exception {
        FailureNotices notices = start(settings(60));
        List<FailureRecord> never = List.of(
                failure("auto_reply", "alice@example.org"),
                failure("unauthenticated", "alice@example.org"),
                failure("invalid_token", "alice@example.org"),
                failure("unknown_kind", "alice@example.org"),
                failure("callback_rejected", ""),
                failure("callback_rejected", null),
                failure("callback_rejected", "MAILER-DAEMON@example.org"),
                failure("callback_rejected", "postmaster@example.org"),
                failure("callback_rejected", "owner-dev@lists.example.org"),
                failure("callback_rejected", "dev-request@lists.example.org"),
                failure("callback_rejected", "reply+i-1-abc-5@" + REPLY_DOMAIN),
                failure("callback_rejected", "bounce@mx." + REPLY_DOMAIN),
                failure("callback_rejected", "NoReply@Tracker.test"),
                failure("callback_rejected", "alice@example.org\r\nRCPT TO:<x@y>"));

        never.forEach(notices::offer);
        notices.offer(failure("callback_rejected", "bob@example.org"));

        awaitSent(relay, 1);
        assertThat(count("skipped")).isEqualTo(never.size());
        assertThat(relay.commands()).filteredOn(c -> c.startsWith("RCPT TO:")).containsExactly("RCPT TO:<bob@example.org>");
        assertThat(replies.messages()).contains(
                "m1: notice not sent: auto_reply is never answered (the sender is automatic or unverified: a notice "
                        + "would be backscatter or a loop)",
                "m2: notice not sent: unauthenticated is never answered (the sender is automatic or unverified: a "
                        + "notice would be backscatter or a loop)",
                "m5: notice not sent: null sender <> (a bounce or automatic mail)",
                "m6: notice not sent: envelope sender unknown",
                "m7: notice not sent: MAILER-DAEMON@example.org is a system or list address (RFC 3834 section 2)",
                "m11: notice not sent: reply+i-1-abc-5@reply.tracker.test is in our reply domain "
                        + "reply.tracker.test (loop)",
                "m13: notice not sent: NoReply@Tracker.test is one of our own addresses (loop)",
                "m14: notice not sent: envelope sender: \"alice@example.org\\x0d\\x0aRCPT TO:<x@y>\" is not a plain mail "
                        + "address (expected: local@domain)");
    }

    @Test
    void reasonLeftOutOfTheSettingsGetsNoNotice() throws Exception {
        FailureNotices notices = start(onlyFor("callback_rejected"));

        notices.offer(failure("empty_reply", "alice@example.org"));

        assertThat(count("skipped")).isEqualTo(1);
        assertThat(replies.messages()).filteredOn(l -> l.startsWith("m1: "))
                .containsExactly("m1: notice not sent: empty_reply is not in replyd.notices.reasons");
    }

    @Test
    void secondFailureFromTheSameSenderWithinTheIntervalIsRateLimitedAndAllowedAgainAfterIt() throws Exception {
        FailureNotices notices = start(settings(60));

        notices.offer(failure("callback_rejected", "alice@example.org"));
        clock.advance(Duration.ofMinutes(59));
        notices.offer(failure("empty_reply", "Alice@Example.ORG"));

        awaitSent(relay, 1);
        assertThat(count("rate_limited")).isEqualTo(1);
        assertThat(replies.messages()).contains("m2: notice not sent: rate limited: Alice@Example.ORG already got a notice at "
                + "2026-11-28T10:00:00Z (replyd.notices.per-sender-interval = PT1H)");

        clock.advance(Duration.ofMinutes(1));
        notices.offer(failure("empty_reply", "alice@example.org"));

        awaitSent(relay, 2);
    }

    @Test
    void noMoreThanMaxPerHourNoticesGoOutInAnyHour() throws Exception {
        FailureNotices notices = start(settings(2));

        notices.offer(failure("callback_rejected", "a@example.org"));
        notices.offer(failure("callback_rejected", "b@example.org"));
        clock.advance(Duration.ofMinutes(30));
        notices.offer(failure("callback_rejected", "c@example.org"));

        awaitSent(relay, 2);
        assertThat(count("rate_limited")).isEqualTo(1);
        assertThat(replies.messages()).contains(
                "m3: notice not sent: rate limited: 2 notices sent in the last hour (replyd.notices.max-per-hour)");

        clock.advance(Duration.ofMinutes(30));
        notices.offer(failure("callback_rejected", "d@example.org"));

        awaitSent(relay, 3);
    }

    @Test
    void relayDownIsLoggedAsAFailedNoticeWithItsDiagnosisAndNotRetried() throws Exception {
        int closed = LoopbackPorts.free();
        FailureNotices notices = start(closed, settings(60));

        notices.offer(failure("callback_rejected", "alice@example.org"));

        awaitCount("failed", 1);
        assertThat(replies.messages()).contains("m1: notice not sent: relay 127.0.0.1:" + closed + ": connection to 127.0.0.1:"
                + closed + " refused: no mail server listens there (check replyd.outbound.host and port) or a "
                + "firewall rejects it");
        Thread.sleep(300);
        assertThat(count("failed")).isEqualTo(1);
        assertThat(count("sent")).isZero();
    }

    @Test
    void slowRelayNeverBlocksTheCallerAndAFullQueueDropsTheNotice() throws Exception {
        Stuck stuck = firstNoticeStuckOnASilentRelay(1, Duration.ofMillis(700));

        stuck.notices().offer(failure("callback_rejected", "b@example.org"));
        stuck.notices().offer(failure("callback_rejected", "c@example.org"));

        // The first notice is still stuck on the silent relay, so the queue (capacity 1) holds b and
        // c is dropped: an offer that waited for the relay would have found room for c instead.
        assertThat(count("dropped")).isEqualTo(1);
        assertThat(replies.messages()).contains("m3: notice not sent: queue full (1 notices waiting for the relay)");
        awaitCount("failed", 2);
        int port = stuck.silent().port();
        assertThat(replies.messages()).anyMatch(l -> l.startsWith("m1: notice not sent: relay 127.0.0.1:" + port
                + ": no answer from 127.0.0.1:" + port + " during greeting within "));
    }

    @Test
    void noticesStillQueuedAtStopAreDroppedAndLogged() throws Exception {
        FailureNotices notices = firstNoticeStuckOnASilentRelay(4, Duration.ofMillis(500)).notices();
        notices.offer(failure("callback_rejected", "b@example.org"));

        notices.stop(Duration.ofSeconds(5));
        notices.offer(failure("callback_rejected", "c@example.org"));

        assertThat(count("dropped")).isEqualTo(2);
        assertThat(replies.messages()).contains("m2: notice not sent: replyd is stopping", "m3: notice not sent: replyd is stopping");
        assertThat(threadAlive("replyd-notices")).isFalse();
    }

    @Test
    void disabledNoticesSendNothingLogNothingAndStartNoThread() throws Exception {
        FailureNotices notices = start(new NoticeSettings(false, NoticeSettings.NOTIFIABLE_REASONS,
                Duration.ofHours(1), 60, REPLY_DOMAIN, Set.of(NOREPLY), 8, Duration.ofSeconds(5)));

        notices.offer(failure("callback_rejected", "alice@example.org"));

        assertThat(threadAlive("replyd-notices")).isFalse();
        assertThat(relay.awaitMessages(1, Duration.ofMillis(500))).isFalse();
        assertThat(relay.connections()).isZero();
        assertThat(replies.messages()).isEmpty();
        for (String outcome : List.of("sent", "rate_limited", "skipped", "dropped", "failed")) {
            assertThat(count(outcome)).as(outcome).isZero();
        }
    }

    @Test
    void settingsRefuseReasonsWhoseSenderIsAutomaticOrUnverified() {
        assertThatThrownBy(() -> new NoticeSettings(true, Set.of("auto_reply"), Duration.ofHours(1), 60,
                REPLY_DOMAIN, Set.of(NOREPLY), 8, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("replyd.notices.reasons: 'auto_reply' never gets a notice (its sender is unverified or "
                        + "automatic: a notice would be backscatter) (expected: some of empty_reply, too_large, "
                        + "unparseable, callback_rejected, retries_exhausted, deadline_exceeded)");
    }

    @Test
    void deadlineExceededIsANotifiableReasonAnOperatorMayChoose() throws Exception {
        FailureNotices notices = start(onlyFor("deadline_exceeded"));

        notices.offer(failure("deadline_exceeded", "alice@example.org"));

        awaitSent(relay, 1);
        assertThat(relay.messages().get(0).replace("\n", " ")).contains("It could not be read in time. It was kept "
                + "for the administrators, who can process it again; if your reply does not appear on the website, "
                + "please answer there.");
        assertThat(replies.messages()).contains("m1: notice sent to alice@example.org (deadline_exceeded)");
    }

    @Test
    void throughARelayOfferingSmtpUtf8OnlyUtf8SendersGetTheirNoticeWithSmtpUtf8AndAUtf8ToField() throws Exception {
        FakeRelay utf8Relay = startRelay(FakeRelay.Behaviour.open().withSmtpUtf8());
        FailureNotices notices = start(utf8Relay.port(), settings(60));

        notices.offer(filed("m1", "callback_rejected", "detail", "josé@correo.example",
                "<orig-1@correo.example>", "Re: ¿Qué pasa?"));
        notices.offer(filed("m2", "empty_reply", "detail", "用户@例子.广告", "<orig-2@例子.广告>", "回复"));
        notices.offer(filed("m3", "callback_rejected", "detail", "alice@example.org",
                "<orig-3@mail.example.org>", "Re: ¿Qué pasa?"));

        awaitSent(utf8Relay, 3);
        assertThat(utf8Relay.mailParameters()).containsExactly("SMTPUTF8", "SMTPUTF8", "");
        assertThat(utf8Relay.commands()).containsSubsequence("MAIL FROM:<> SMTPUTF8", "RCPT TO:<josé@correo.example>",
                "DATA", "MAIL FROM:<> SMTPUTF8", "RCPT TO:<用户@例子.广告>", "DATA", "MAIL FROM:<>",
                "RCPT TO:<alice@example.org>", "DATA");
        String first = utf8Relay.messages().get(0).replace("\n ", " ");
        assertThat(first).contains("To: josé@correo.example\n", "From: noreply@tracker.test\n",
                "Content-Type: text/plain; charset=UTF-8", "In-Reply-To: <orig-1@correo.example>\n",
                "Subject: =?UTF-8?");
        String second = utf8Relay.messages().get(1).replace("\n ", " ");
        // A UTF-8 Message-ID is no RFC 5322 msg-id: the notice is not threaded under it.
        assertThat(second).contains("To: 用户@例子.广告\n").doesNotContain("In-Reply-To", "References");
        String third = utf8Relay.messages().get(2);
        // An ASCII sender's notice needs no SMTPUTF8: its header section stays ASCII, the subject encoded.
        assertThat(third.substring(0, third.indexOf("\n\n"))).contains("To: alice@example.org\n", "Subject: =?UTF-8?")
                .matches("\\p{ASCII}*");
        assertThat(replies.messages()).contains("m1: notice sent to josé@correo.example (callback_rejected)",
                "m2: notice sent to 用户@例子.广告 (empty_reply)", "m3: notice sent to alice@example.org (callback_rejected)");
    }

    @Test
    void utf8SenderIsSkippedWithTheReasonLoggedWhenTheRelayDoesNotOfferSmtpUtf8() throws Exception {
        FailureNotices notices = start(settings(60));

        notices.offer(failure("callback_rejected", "用户@例子.广告"));
        notices.offer(failure("callback_rejected", "gpj\u202e@correo.example"));
        notices.offer(failure("callback_rejected", "bob@example.org"));

        awaitSent(relay, 1);
        awaitCount("skipped", 2);
        String advice = " (RFC 6531; nothing was sent: use a relay that offers it, such as Postfix 3.0 or later "
                + "with smtputf8_enable = yes)";
        assertThat(replies.messages()).contains(
                "m1: notice not sent: relay 127.0.0.1:" + relay.port() + " does not offer SMTPUTF8, needed for "
                        + "用户@例子.广告" + advice,
                "m2: notice not sent: relay 127.0.0.1:" + relay.port() + " does not offer SMTPUTF8, needed for "
                        + "gpj\\u202e@correo.example" + advice,
                "m3: notice sent to bob@example.org (callback_rejected)");
        assertThat(count("failed")).isZero();
        assertThat(relay.mailParameters()).containsExactly("");
        assertThat(relay.commands()).filteredOn(c -> c.startsWith("RCPT TO:")).containsExactly("RCPT TO:<bob@example.org>");
        assertThat(relay.commands()).filteredOn("QUIT"::equals).hasSize(3);
    }

    @Test
    void relayPasswordNeverReachesTheLog() throws Exception {
        FakeRelay authRelay = startRelay(FakeRelay.Behaviour.authenticating("replyd", "s3cret-relay-pw").rejectingEveryLogin());
        Outbound withAuth = new Outbound("127.0.0.1", authRelay.port(), "tracker.test", Security.NONE, Auth.PLAIN,
                "replyd", "s3cret-relay-pw".getBytes(StandardCharsets.UTF_8), NOREPLY);
        FailureNotices notices = track(FailureNotices.start(withAuth, settings(60), registry, clock,
                (SSLSocketFactory) SSLSocketFactory.getDefault()));
        Logger root = (Logger) LoggerFactory.getLogger("replies");
        ch.qos.logback.classic.Level before = root.getLevel();
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);
        try {
            notices.offer(failure("callback_rejected", "alice@example.org"));

            awaitCount("failed", 1);
        } finally {
            root.setLevel(before);
        }

        assertThat(replies.messages()).anyMatch(l -> l.startsWith("m1: notice not sent: relay 127.0.0.1:" + authRelay.port()
                + ": the relay rejected the credentials for user \"replyd\""));
        assertThat(replies.messages()).anyMatch(l -> l.contains("-> AUTH PLAIN ********"));
        assertThat(String.join("\n", replies.messages())).doesNotContain("s3cret-relay-pw", "czNjcmV0LXJlbGF5LXB3",
                java.util.Base64.getEncoder().encodeToString("\0replyd\0s3cret-relay-pw".getBytes(StandardCharsets.UTF_8)));
    }

    /** A reason file's record as the processor writes it for a message that failed before posting. */
    private static FailureRecord filed(String name, String reason, String detail, String sender, String messageId,
                                       String subject) {
        return new FailureRecord(reason, detail, "2026-11-28T10:00:00Z", name, messageId, 0, null, null, List.of(),
                sender, subject);
    }

    private FailureRecord failure(String reason, String sender) {
        names++;
        return filed("m" + names, reason, "detail " + names, sender, "<id-" + names + "@example.org>",
                "Re: issue " + names);
    }

    private NoticeSettings settings(int maxPerHour) {
        return new NoticeSettings(true, NoticeSettings.NOTIFIABLE_REASONS, Duration.ofHours(1), maxPerHour,
                REPLY_DOMAIN, Set.of(NOREPLY), 8, Duration.ofSeconds(5));
    }

    /** The settings of {@link #settings} with notices for {@code reason} only. */
    private NoticeSettings onlyFor(String reason) {
        return new NoticeSettings(true, Set.of(reason), Duration.ofHours(1), 60,
                REPLY_DOMAIN, Set.of(NOREPLY), 8, Duration.ofSeconds(5));
    }

    /** Failure notices through {@link #relay} with {@code settings}. */
    private FailureNotices start(NoticeSettings settings) {
        return start(relay.port(), settings);
    }

    private FailureNotices start(int port, NoticeSettings settings) {
        Outbound outbound = new Outbound("127.0.0.1", port, "tracker.test", Security.NONE, Auth.NONE, "", null,
                NOREPLY);
        return track(FailureNotices.start(outbound, settings, registry, clock,
                (SSLSocketFactory) SSLSocketFactory.getDefault()));
    }

    /** Notices whose first one, for a@example.org (m1), is stuck on {@code silent}, a relay that never greets. */
    private record Stuck(FakeRelay silent, FailureNotices notices) {
    }

    /**
     * Starts notices with a queue of {@code capacity} and a relay timeout of {@code relayTimeout} towards a
     * relay that accepts connections and never greets, offers m1 and waits until its sender has connected.
     */
    private Stuck firstNoticeStuckOnASilentRelay(int capacity, Duration relayTimeout) throws Exception {
        FakeRelay silent = startRelay(FakeRelay.Behaviour.open().silent());
        FailureNotices notices = start(silent.port(), new NoticeSettings(true, NoticeSettings.NOTIFIABLE_REASONS,
                Duration.ofHours(1), 60, REPLY_DOMAIN, Set.of(NOREPLY), capacity, relayTimeout));
        notices.offer(failure("callback_rejected", "a@example.org"));
        awaitConnections(silent, 1);
        return new Stuck(silent, notices);
    }

    private FailureNotices track(FailureNotices notices) {
        cleanup.add(() -> notices.stop(Duration.ofSeconds(5)));
        return notices;
    }

    /** Waits until {@code relay} has received {@code count} notices and the sent counter says so too. */
    private void awaitSent(FakeRelay relay, int count) throws InterruptedException {
        assertThat(relay.awaitMessages(count, WAIT)).isTrue();
        awaitCount("sent", count);
    }

    private FakeRelay startRelay(FakeRelay.Behaviour behaviour) throws Exception {
        FakeRelay relay = new FakeRelay(behaviour);
        cleanup.add(relay);
        return relay;
    }

    private double count(String outcome) {
        return registry.get("replyd.notices").tag("outcome", outcome).counter().count();
    }

    private void awaitCount(String outcome, int expected) throws InterruptedException {
        Await.within(WAIT, () -> count(outcome) >= expected);
        assertThat(count(outcome)).as(outcome + "; log: " + replies.messages()).isEqualTo(expected);
    }

    private static void awaitConnections(FakeRelay relay, int expected) throws InterruptedException {
        Await.within(WAIT, () -> relay.connections() >= expected);
        assertThat(relay.connections()).isEqualTo(expected);
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    /** A clock the test moves by hand, read by the limits on the callers' threads. */
    private static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
