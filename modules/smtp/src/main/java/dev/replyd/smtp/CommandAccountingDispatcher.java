package dev.replyd.smtp;

import java.util.List;
import java.util.Locale;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandDispatcher;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.RcptCmdHandler;

/**
 * James's command dispatcher plus the per-session rules that need to see every command and reply.
 *
 * <p>Contract:
 * <ul>
 * <li>every reply is made printable ({@link SmtpReplies#printable}): James echoes client text;</li>
 * <li>a session marked closing ({@link ReceptionSession#markClosing()}) ignores every further line;</li>
 * <li>while the server drains for a stop, any command but QUIT outside a transaction → 421 4.3.2 and
 * close; a transaction already started runs to its end;</li>
 * <li>each reply is tallied for the disconnect line; each 4xx/5xx reply is written to the {@code mail}
 * log as a Postfix-style {@code NOQUEUE: reject: RCPT from …} line;</li>
 * <li>the reply that would exceed {@code max-errors} is replaced by 421 4.7.0 and the connection closed
 * (Postfix {@code smtpd_hard_error_limit}): a client probing addresses or speaking garbage is cut off.</li>
 * </ul>
 *
 * <p>Placement: the first handler in the chain (James uses the first LineHandler as the dispatcher).
 *
 * <p>Thread-safety: shared by all sessions; no mutable fields after wiring; state is in attachments.
 */
final class CommandAccountingDispatcher extends CommandDispatcher<SMTPSession> {

    private static final List<String> MANDATORY = List.of("HELO", "EHLO", "MAIL", "RCPT", "DATA", "RSET", "QUIT", "NOOP");

    private final ServerState state;
    private final int maxErrors;
    private final Response shuttingDown;
    private final Response tooManyErrors;

    CommandAccountingDispatcher(SmtpSettings settings, ServerState state) {
        super(MANDATORY);
        this.state = state;
        this.maxErrors = settings.maxErrors();
        this.shuttingDown = SmtpReplies.shuttingDown(settings.hostname());
        this.tooManyErrors = SmtpReplies.tooManyErrors(settings.hostname());
    }

    @Override
    public Response onLine(SMTPSession session, byte[] line) {
        if (ReceptionSession.of(session).isClosing()) {
            return null;
        }
        return super.onLine(session, line);
    }

    @Override
    protected Response dispatchCommandHandlers(SMTPSession session, Request request) {
        String command = request.getCommand();
        if (state.isDraining() && !"QUIT".equals(command) && !ReceptionSession.inTransaction(session)) {
            ReceptionSession.of(session).markClosing();
            return shuttingDown;
        }
        Response dispatched = super.dispatchCommandHandlers(session, request);
        if (dispatched == null) {
            return null;
        }
        return account(session, command, dispatched);
    }

    /**
     * The bookkeeping for one reply to {@code command}: made printable, tallied, a 4xx/5xx logged, the
     * error limit applied (the reply may become 421). Also used for replies that come after the
     * command's data (BDAT, {@link BdatCmdHandler}).
     */
    Response account(SMTPSession session, String command, Response reply) {
        Response response = SmtpReplies.printable(reply);
        SessionCounters counters = SessionCounters.of(session);
        boolean failed = response.getRetCode().startsWith("4") || response.getRetCode().startsWith("5");
        counters.count(command, !failed);
        if (!failed) {
            return response;
        }
        MailLog.reject(null, command.toUpperCase(Locale.ROOT), session, response, recipient(session, command));
        if (counters.errors() > maxErrors && !response.isEndSession()) {
            MailLog.tooManyErrors(session, counters.errors());
            ReceptionSession.of(session).markClosing();
            return tooManyErrors;
        }
        return response;
    }

    private static String recipient(SMTPSession session, String command) {
        if (!"RCPT".equals(command)) {
            return null;
        }
        return session.getAttachment(RcptCmdHandler.CURRENT_RECIPIENT, ProtocolSession.State.Transaction)
                .map(address -> address.asString())
                .orElse(null);
    }
}
