package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.replyd.maildir.Maildir;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.james.protocols.api.handler.CommandDispatcher;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.smtp.core.DataCmdHandler;
import org.apache.james.protocols.smtp.core.PostmasterAbuseRcptHook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handler chain's stated order is checked when the chain is built: replyd's own list passes, and
 * a list with a handler out of place, or with a James default that must be absent, is refused with a
 * message naming that handler.
 */
class ReceptionChainTest {

    @TempDir Path root;

    private List<ProtocolHandler> realHandlers() throws IOException {
        SmtpSettings settings = TestServer.settings();
        SmtpMetrics counters = new SmtpMetrics(new SimpleMeterRegistry());
        ServerState state = new ServerState();
        return ReceptionChain.handlers(settings, TestServer.codec(), Maildir.open(root), state,
                new ConnectionAdmissionHandler(settings, state, counters), counters, InFlowDelay.off());
    }

    private static <T> T find(List<ProtocolHandler> handlers, Class<T> type) {
        return handlers.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    @Test
    void replydsOwnChainPassesItsOrderCheckAndBuilds() throws IOException {
        List<ProtocolHandler> handlers = realHandlers();

        assertThatCode(() -> ReceptionChain.checkOrder(handlers)).doesNotThrowAnyException();
        assertThat(ReceptionChain.protocol(handlers, TestServer.settings())).isNotNull();
    }

    @Test
    void messageIdFilterBeforeTheSizeFilterIsRefusedNamingIt() throws IOException {
        List<ProtocolHandler> handlers = new ArrayList<>(realHandlers());
        ProtocolHandler size = find(handlers, MessageSizeExtension.class);
        handlers.remove(size);
        handlers.add(handlers.indexOf(find(handlers, MessageIdFilter.class)) + 1, size);

        assertThatThrownBy(() -> ReceptionChain.protocol(handlers, TestServer.settings()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("SMTP handler chain out of order: it has MessageIdFilter as DataLineFilter 2"
                        + " (expected: MessageSizeExtension); the DataLineFilters must be, in this order:"
                        + " BareLineFeedFilter, MessageSizeExtension, MessageIdFilter, ForgedAuthResultsFilter,"
                        + " MessageBodyWriter, because DATA line filters nest first-outermost: bare line feeds are"
                        + " refused before anything counts or reads a line, and MessageBodyWriter, which writes the"
                        + " line, is innermost (a bug in ReceptionChain's handler list)");
    }

    @Test
    void theBodyWriterNotInnermostIsRefusedNamingIt() throws IOException {
        List<ProtocolHandler> handlers = new ArrayList<>(realHandlers());
        ProtocolHandler writer = find(handlers, MessageBodyWriter.class);
        handlers.remove(writer);
        handlers.add(handlers.indexOf(find(handlers, MessageIdFilter.class)), writer);

        assertThatThrownBy(() -> ReceptionChain.checkOrder(handlers))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("SMTP handler chain out of order: it has MessageBodyWriter as DataLineFilter 3"
                        + " (expected: MessageIdFilter); the DataLineFilters must be, in this order:");
    }

    @Test
    void theDeliveryHookBeforeTheSizeHookIsRefusedNamingIt() throws IOException {
        List<ProtocolHandler> handlers = new ArrayList<>(realHandlers());
        ProtocolHandler delivery = find(handlers, MaildirDeliveryHook.class);
        handlers.remove(delivery);
        handlers.add(0, delivery);

        assertThatThrownBy(() -> ReceptionChain.protocol(handlers, TestServer.settings()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("SMTP handler chain out of order: it has MaildirDeliveryHook as MessageHook 1"
                        + " (expected: MessageSizeExtension); the MessageHooks must be, in this order:"
                        + " MessageSizeExtension, MaildirDeliveryHook, because an oversized message is refused"
                        + " before the delivery hook commits it (a bug in ReceptionChain's handler list)");
    }

    @Test
    void anotherLineHandlerBeforeTheDispatcherIsRefusedNamingIt() throws IOException {
        List<ProtocolHandler> handlers = new ArrayList<>(realHandlers());
        handlers.add(0, new CommandDispatcher<>());

        assertThatThrownBy(() -> ReceptionChain.checkOrder(handlers))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("SMTP handler chain out of order: it has CommandDispatcher as LineHandler 1"
                        + " (expected: CommandAccountingDispatcher); the LineHandlers must be, in this order:"
                        + " CommandAccountingDispatcher, because the first LineHandler reads every command line"
                        + " (a bug in ReceptionChain's handler list)");
    }

    @Test
    void jamesPostmasterAbuseHookIsRefusedWhereverItStands() throws IOException {
        List<ProtocolHandler> handlers = new ArrayList<>(realHandlers());
        handlers.add(new PostmasterAbuseRcptHook());

        assertThatThrownBy(() -> ReceptionChain.checkOrder(handlers))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("SMTP handler chain: PostmasterAbuseRcptHook must not be in it (it accepts postmaster@"
                        + " and abuse@ of any domain; a bug in ReceptionChain's handler list)");
    }

    @Test
    void jamesInHeapDataHandlerInsteadOfTheStreamingOneIsRefused() throws IOException {
        List<ProtocolHandler> handlers = new ArrayList<>(realHandlers());
        int data = handlers.indexOf(find(handlers, StreamingDataCmdHandler.class));
        handlers.set(data, new DataCmdHandler(new NoopMetricFactory()));

        assertThatThrownBy(() -> ReceptionChain.checkOrder(handlers))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("SMTP handler chain out of order: it has DataCmdHandler as DataCmdHandler 1"
                        + " (expected: StreamingDataCmdHandler); the DataCmdHandlers must be, in this order:"
                        + " StreamingDataCmdHandler, because DATA streams to the Maildir; James's own"
                        + " DataCmdHandler keeps the message in the heap (a bug in ReceptionChain's handler list)");
    }

    @Test
    void aMissingRecipientPolicyIsRefused() throws IOException {
        List<ProtocolHandler> handlers = new ArrayList<>(realHandlers());
        handlers.remove(find(handlers, RecipientPolicyHook.class));

        assertThatThrownBy(() -> ReceptionChain.checkOrder(handlers))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("SMTP handler chain out of order: it has no RecipientPolicyHook as RcptHook 1;"
                        + " the RcptHooks must be, in this order: RecipientPolicyHook, because the recipient"
                        + " policy alone decides RCPT (a bug in ReceptionChain's handler list)");
    }
}
