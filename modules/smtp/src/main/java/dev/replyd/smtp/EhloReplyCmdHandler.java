package dev.replyd.smtp;

import java.util.List;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.EhloCmdHandler;

/**
 * James's EHLO handler with a well-formed first reply line.
 *
 * <p>Contract: as {@link EhloCmdHandler} (RFC 5321 4.1.1.1; the extension lines come from the
 * EhloExtensions in the chain), except that the first line reads {@code <hostname> Hello <client>
 * [<ip>]}: James 3.8.1 appends a stray ")" ("... [127.0.0.1])") that every peer then logs.
 * Other replies (501 without a domain) pass unchanged.
 *
 * <p>Thread-safety: shared by all sessions; no mutable fields after wiring.
 */
final class EhloReplyCmdHandler extends EhloCmdHandler {

    EhloReplyCmdHandler(MetricFactory metricFactory) {
        super(metricFactory);
    }

    @Override
    protected Response doCoreCmd(SMTPSession session, String command, String parameters) {
        Response reply = super.doCoreCmd(session, command, parameters);
        List<CharSequence> lines = reply.getLines();
        String first = text(reply, lines.get(0));
        if (!"250".equals(reply.getRetCode()) || !first.endsWith("])")) {
            return reply;
        }
        SMTPResponse fixed = new SMTPResponse(reply.getRetCode(), first.substring(0, first.length() - 1));
        for (CharSequence line : lines.subList(1, lines.size())) {
            fixed.appendLine(text(reply, line));
        }
        return fixed;
    }

    /** A reply line without its "250-" / "250 " prefix. */
    private static String text(Response reply, CharSequence line) {
        return line.toString().substring(reply.getRetCode().length() + 1);
    }
}
