package dev.replyd.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replyd.extract.ReplyExtractor;
import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.MaildirLayout;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Given-block shared by the processor tests: a real Maildir in a temporary directory, a real
 * receiver on loopback, and helpers to start the processor and read what it filed. Everything is
 * stopped after each test, which then fails if a processor thread survived stop() or a message
 * was left claimed in {@code cur/}.
 */
abstract class ProcessorHarness {

  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path root;
  Maildir maildir;
  CallbackReceiver receiver;
  Processor processor;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void openMaildirAndReceiver() throws IOException {
    maildir = Maildir.open(root);
    receiver = CallbackReceiver.start(Fixtures.CALLBACK_SECRET);
  }

  @AfterEach
  void stopEverything() throws Exception {
    if (processor != null) {
      processor.stop(Duration.ofSeconds(5));
    }
    if (receiver != null) {
      receiver.close();
    }
    Fixtures.await("the processor's threads to end", Duration.ofSeconds(5), () -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.isAlive() && PROCESSOR_THREAD.matcher(t.getName()).matches()));
    assertThat(maildir.backlog().claimed()).as("messages left claimed in cur/ after stop").isZero();
  }

  private static final Pattern PROCESSOR_THREAD = Pattern.compile("replyd-(worker|watch|timer|http|read)-\\d+");

  Processor start(ProcessorSettings settings) throws IOException {
    processor = Processor.start(settings, maildir, Fixtures.CODEC, new ReplyExtractor(ReplyExtractor.Settings.defaults()), registry);
    return processor;
  }

  boolean isIn(String state, String name) {
    return Files.exists(maildir.path(state, name));
  }

  /** Waits until {@code name} is filed in {@code state}. */
  void awaitFiled(String state, String name) throws InterruptedException {
    Fixtures.await(name + " in " + state, WAIT, () -> isIn(state, name));
  }

  JsonNode reasonFile(String name) throws IOException {
    return new ObjectMapper().readTree(maildir.path(MaildirLayout.FAILURE, name + MaildirLayout.REASON_SUFFIX).toFile());
  }

  JsonNode retryState(String name) throws IOException {
    return new ObjectMapper().readTree(maildir.retryState(name).orElseThrow(() -> new AssertionError("no retry state for " + name)));
  }
}
