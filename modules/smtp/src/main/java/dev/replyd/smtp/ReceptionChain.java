package dev.replyd.smtp;

import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.maildir.Maildir;
import java.time.Clock;
import java.util.List;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.WiringException;
import org.apache.james.protocols.smtp.SMTPProtocolHandlerChain;
import org.apache.james.protocols.smtp.core.HeloCmdHandler;
import org.apache.james.protocols.smtp.core.NoopCmdHandler;
import org.apache.james.protocols.smtp.core.QuitCmdHandler;
import org.apache.james.protocols.smtp.core.RcptCmdHandler;
import org.apache.james.protocols.smtp.core.RsetCmdHandler;
import org.apache.james.protocols.smtp.core.UnknownCmdHandler;
import org.apache.james.protocols.smtp.core.esmtp.StartTlsCmdHandler;

/**
 * Assembles replyd's SMTP handler chain, explicitly, in the order James runs it.
 *
 * <p>Contract: James's default chain is not used: it contains PostmasterAbuseRcptHook (accepts
 * postmaster@ and abuse@ of any domain), ReceivedDataLineFilter (reverse DNS per message) and the
 * in-heap message store. The list, in order (the order matters: first LineHandler = dispatcher,
 * DataLineFilters nest first-outermost, hooks of a kind run in list order):
 * <ol>
 * <li>{@link CommandAccountingDispatcher};</li>
 * <li>commands: EHLO ({@link EhloReplyCmdHandler}), HELO, MAIL ({@link SingleSenderMailCmdHandler}, also
 * SMTPUTF8 and REQUIRETLS), RCPT, NOOP, QUIT, RSET, {@link StreamingDataCmdHandler} (DATA),
 * {@link BdatCmdHandler} (BDAT, CHUNKING), STARTTLS, unknown (VRFY, EXPN, HELP, AUTH get "500 5.5.1 unrecognized");</li>
 * <li>DATA line filters: {@link BareLineFeedFilter}, {@link MessageSizeExtension}, {@link MessageIdFilter},
 * {@link MessageBodyWriter} (James's dot-unstuffing, end of data and message hooks, plus long-line pieces);</li>
 * <li>connect/disconnect: {@link SessionLogHandler}, {@link ConnectionAdmissionHandler};</li>
 * <li>hooks: {@link StorageSpaceHook} (MAIL), {@link RecipientPolicyHook} (RCPT),
 * {@link MessageSizeExtension} then {@link MaildirDeliveryHook} (end of message).</li>
 * </ol>
 * The chain is wired ({@code wireExtensibleHandlers}) before use; without it the hooks never run and
 * every recipient is accepted.
 *
 * <p>Thread-safety: build once; the chain is read-only afterwards and shared by all sessions.
 */
final class ReceptionChain {

    private ReceptionChain() {
    }

    static ReceptionProtocol build(SmtpSettings settings, ReplyAddressCodec codec, Maildir maildir,
            ServerState state, ConnectionAdmissionHandler admission, SmtpMetrics counters, InFlowDelay inFlow) {
        MetricFactory metrics = new NoopMetricFactory();
        MessageSizeExtension size = new MessageSizeExtension(counters);
        CommandAccountingDispatcher dispatcher = new CommandAccountingDispatcher(settings, state);
        StreamingDataCmdHandler data = new StreamingDataCmdHandler(metrics, maildir, settings.hostname(), Clock.systemUTC());
        MessageIdFilter messageIds = new MessageIdFilter();
        ForgedAuthResultsFilter forgedAuthResults = new ForgedAuthResultsFilter(settings);
        MessageBodyWriter writer = new MessageBodyWriter();
        List<ProtocolHandler> handlers = List.of(
                dispatcher,
                new EhloReplyCmdHandler(metrics),
                new HeloCmdHandler(metrics),
                new SingleSenderMailCmdHandler(metrics),
                new RcptCmdHandler(metrics),
                new NoopCmdHandler(),
                new QuitCmdHandler(metrics),
                new RsetCmdHandler(),
                data,
                new BdatCmdHandler(data, writer, dispatcher, List.of(messageIds, forgedAuthResults), counters),
                new BareLineFeedFilter(),
                size,
                messageIds,
                forgedAuthResults,
                writer,
                new SessionLogHandler(counters),
                admission,
                new StartTlsCmdHandler(),
                new UnknownCmdHandler(metrics),
                new StorageSpaceHook(maildir, settings.minFreeBytes()),
                new RecipientPolicyHook(settings, codec, counters),
                new MaildirDeliveryHook(counters, inFlow));
        SMTPProtocolHandlerChain chain = new SMTPProtocolHandlerChain(metrics, false);
        chain.addAll(handlers);
        try {
            chain.wireExtensibleHandlers();
        } catch (WiringException e) {
            throw new IllegalStateException("SMTP handler chain does not wire: " + e.getMessage()
                    + " (a bug in ReceptionChain's handler list)", e);
        }
        return new ReceptionProtocol(chain, new ReceptionConfiguration(settings));
    }
}
