package dev.replyd.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replyd.extract.ReplyExtractor;
import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.Await;
import dev.replyd.testing.LeakCheck;
import dev.replyd.testing.RecordingMainApp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given-block shared by the processor tests: a real Maildir in a temporary directory, a real
 * receiver on loopback, and helpers to start the processor and read what it filed. Everything is
 * stopped after each test, which then fails if a message was left claimed in {@code cur/}, and
 * {@link LeakCheck} fails it if a processor thread survived stop(), a port still listens or a
 * file was left in {@code tmp/}.
 */
abstract class ProcessorHarness {

  static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension final LeakCheck leaks =
      LeakCheck.threads("replyd-worker-", "replyd-watch-", "replyd-timer-", "replyd-http-", "replyd-read-").listeningPorts();

  @TempDir Path root;
  Maildir maildir;
  RecordingMainApp receiver;
  Processor processor;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void openMaildirAndReceiver() throws IOException {
    maildir = Maildir.open(root);
    leaks.watchTmp(root.resolve(MaildirLayout.TMP));
    receiver = RecordingMainApp.start(Fixtures.CALLBACK_SECRET);
  }

  @AfterEach
  void stopEverything() throws Exception {
    if (processor != null) {
      processor.stop(Duration.ofSeconds(5));
    }
    if (receiver != null) {
      receiver.close();
    }
    assertThat(maildir.backlog().claimed()).as("messages left claimed in cur/ after stop").isZero();
  }

  /** The replyd.processed counter for one outcome and reason (0 before the first count). */
  double processed(String outcome, String reason) {
    var c = registry.find("replyd.processed").tag("outcome", outcome).tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  /** The replyd.callback.requests counter for one status class (0 before the first count). */
  double callbacks(String statusClass) {
    var c = registry.find("replyd.callback.requests").tag("status_class", statusClass).counter();
    return c == null ? 0 : c.count();
  }

  Processor start(ProcessorSettings settings) throws IOException {
    processor = Processor.start(settings, maildir, Fixtures.CODEC, new ReplyExtractor(ReplyExtractor.Settings.defaults()), registry);
    return processor;
  }

  /** Starts with the default settings, the main app answering {@code responses} in turn. */
  Processor startAnswering(RecordingMainApp.Response... responses) throws IOException {
    receiver.respond(responses);
    return start(Fixtures.settings(receiver.url()));
  }

  boolean isIn(String state, String name) {
    return Files.exists(maildir.path(state, name));
  }

  /**
   * Delivers {@code message} to {@link Fixtures#replyAddress()} and waits until it is filed in
   * {@code state}; returns its name.
   */
  String deliverAndAwaitFiled(String message, String state) throws IOException, InterruptedException {
    String name = Fixtures.deliver(maildir, Fixtures.replyAddress(), message);
    awaitFiled(state, name);
    return name;
  }

  /**
   * Delivers {@code message}, waits for it in success/ and returns the one payload posted for it,
   * having checked what every post must be: signed with the shared secret, under the message's
   * delivery id, JSON the committed schema accepts.
   */
  JsonNode postedAlone(String message) throws IOException, InterruptedException {
    String name = deliverAndAwaitFiled(message, MaildirLayout.SUCCESS);
    List<RecordingMainApp.Request> requests = receiver.requests();
    assertThat(requests).hasSize(1);
    RecordingMainApp.Request request = requests.get(0);
    assertThat(request.signatureValid()).as("signature verifies with the shared secret").isTrue();
    assertThat(request.deliveryId()).isEqualTo(name);
    assertThat(request.contentType()).isEqualTo("application/json");
    JsonNode json = request.json();
    assertThat(PayloadSchema.violations(json)).as("schema violations").isEmpty();
    assertThat(json.get("delivery_id").asText()).isEqualTo(name);
    return json;
  }

  /** Waits until {@code name} is filed in {@code state}. */
  void awaitFiled(String state, String name) throws InterruptedException {
    Await.until(name + " in " + state, WAIT, () -> isIn(state, name));
  }

  JsonNode reasonFile(String name) throws IOException {
    return new ObjectMapper().readTree(maildir.path(MaildirLayout.FAILURE, name + MaildirLayout.REASON_SUFFIX).toFile());
  }

  /**
   * The envelope and token objects of a payload posted for a message {@link Fixtures#deliver} stored
   * for {@code recipient} (minted for {@link Fixtures#ISSUE_42_USER_7}), compared whole, so a field
   * the schema does not know fails too.
   */
  static void assertEnvelopeAndTokenOfTheFixtures(JsonNode payload, String recipient) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    assertThat(payload.get("envelope")).isEqualTo(mapper.readTree("""
        {"mail_from": "alice@example.org", "recipient": "%s", "client_ip": "192.0.2.25", "helo": "mx.example.org"}
        """.formatted(recipient)));
    assertThat(payload.get("address")).isEqualTo(mapper.readTree("""
        {"kind": "i", "thread": 42, "user": 7}"""));
  }

  JsonNode retryState(String name) throws IOException {
    return new ObjectMapper().readTree(maildir.retryState(name).orElseThrow(() -> new AssertionError("no retry state for " + name)));
  }
}
