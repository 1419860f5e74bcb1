package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.replyd.maildir.Maildir;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.james.protocols.api.handler.CommandDispatcher;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.smtp.core.DataCmdHandler;
import org.apache.james.protocols.smtp.core.PostmasterAbuseRcptHook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

    private static ProtocolHandler find(List<ProtocolHandler> handlers, Class<?> type) {
        return handlers.stream().filter(type::isInstance).findFirst().orElseThrow();
    }

    @Test
    void replydsOwnChainPassesItsOrderCheckAndBuilds() throws IOException {
        List<ProtocolHandler> handlers = realHandlers();

        assertThatCode(() -> ReceptionChain.checkOrder(handlers)).doesNotThrowAnyException();
        assertThat(ReceptionChain.protocol(handlers, TestServer.settings())).isNotNull();
    }

    @ParameterizedTest(name = "a chain with {0} is refused, naming it")
    @MethodSource("wrongChains")
    void aChainWithAHandlerOutOfPlaceOrThatMustBeAbsentIsRefusedNamingIt(UnaryOperator<List<ProtocolHandler>> change,
            String message) throws IOException {
        List<ProtocolHandler> handlers = change.apply(new ArrayList<>(realHandlers()));

        assertThatThrownBy(() -> ReceptionChain.checkOrder(handlers))
                .isInstanceOf(IllegalStateException.class).hasMessage(message);
        assertThatThrownBy(() -> ReceptionChain.protocol(handlers, TestServer.settings()))
                .isInstanceOf(IllegalStateException.class).hasMessage(message);
    }

    /** A change to replyd's own handler list, and the refusal naming the handler it puts out of place. */
    static Stream<Arguments> wrongChains() {
        String dataLineFilters = "; the DataLineFilters must be, in this order: BareLineFeedFilter, MessageSizeExtension,"
                + " MessageIdFilter, ForgedAuthResultsFilter, MessageBodyWriter, because DATA line filters nest"
                + " first-outermost: bare line feeds are refused before anything counts or reads a line, and"
                + " MessageBodyWriter, which writes the line, is innermost (a bug in ReceptionChain's handler list)";
        return Stream.of(
                arguments(named("the message-id filter before the size filter",
                        moved(MessageSizeExtension.class, after(MessageIdFilter.class))),
                        "SMTP handler chain out of order: it has MessageIdFilter as DataLineFilter 2"
                                + " (expected: MessageSizeExtension)" + dataLineFilters),
                arguments(named("the body writer not innermost", moved(MessageBodyWriter.class, before(MessageIdFilter.class))),
                        "SMTP handler chain out of order: it has MessageBodyWriter as DataLineFilter 3"
                                + " (expected: MessageIdFilter)" + dataLineFilters),
                arguments(named("the delivery hook before the size hook", moved(MaildirDeliveryHook.class, handlers -> 0)),
                        "SMTP handler chain out of order: it has MaildirDeliveryHook as MessageHook 1 (expected:"
                                + " MessageSizeExtension); the MessageHooks must be, in this order: MessageSizeExtension,"
                                + " MaildirDeliveryHook, because an oversized message is refused before the delivery hook"
                                + " commits it (a bug in ReceptionChain's handler list)"),
                arguments(named("another line handler before the dispatcher", changed(handlers ->
                                handlers.add(0, new CommandDispatcher<>()))),
                        "SMTP handler chain out of order: it has CommandDispatcher as LineHandler 1 (expected:"
                                + " CommandAccountingDispatcher); the LineHandlers must be, in this order:"
                                + " CommandAccountingDispatcher, because the first LineHandler reads every command line"
                                + " (a bug in ReceptionChain's handler list)"),
                arguments(named("James's postmaster and abuse hook, wherever it stands", changed(handlers ->
                                handlers.add(new PostmasterAbuseRcptHook()))),
                        "SMTP handler chain: PostmasterAbuseRcptHook must not be in it (it accepts postmaster@"
                                + " and abuse@ of any domain; a bug in ReceptionChain's handler list)"),
                arguments(named("James's in-heap DATA handler instead of the streaming one", changed(handlers ->
                                handlers.set(handlers.indexOf(find(handlers, StreamingDataCmdHandler.class)),
                                        new DataCmdHandler(new NoopMetricFactory())))),
                        "SMTP handler chain out of order: it has DataCmdHandler as DataCmdHandler 1 (expected:"
                                + " StreamingDataCmdHandler); the DataCmdHandlers must be, in this order:"
                                + " StreamingDataCmdHandler, because DATA streams to the Maildir; James's own"
                                + " DataCmdHandler keeps the message in the heap (a bug in ReceptionChain's handler list)"),
                arguments(named("no recipient policy", changed(handlers ->
                                handlers.remove(find(handlers, RecipientPolicyHook.class)))),
                        "SMTP handler chain out of order: it has no RecipientPolicyHook as RcptHook 1; the RcptHooks"
                                + " must be, in this order: RecipientPolicyHook, because the recipient policy alone"
                                + " decides RCPT (a bug in ReceptionChain's handler list)"));
    }

    /** The list with the handler of {@code type} taken out and put back at {@code position}, counted without it. */
    private static UnaryOperator<List<ProtocolHandler>> moved(Class<?> type,
            ToIntFunction<List<ProtocolHandler>> position) {
        return changed(handlers -> {
            ProtocolHandler handler = find(handlers, type);
            handlers.remove(handler);
            handlers.add(position.applyAsInt(handlers), handler);
        });
    }

    private static ToIntFunction<List<ProtocolHandler>> before(Class<?> type) {
        return handlers -> handlers.indexOf(find(handlers, type));
    }

    private static ToIntFunction<List<ProtocolHandler>> after(Class<?> type) {
        return handlers -> handlers.indexOf(find(handlers, type)) + 1;
    }

    /** The list after {@code change}, made in place. */
    private static UnaryOperator<List<ProtocolHandler>> changed(Consumer<List<ProtocolHandler>> change) {
        return handlers -> {
            change.accept(handlers);
            return handlers;
        };
    }
}
