package dev.replyd.smtp;

import dev.replyd.address.AddressCheck;
import dev.replyd.address.Refusal;
import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.address.ReplyToken;
import java.util.Locale;
import java.util.Map;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.RcptHook;

/**
 * Decides every RCPT TO (ARCHITECTURE.md contract 1): replyd accepts only what it can act on and
 * refuses the rest during the SMTP dialogue, so it never relays and never sends bounces.
 *
 * <p>Contract, first match wins:
 * <ol>
 * <li>a BDAT chunk was already taken in this transaction → 503 5.5.1 (its files are open);</li>
 * <li>more than {@code max-recipients} in this transaction → 452 4.5.3 (RFC 5321 4.5.3.1.8: the client
 * sends the rest in another transaction);</li>
 * <li>{@code postmaster@<hostname>}, {@code postmaster@<reply-domain>} or bare {@code <postmaster>}
 * (James turns it into postmaster@localhost), any case → 250, stored (RFC 5321 4.5.1);</li>
 * <li>(for the two cases that store) a recipient already accepted in this transaction, by its
 * canonical key (the token's kind/thread/user; postmaster by domain) → 250, stored only once
 * ({@link Transaction#store}; the same reply address repeated, or in another letter case, must not
 * post the same reply twice);</li>
 * <li>the noreply address → 250 and discarded when {@code noreply.discard} is on (remembered in
 * {@link Transaction}), else 550 5.1.1 "this address does not receive mail";</li>
 * <li>an address in the reply domain → 250 if {@link ReplyAddressCodec#check} finds a valid signed
 * token, else 550 5.1.1 with a short fixed reason per {@link Refusal} (never the codec's own detail,
 * never key material);</li>
 * <li>other mail for the host name → 550 5.1.1 "User unknown";</li>
 * <li>any other domain → 550 5.7.1 "Relay access denied".</li>
 * </ol>
 * Each 550 5.1.1 ends with {@code ; help: <replyd.support>} when a support contact is configured.
 * It never returns DECLINED: James accepts a recipient every hook declined.
 *
 * <p>Placement: the only RcptHook in the chain (James's PostmasterAbuseRcptHook is left out: it would
 * accept postmaster@ of any domain).
 *
 * <p>Thread-safety: shared by all sessions; no mutable fields.
 */
final class RecipientPolicyHook implements RcptHook {

    private static final String POSTMASTER = "postmaster";
    /** Where James puts a recipient given without a domain (RcptCmdHandler#getDefaultDomain). */
    private static final String BARE_RECIPIENT_DOMAIN = "localhost";

    private final SmtpSettings settings;
    private final ReplyAddressCodec codec;
    private final SmtpMetrics metrics;

    RecipientPolicyHook(SmtpSettings settings, ReplyAddressCodec codec, SmtpMetrics metrics) {
        this.settings = settings;
        this.codec = codec;
        this.metrics = metrics;
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt, Map<String, String> parameters) {
        if (Transaction.of(session).isChunked()) {
            return SmtpReplies.asHookResult(SmtpReplies.RCPT_AFTER_BDAT);
        }
        if (session.getRcptCount() >= settings.maxRecipients()) {
            metrics.recipient("refused", "too_many_recipients");
            return SmtpReplies.asHookResult(SmtpReplies.TOO_MANY_RECIPIENTS);
        }
        String address = rcpt.asString();
        String domain = rcpt.getDomain().asString().toLowerCase(Locale.ROOT);
        if (rcpt.getLocalPart().equalsIgnoreCase(POSTMASTER) && (domain.equals(settings.hostname())
                || domain.equals(settings.replyDomain()) || domain.equals(BARE_RECIPIENT_DOMAIN))) {
            return accept(session, rcpt, "postmaster:" + domain, "postmaster");
        }
        if (address.toLowerCase(Locale.ROOT).equals(settings.noreplyAddress())) {
            if (settings.noreplyDiscard()) {
                Transaction.of(session).discard(rcpt);
                metrics.recipient("discarded", "noreply");
                return HookResult.OK;
            }
            metrics.recipient("refused", "noreply");
            return SmtpReplies.asHookResult(SmtpReplies.badMailbox(address, withHelp("this address does not receive mail")));
        }
        if (domain.equals(settings.replyDomain())) {
            AddressCheck check = codec.check(address);
            if (check.isValid()) {
                ReplyToken token = check.token().orElseThrow();
                // The purpose is part of the key: a reply and an unsubscribe for the same token are two messages.
                return accept(session, rcpt, check.purpose().name() + ":" + token.kind() + "/" + token.thread() + "/"
                        + token.user(), "accepted");
            }
            RefusalAnswer answer = RefusalAnswer.of(check.refusal());
            metrics.recipient("refused", answer.metricReason());
            return SmtpReplies.asHookResult(SmtpReplies.badMailbox(address, withHelp(answer.text())));
        }
        if (domain.equals(settings.hostname())) {
            metrics.recipient("refused", "unknown_user");
            return SmtpReplies.asHookResult(SmtpReplies.badMailbox(address, withHelp("User unknown")));
        }
        metrics.recipient("refused", "relay_denied");
        return SmtpReplies.asHookResult(SmtpReplies.relayDenied(address));
    }

    /** The refusal a person may read in a bounce, pointing at the support contact when one is configured. */
    private String withHelp(String reason) {
        return settings.support() == null ? reason : reason + "; help: " + settings.support();
    }

    /**
     * 250 for a recipient that gets a file; a repeat of one already accepted in this transaction (same
     * {@code canonicalKey}) gets 250 too but no second file.
     */
    private HookResult accept(SMTPSession session, MailAddress rcpt, String canonicalKey, String outcome) {
        if (Transaction.of(session).store(canonicalKey, rcpt)) {
            metrics.recipient(outcome, "none");
        } else {
            metrics.recipient("duplicate", "none");
        }
        return HookResult.OK;
    }

    /**
     * How a refused reply address is answered: {@code metricReason}, the metric label (one of a few
     * fixed words), and {@code text}, short and fixed: enough for a person reading a bounce, nothing
     * that helps forge a token.
     */
    record RefusalAnswer(String metricReason, String text) {

        static RefusalAnswer of(Refusal refusal) {
            return switch (refusal) {
                case WRONG_PREFIX, NOT_AN_ADDRESS, WRONG_DOMAIN -> new RefusalAnswer("unknown_user", "User unknown");
                case MALFORMED_TOKEN -> new RefusalAnswer("bad_token", "malformed reply token");
                case UNKNOWN_KIND -> new RefusalAnswer("unknown_kind", "unknown reply kind");
                case BAD_ID, ID_OVERFLOW -> new RefusalAnswer("bad_token", "invalid id in reply token");
                case BAD_SIGNATURE_LENGTH, BAD_SIGNATURE -> new RefusalAnswer("bad_token", "invalid reply signature");
            };
        }
    }
}
