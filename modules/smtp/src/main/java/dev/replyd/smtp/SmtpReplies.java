package dev.replyd.smtp;

import dev.replyd.maildir.ClientText;
import java.util.List;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;

/**
 * The SMTP replies replyd itself sends, in one place, each with the RFC section that defines it.
 *
 * <p>Contract: reply codes are RFC 5321 section 4.2.2/4.2.3; enhanced status codes (the first word of
 * every text) are RFC 3463 (classes 2/4/5, subjects x.1 address, x.3 mail system, x.4 network,
 * x.5 protocol, x.7 security). Texts are fixed and never carry secrets or internal paths: the detail
 * goes to the {@code mail} log. Replies that carry an address or id are built by the static methods.
 *
 * <p>Thread-safety: immutable ({@link Response#immutable()} instances, shared by all sessions).
 */
final class SmtpReplies {

    private SmtpReplies() {
    }

    /** RFC 5321 4.2.3 "354 Start mail input". */
    static final Response START_MAIL_INPUT = fixed("354", "End data with <CR><LF>.<CR><LF>");

    /** RFC 3463 5.5.1 (invalid command): DATA without any recipient that was accepted; RFC 5321 3.3. */
    static final Response NO_VALID_RECIPIENTS = fixed("554", "5.5.1 Error: no valid recipients");

    /** RFC 3463 4.3.0 (other mail system status): the Maildir could not store the message. */
    static final Response STORAGE_FAILED = fixed("451", "4.3.0 Error: queue file write error");

    /** RFC 3463 4.3.1 (mail system full): free space under {@code storage.min-free}, at MAIL FROM. */
    static final Response INSUFFICIENT_STORAGE = fixed("452", "4.3.1 Insufficient system storage");

    /** RFC 3463 4.5.3 (too many recipients), RFC 5321 4.5.3.1.8: the client retries the rest later. */
    static final Response TOO_MANY_RECIPIENTS = fixed("452", "4.5.3 Error: too many recipients");

    /** RFC 1870 6.2 / RFC 3463 5.3.4 (message too big for system), after the final dot. */
    static final Response MESSAGE_TOO_BIG = fixed("552", "5.3.4 Error: message file too big");

    /**
     * RFC 3463 5.5.2 (syntax error): a DATA line not ending in CR LF, or holding a bare CR or LF
     * (SMTP smuggling, CVE-2023-51764 family; RFC 5321 2.3.8 and 4.1.1.4). The connection is closed.
     */
    static final Response BARE_LINE_FEED = closing("550", "5.5.2 Error: bare <CR> or <LF> received in message data");

    /** RFC 3463 5.5.6 (syntax error: line too long), RFC 5321 4.5.3.1.4/4.5.3.1.6; the connection is closed. */
    static final Response LINE_TOO_LONG = closing("500", "5.5.6 Error: line too long");

    /**
     * RFC 3463 5.5.1 (invalid command), RFC 3207 4.2: a command pipelined behind STARTTLS would run
     * inside the TLS session without having been sent through it (CVE-2021-38542). Closes.
     */
    static final Response PIPELINED_STARTTLS = closing("554", "5.5.1 Error: command pipelined after STARTTLS");

    /** RFC 3463 4.3.0: an unexpected failure inside replyd (a bug); the client retries later. */
    static final Response INTERNAL_ERROR = fixed("451", "4.3.0 Error: internal error, try again later");

    /** RFC 3463 2.0.0; discarded because every recipient was the noreply address with discard on. */
    static final Response DISCARDED = fixed("250", "2.0.0 Ok: discarded");

    /** RFC 5321 4.1.4: MAIL may not be sent inside a transaction; RFC 3463 5.5.1 invalid command. */
    static final Response NESTED_MAIL = fixed("503", "5.5.1 Error: nested MAIL command");

    /** RFC 3030 2 / RFC 3463 5.5.4 (invalid command arguments): without a size the chunk's end is unknown, so the connection is closed. */
    static final Response BDAT_SYNTAX = closing("501", "5.5.4 Syntax: BDAT count [LAST]");

    /** RFC 3030 2 / RFC 5321 4.1.4: BDAT before MAIL FROM; the chunk is read and dropped. */
    static final Response BDAT_WITHOUT_MAIL = fixed("503", "5.5.1 Error: need MAIL command");

    /** RFC 3030 2 / RFC 5321 4.1.4: BDAT before HELO/EHLO; the chunk is read and dropped. */
    static final Response BDAT_WITHOUT_HELO = fixed("503", "5.5.1 Error: send HELO/EHLO first");

    /** RFC 3030 2: DATA and BDAT may not be mixed in one transaction ("503 Bad sequence of commands"). */
    static final Response DATA_AFTER_BDAT = fixed("503", "5.5.1 Error: DATA after BDAT in the same transaction; send RSET");

    /** RFC 5321 4.1.4 / RFC 3030 2: the envelope is fixed once the first chunk is stored. */
    static final Response RCPT_AFTER_BDAT = fixed("503", "5.5.1 Error: RCPT after BDAT in the same transaction");

    /** RFC 6531 3.4 / RFC 3463 5.6.7: a non-ASCII address without the SMTPUTF8 parameter. */
    static final Response SMTPUTF8_REQUIRED = fixed("553", "5.6.7 Error: SMTPUTF8 is required for a non-ASCII address");

    /** RFC 3463 5.1.7 (bad sender's mailbox address syntax): a UTF-8 address that is not one. */
    static final Response BAD_UTF8_SENDER = fixed("501", "5.1.7 Error: bad sender address syntax");

    /** RFC 8689 4.1 / RFC 3463 5.7.10: REQUIRETLS asked for on a session without TLS. */
    static final Response REQUIRETLS_WITHOUT_TLS = fixed("530", "5.7.10 Error: REQUIRETLS needs a TLS session");

    /** RFC 5321 4.2.3 "220 Service ready"; RFC 5321 4.3.1 wants the host name first. */
    static Response greeting(String hostname) {
        return new SMTPResponse("220", hostname + " ESMTP replyd").immutable();
    }

    /** RFC 5321 3.8 / RFC 3463 4.3.2 (system not accepting messages): replyd is shutting down. */
    static Response shuttingDown(String hostname) {
        return closing("421", "4.3.2 " + hostname + " Service shutting down, try again later");
    }

    /** RFC 3463 4.7.0 (security other): total or per-client connection limit reached. */
    static Response tooManyConnections(String hostname) {
        return closing("421", "4.7.0 " + hostname + " Error: too many connections, try again later");
    }

    /** RFC 3463 4.7.0: {@code smtp.max-errors} replies of class 4 or 5 in one session (Postfix hard error limit). */
    static Response tooManyErrors(String hostname) {
        return closing("421", "4.7.0 " + hostname + " Error: too many errors");
    }

    /** RFC 5321 4.5.3.2.7 / RFC 3463 4.4.2 (bad connection): idle or session time limit exceeded. */
    static Response timeout(String hostname) {
        return closing("421", "4.4.2 " + hostname + " Error: timeout exceeded");
    }

    /** RFC 3030 2: a BDAT chunk (not the last) was received and written. */
    static Response chunkReceived(long octets) {
        return fixed("250", "2.0.0 Ok: " + octets + " octets received");
    }

    /** RFC 3463 2.1.0: a sender accepted; used for SMTPUTF8 senders, which are not echoed. */
    static final Response SENDER_OK = fixed("250", "2.1.0 Ok");

    /** RFC 3463 2.0.0; sent only after {@code Delivery.commit()} returned (file and name fsynced). */
    static Response queued(String queueId) {
        return fixed("250", "2.0.0 Ok: queued as " + queueId);
    }

    /** RFC 3463 5.1.1 (bad destination mailbox address), RFC 5321 3.6.2: refused at RCPT, no backscatter. */
    static Response badMailbox(String address, String reason) {
        return fixed("550", "5.1.1 <" + address + ">: Recipient address rejected: " + reason);
    }

    /** RFC 3463 5.7.1 (delivery not authorized), RFC 5321 3.6.2/7.1: replyd is never an open relay. */
    static Response relayDenied(String address) {
        return fixed("550", "5.7.1 <" + address + ">: Relay access denied");
    }

    /**
     * The same reply as a James hook result: 2xx → OK, 4xx → DENYSOFT, 5xx → DENY, closing replies also
     * disconnect. James rebuilds the reply from the code and the text.
     */
    static HookResult asHookResult(Response reply) {
        List<CharSequence> lines = reply.getLines();
        String text = lines.get(lines.size() - 1).toString().substring(reply.getRetCode().length() + 1);
        HookReturnCode code;
        switch (reply.getRetCode().charAt(0)) {
            case '2':
                code = HookReturnCode.ok();
                break;
            case '4':
                code = HookReturnCode.denySoft();
                break;
            default:
                code = HookReturnCode.deny();
                break;
        }
        if (reply.isEndSession()) {
            code = HookReturnCode.disconnected(code.getAction());
        }
        return HookResult.builder().hookReturnCode(code).smtpReturnCode(reply.getRetCode()).smtpDescription(text).build();
    }

    /**
     * The reply with every client-supplied character made visible ({@link ClientText#escape}): James's
     * own replies echo what the client sent ("500 5.5.1 Command FAKE\rINJECTED unrecognized"), and a
     * raw CR or ESC in a reply reaches the client's logs and terminals. Returns {@code reply} itself
     * when nothing needs escaping.
     */
    static Response printable(Response reply) {
        List<CharSequence> lines = reply.getLines();
        boolean clean = true;
        for (CharSequence line : lines) {
            String text = line.toString();
            clean &= ClientText.escape(text).equals(text);
        }
        if (clean) {
            return reply;
        }
        int prefix = reply.getRetCode().length() + 1;
        SMTPResponse escaped = new SMTPResponse(reply.getRetCode(), ClientText.escape(lines.get(0).toString().substring(prefix)));
        for (CharSequence line : lines.subList(1, lines.size())) {
            escaped.appendLine(ClientText.escape(line.toString().substring(prefix)));
        }
        escaped.setEndSession(reply.isEndSession());
        return escaped;
    }

    private static Response fixed(String code, String text) {
        return new SMTPResponse(code, text).immutable();
    }

    private static Response closing(String code, String text) {
        SMTPResponse response = new SMTPResponse(code, text);
        response.setEndSession(true);
        return response.immutable();
    }
}
