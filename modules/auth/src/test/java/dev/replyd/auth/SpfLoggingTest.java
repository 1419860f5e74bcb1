package dev.replyd.auth;

import static dev.replyd.auth.TestMessages.BODY;
import static dev.replyd.auth.TestMessages.replyFields;
import static dev.replyd.auth.TestMessages.stored;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * What a normal outcome costs in the log: a reply from a domain that publishes no SPF record is
 * ordinary mail, so it must not leave a stack trace or a warning behind (jSPF logs its internal
 * NoneException at WARN). Checked under each logging configuration replyd ships: the one bundled in
 * the daemon jar and the sample {@code config/logback.xml}.
 */
class SpfLoggingTest {

    @TempDir
    Path dir;

    @AfterEach
    void restoreTheTestLogging() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../daemon/src/main/resources/logback.xml", "../../config/logback.xml"})
    void aDomainWithoutSpfLeavesNoWarningAndNoStackTraceInTheLog(String shippedConfig) throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        context.putProperty("LOGS_DIRECTORY", dir.toString());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(Path.of(shippedConfig).toFile());
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> recorded = new ListAppender<>();
        recorded.start();
        root.addAppender(recorded);
        try (LoopbackDnsServer dns = LoopbackDnsServer.answering()) {
            SenderAuthenticator authenticator = new SenderAuthenticator(new SenderAuthenticator.Settings(
                    List.of(dns.address()), Duration.ofSeconds(2), "reply.test"));
            Path file = dir.resolve("reply.eml");
            Files.write(file, stored("alice@example.com", replyFields("alice@example.com"), BODY)
                    .getBytes(StandardCharsets.UTF_8));

            AuthResults results = authenticator.verify(file, InetAddress.getByName("192.0.2.10"), "mail.example.com",
                    "alice@example.com");

            assertThat(results.spf().result()).isEqualTo("none");
        } finally {
            root.detachAppender(recorded);
        }
        List<String> noisy = recorded.list.stream()
                .filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN) || event.getThrowableProxy() != null)
                .map(event -> event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage()
                        + (event.getThrowableProxy() == null ? "" : " / " + event.getThrowableProxy().getClassName()))
                .toList();
        assertThat(noisy).isEmpty();
    }
}
