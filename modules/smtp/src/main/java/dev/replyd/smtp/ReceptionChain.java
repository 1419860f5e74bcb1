package dev.replyd.smtp;

import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.maildir.Maildir;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.WiringException;
import org.apache.james.protocols.smtp.SMTPProtocolHandlerChain;
import org.apache.james.protocols.smtp.core.DataCmdHandler;
import org.apache.james.protocols.smtp.core.DataLineFilter;
import org.apache.james.protocols.smtp.core.HeloCmdHandler;
import org.apache.james.protocols.smtp.core.NoopCmdHandler;
import org.apache.james.protocols.smtp.core.PostmasterAbuseRcptHook;
import org.apache.james.protocols.smtp.core.QuitCmdHandler;
import org.apache.james.protocols.smtp.core.RcptCmdHandler;
import org.apache.james.protocols.smtp.core.ReceivedDataLineFilter;
import org.apache.james.protocols.smtp.core.RsetCmdHandler;
import org.apache.james.protocols.smtp.core.UnknownCmdHandler;
import org.apache.james.protocols.smtp.core.esmtp.StartTlsCmdHandler;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.protocols.smtp.hook.MessageHook;
import org.apache.james.protocols.smtp.hook.RcptHook;

/**
 * Assembles replyd's SMTP handler chain, explicitly, in the order James runs it, and checks that
 * order before the server starts.
 *
 * <p>Contract: James's default chain is not used: it contains PostmasterAbuseRcptHook (accepts
 * postmaster@ and abuse@ of any domain), ReceivedDataLineFilter (reverse DNS per message) and the
 * in-heap message store (the stock DataCmdHandler). The list, in order (the order matters: first
 * LineHandler = dispatcher, DataLineFilters nest first-outermost, hooks of a kind run in list order):
 * <ol>
 * <li>{@link CommandAccountingDispatcher};</li>
 * <li>commands: EHLO ({@link EhloReplyCmdHandler}), HELO, MAIL ({@link SingleSenderMailCmdHandler}, also
 * SMTPUTF8 and REQUIRETLS), RCPT, NOOP, QUIT, RSET, {@link StreamingDataCmdHandler} (DATA),
 * {@link BdatCmdHandler} (BDAT, CHUNKING), STARTTLS, unknown (VRFY, EXPN, HELP, AUTH get "500 5.5.1 unrecognized");</li>
 * <li>DATA line filters: {@link BareLineFeedFilter}, {@link MessageSizeExtension}, {@link MessageIdFilter},
 * {@link ForgedAuthResultsFilter}, {@link MessageBodyWriter} (James's dot-unstuffing, end of data and
 * message hooks, plus long-line pieces);</li>
 * <li>connect/disconnect: {@link SessionLogHandler}, {@link ConnectionAdmissionHandler};</li>
 * <li>hooks: {@link StorageSpaceHook} (MAIL), {@link RecipientPolicyHook} (RCPT),
 * {@link MessageSizeExtension} then {@link MaildirDeliveryHook} (end of message).</li>
 * </ol>
 * {@link #ORDER} states the same order as data, one line per James role, and {@link #checkOrder}
 * holds the list to it (OkHttp's chain checks its interceptors the same way): the handlers that play
 * a role must be exactly those named, in that order, and the James handlers named above as absent must
 * be absent. The chain is then wired ({@code wireExtensibleHandlers}); without it the hooks never run
 * and every recipient is accepted.
 *
 * <p>Failures: a list that breaks its stated order or does not wire is a bug in this class; building
 * fails with {@link IllegalStateException} naming the misplaced handler, so the server never starts
 * with it.
 *
 * <p>Thread-safety: build once; the chain is read-only afterwards and shared by all sessions.
 */
final class ReceptionChain {

    /** The handlers that play {@code role}, in the order they must run, and why the order matters. */
    record Placement(Class<?> role, List<Class<? extends ProtocolHandler>> inOrder, String why) {
    }

    /** A James handler that must not be in the chain, and why. */
    record Absent(Class<? extends ProtocolHandler> handler, String why) {
    }

    /** The stated order, by role; {@link #checkOrder} holds every chain to it. */
    static final List<Placement> ORDER = List.of(
            new Placement(LineHandler.class, List.of(CommandAccountingDispatcher.class),
                    "the first LineHandler reads every command line"),
            new Placement(DataCmdHandler.class, List.of(StreamingDataCmdHandler.class),
                    "DATA streams to the Maildir; James's own DataCmdHandler keeps the message in the heap"),
            new Placement(DataLineFilter.class, List.of(BareLineFeedFilter.class, MessageSizeExtension.class,
                    MessageIdFilter.class, ForgedAuthResultsFilter.class, MessageBodyWriter.class),
                    "DATA line filters nest first-outermost: bare line feeds are refused before anything counts"
                            + " or reads a line, and MessageBodyWriter, which writes the line, is innermost"),
            new Placement(ConnectHandler.class, List.of(SessionLogHandler.class, ConnectionAdmissionHandler.class),
                    "a connection is logged before admission may refuse it"),
            new Placement(DisconnectHandler.class, List.of(SessionLogHandler.class, ConnectionAdmissionHandler.class),
                    "disconnects run in the order of connects"),
            new Placement(MailHook.class, List.of(StorageSpaceHook.class),
                    "MAIL is refused while storage is low"),
            new Placement(RcptHook.class, List.of(RecipientPolicyHook.class),
                    "the recipient policy alone decides RCPT"),
            new Placement(MessageHook.class, List.of(MessageSizeExtension.class, MaildirDeliveryHook.class),
                    "an oversized message is refused before the delivery hook commits it"));

    /** James handlers the chain must not contain. */
    static final List<Absent> ABSENT = List.of(
            new Absent(PostmasterAbuseRcptHook.class, "it accepts postmaster@ and abuse@ of any domain"),
            new Absent(ReceivedDataLineFilter.class, "it looks up reverse DNS for every message"));

    private ReceptionChain() {
    }

    static ReceptionProtocol build(SmtpSettings settings, ReplyAddressCodec codec, Maildir maildir,
            ServerState state, ConnectionAdmissionHandler admission, SmtpMetrics counters, InFlowDelay inFlow) {
        return protocol(handlers(settings, codec, maildir, state, admission, counters, inFlow), settings);
    }

    /** replyd's handlers, in the documented order. */
    static List<ProtocolHandler> handlers(SmtpSettings settings, ReplyAddressCodec codec, Maildir maildir,
            ServerState state, ConnectionAdmissionHandler admission, SmtpMetrics counters, InFlowDelay inFlow) {
        MetricFactory metrics = new NoopMetricFactory();
        MessageSizeExtension size = new MessageSizeExtension(counters);
        CommandAccountingDispatcher dispatcher = new CommandAccountingDispatcher(settings, state);
        StreamingDataCmdHandler data = new StreamingDataCmdHandler(metrics, maildir, settings.hostname(), Clock.systemUTC());
        MessageIdFilter messageIds = new MessageIdFilter();
        ForgedAuthResultsFilter forgedAuthResults = new ForgedAuthResultsFilter(settings);
        MessageBodyWriter writer = new MessageBodyWriter();
        return List.of(
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
    }

    /** Checks {@code handlers} against {@link #ORDER} and {@link #ABSENT}, then wires them into a protocol. */
    static ReceptionProtocol protocol(List<ProtocolHandler> handlers, SmtpSettings settings) {
        checkOrder(handlers);
        SMTPProtocolHandlerChain chain = new SMTPProtocolHandlerChain(new NoopMetricFactory(), false);
        chain.addAll(handlers);
        try {
            chain.wireExtensibleHandlers();
        } catch (WiringException e) {
            throw new IllegalStateException("SMTP handler chain does not wire: " + e.getMessage()
                    + " (a bug in ReceptionChain's handler list)", e);
        }
        return new ReceptionProtocol(chain, new ReceptionConfiguration(settings));
    }

    /**
     * Throws {@link IllegalStateException} naming the first handler that breaks the stated order: one of
     * {@link #ABSENT}, or a handler where {@link #ORDER} expects another (or none), or a missing one.
     */
    static void checkOrder(List<? extends ProtocolHandler> handlers) {
        for (Absent absent : ABSENT) {
            for (ProtocolHandler handler : handlers) {
                if (absent.handler().isInstance(handler)) {
                    throw new IllegalStateException("SMTP handler chain: " + name(handler) + " must not be in it ("
                            + absent.why() + "; a bug in ReceptionChain's handler list)");
                }
            }
        }
        for (Placement placement : ORDER) {
            List<ProtocolHandler> playing = new ArrayList<>();
            for (ProtocolHandler handler : handlers) {
                if (placement.role().isInstance(handler)) {
                    playing.add(handler);
                }
            }
            for (int i = 0; i < Math.max(playing.size(), placement.inOrder().size()); i++) {
                Class<?> expected = i < placement.inOrder().size() ? placement.inOrder().get(i) : null;
                ProtocolHandler found = i < playing.size() ? playing.get(i) : null;
                if (found != null && found.getClass() == expected) {
                    continue;
                }
                String role = placement.role().getSimpleName();
                String where = found == null
                        ? "has no " + expected.getSimpleName() + " as " + role + " " + (i + 1)
                        : "has " + name(found) + " as " + role + " " + (i + 1) + " (expected: "
                                + (expected == null ? "no more " + role + "s" : expected.getSimpleName()) + ")";
                throw new IllegalStateException("SMTP handler chain out of order: it " + where + "; the "
                        + role + "s must be, in this order: " + names(placement.inOrder()) + ", because "
                        + placement.why() + " (a bug in ReceptionChain's handler list)");
            }
        }
    }

    private static String name(ProtocolHandler handler) {
        return handler.getClass().getSimpleName();
    }

    private static String names(List<Class<? extends ProtocolHandler>> classes) {
        return classes.stream().map(Class::getSimpleName).collect(Collectors.joining(", "));
    }
}
