package dev.replyd.smtp;

import dev.replyd.maildir.ClientText;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.BaseRequest;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.MailCmdHandler;
import org.apache.james.protocols.smtp.core.esmtp.EhloExtension;

/**
 * MAIL FROM: one sender per transaction, SMTPUTF8 senders (RFC 6531) and REQUIRETLS (RFC 8689).
 *
 * <p>Why one sender: James 3.8.1's MailCmdHandler answers a nested MAIL with its own 503 and then,
 * like after any non-250 reply, removes the session's sender; the next MAIL is then accepted while
 * the first transaction's recipients stay, and the message is stored for them under the wrong sender
 * (found by the pipelining fuzz test). Here a nested MAIL gets {@code 503 5.5.1} before James's
 * handler runs, so the transaction in progress is untouched (RFC 5321 4.1.4: the 503 changes nothing).
 *
 * <p>SMTPUTF8: EHLO lists it. James's MailAddress takes ASCII only, so a sender with a UTF-8 local part
 * or an internationalized domain is checked here (no control, space or special character in the local
 * part, at most 64 octets of UTF-8; the domain must convert to ASCII with {@link IDN#toASCII}) and
 * James gets an ASCII stand-in (the A-label domain; the local part itself when it is ASCII); the
 * sender as written is kept in {@link Transaction} and is what the {@code mail} log (escaped) and the
 * stored Return-Path show. The reply is {@code 250 2.1.0 Ok} (the stand-in is not echoed). A non-ASCII
 * sender without the SMTPUTF8 parameter → 553 5.6.7; a malformed one → 501 5.1.7. The parameter itself
 * is remembered (Received "with UTF8SMTP", RFC 6531 3.7.4). Reply addresses stay ASCII: recipients
 * still go through James's parser and the HMAC check.
 *
 * <p>REQUIRETLS: EHLO lists it once TLS is active (RFC 8689 4.1; STARTTLS is only offered when TLS is
 * configured). The parameter on a session without TLS → 530 5.7.10. replyd is the final hop, so
 * there is nothing further to require.
 *
 * <p>Placement: replaces MailCmdHandler in the chain. Thread-safety: shared by all sessions; no
 * mutable fields.
 */
final class SingleSenderMailCmdHandler extends MailCmdHandler implements EhloExtension {

    private static final String SMTPUTF8 = "SMTPUTF8";
    private static final String REQUIRETLS = "REQUIRETLS";
    private static final int MAX_LOCAL_PART_OCTETS = 64;
    private static final String SPECIALS = "<>()[]\\,;:@\" ";

    SingleSenderMailCmdHandler(MetricFactory metrics) {
        super(metrics);
    }

    @Override
    public List<String> getImplementedEsmtpFeatures(SMTPSession session) {
        return session.isTLSStarted() ? List.of(SMTPUTF8, REQUIRETLS) : List.of(SMTPUTF8);
    }

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        if (session.getAttachment(SMTPSession.SENDER, ProtocolSession.State.Transaction).isPresent()) {
            return SmtpReplies.NESTED_MAIL;
        }
        String argument = request.getArgument();
        int open = argument == null ? -1 : argument.indexOf('<');
        int close = open < 0 ? -1 : argument.indexOf('>', open);
        if (close < 0) {
            return super.onCommand(session, request);
        }
        List<String> parameters = parameters(argument.substring(close + 1));
        boolean smtputf8 = parameters.contains(SMTPUTF8);
        if (parameters.contains(REQUIRETLS) && !session.isTLSStarted()) {
            return SmtpReplies.REQUIRETLS_WITHOUT_TLS;
        }
        String sender = argument.substring(open + 1, close);
        if (isAscii(sender)) {
            Response response = super.onCommand(session, request);
            accepted(session, response, smtputf8, null);
            return response;
        }
        if (!smtputf8) {
            return SmtpReplies.SMTPUTF8_REQUIRED;
        }
        String standIn = asciiStandIn(sender);
        if (standIn == null) {
            return SmtpReplies.BAD_UTF8_SENDER;
        }
        Request ascii = new BaseRequest(request.getCommand(),
                argument.substring(0, open + 1) + standIn + argument.substring(close));
        Response response = super.onCommand(session, ascii);
        if (accepted(session, response, true, sender)) {
            return SmtpReplies.SENDER_OK;
        }
        return response;
    }

    /** Records the SMTPUTF8 facts of an accepted MAIL; true when {@code response} accepted it. */
    private static boolean accepted(SMTPSession session, Response response, boolean smtputf8, String utf8Sender) {
        if (response == null || !response.getRetCode().startsWith("2")) {
            return false;
        }
        Transaction transaction = Transaction.of(session);
        if (smtputf8) {
            transaction.smtpUtf8();
        }
        if (utf8Sender != null) {
            transaction.utf8Sender(utf8Sender);
        }
        return true;
    }

    /** The upper-cased keywords of the MAIL parameters (values dropped). */
    private static List<String> parameters(String text) {
        List<String> keywords = new ArrayList<>();
        for (String parameter : text.trim().split(" +")) {
            if (!parameter.isEmpty()) {
                int equals = parameter.indexOf('=');
                keywords.add((equals < 0 ? parameter : parameter.substring(0, equals)).toUpperCase(Locale.ROOT));
            }
        }
        return keywords;
    }

    /** An ASCII address James accepts in place of {@code sender}, or null when it is no address. */
    static String asciiStandIn(String sender) {
        int at = sender.lastIndexOf('@');
        if (at <= 0 || at == sender.length() - 1) {
            return null;
        }
        String local = sender.substring(0, at);
        if (local.getBytes(StandardCharsets.UTF_8).length > MAX_LOCAL_PART_OCTETS
                || local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            return null;
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || SPECIALS.indexOf(c) >= 0 || Character.isWhitespace(c)
                    || (Character.isSurrogate(c) && !validPair(local, i)) || ClientText.escape(String.valueOf(c)).length() > 1) {
                return null;
            }
        }
        String domain;
        try {
            domain = IDN.toASCII(sender.substring(at + 1), IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (domain.isEmpty() || domain.endsWith(".")) {
            return null;
        }
        return (isAscii(local) ? local : "smtputf8-sender") + "@" + domain;
    }

    private static boolean validPair(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
