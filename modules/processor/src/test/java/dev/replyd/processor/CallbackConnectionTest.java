package dev.replyd.processor;

import static dev.replyd.processor.Fixtures.deliver;
import static dev.replyd.processor.Fixtures.fixture;
import static dev.replyd.processor.Fixtures.replyAddress;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the callback uses connections: HTTP/1.1, chosen explicitly; and main apps that close
 * connections the client would like to reuse (HTTP/1.0 servers, idle timeouts, a connection
 * dropped under a request) are healthy: every reply reaches them once per delivery, without a
 * deferral. The peers are real processes on loopback (Python {@code http.server}).
 */
class CallbackConnectionTest extends ProcessorHarness {

  /**
   * "Without deferral" must not depend on the machine's speed: a Python main app on a busy
   * machine may take seconds to answer, and a post that times out is deferred. A slow answer is
   * not what these tests are about.
   */
  private static final Duration UNHURRIED = Duration.ofSeconds(60);

  @TempDir Path appDir;

  @Test
  void postsAreHttp11WithoutOfferingAnH2cUpgrade() throws Exception {
    start(Fixtures.settings(receiver.url()));

    String name = deliverAndAwaitFiled(fixture("plain.eml"), MaildirLayout.SUCCESS);

    assertThat(receiver.requests()).singleElement().satisfies(request -> {
      assertThat(request.protocol()).isEqualTo("HTTP/1.1");
      assertThat(request.upgrade()).isNull();
    });
  }

  @Test
  void aBurstToAnHttp10MainAppThatClosesEveryConnectionIsPostedOnceEachWithoutDeferral() throws Exception {
    try (PythonMainApp app = new PythonMainApp(appDir, "http10")) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        names.add(deliver(maildir, replyAddress(), fixture("plain.eml")));
      }

      start(Fixtures.settings(app.url(), s -> {
        s.threads = 20;
        s.callbackTimeout = UNHURRIED;
      }));

      Await.until("300 messages in success", Duration.ofMinutes(3),
          () -> names.stream().allMatch(name -> isIn(MaildirLayout.SUCCESS, name)));
      assertThat(processed("deferred", "none")).as("deferrals").isZero();
      assertThat(app.answered()).containsExactlyInAnyOrderElementsOf(names);
      assertThat(callbacks("2xx")).isEqualTo(300);
    }
  }

  @Test
  void aKeepAliveMainAppThatClosesIdleConnectionsGetsTheNextReplyWithoutDeferral() throws Exception {
    try (PythonMainApp app = new PythonMainApp(appDir, "idle-close", "--idle", "0.3")) {
      start(Fixtures.settings(app.url(), s -> {
        s.threads = 4;
        s.callbackTimeout = UNHURRIED;
      }));
      List<String> names = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        List<String> batch = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          batch.add(deliver(maildir, replyAddress(), fixture("plain.eml")));
        }
        Await.until("batch " + round + " in success", WAIT,
            () -> batch.stream().allMatch(name -> isIn(MaildirLayout.SUCCESS, name)));
        names.addAll(batch);
        // Idle past the main app's 0.3 s timeout, so the server closes the pooled connections.
        Thread.sleep(600);
      }

      assertThat(processed("deferred", "none")).as("deferrals").isZero();
      assertThat(app.answered()).containsExactlyInAnyOrderElementsOf(names);
    }
  }

  @Test
  void aPostOnAReusedConnectionThatTheMainAppDropsUnansweredIsSentAgainAtOnceAndCountedAsStale() throws Exception {
    try (PythonMainApp app = new PythonMainApp(appDir, "close-reused")) {
      start(Fixtures.settings(app.url(), s -> {
        s.threads = 1;
        s.callbackTimeout = UNHURRIED;
      }));

      String first = deliverAndAwaitFiled(fixture("plain.eml"), MaildirLayout.SUCCESS);
      String second = deliverAndAwaitFiled(fixture("plain.eml"), MaildirLayout.SUCCESS);

      assertThat(processed("deferred", "none")).as("deferrals").isZero();
      assertThat(app.answered()).containsExactly(first, second);
      assertThat(callbacks("stale_connection")).isEqualTo(1);
      assertThat(callbacks("2xx")).isEqualTo(2);
    }
  }
}
