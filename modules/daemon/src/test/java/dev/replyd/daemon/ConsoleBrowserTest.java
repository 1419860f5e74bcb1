package dev.replyd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.testing.LeakCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in a real browser (Debian's headless Chromium through chromedriver, W3C WebDriver) against
 * the real daemon: sign in, see the status, find the delivery the main app refused, open it, redeliver
 * it and watch it become a success while the main app receives it; send a test email through a relay
 * and read the SMTP conversation; run diagnose. A Subject with a script tag and an HTML-only reply with
 * an onerror image are shown as text, and no dialog ever opens. Screenshots of each page go to
 * target/console-screenshots/, and to docs/console/ (the README's pictures) when the build runs with
 * {@code -Dreplyd.update-screenshots=true}: a plain test run leaves the checkout as it was.
 */
class ConsoleBrowserTest {
  @RegisterExtension final LeakCheck leaks = LeakCheck.threads("replyd-child-").listeningPorts();
  static final Path SCREENSHOTS = Path.of(Boolean.getBoolean("replyd.update-screenshots")
      ? "../../docs/console" : "target/console-screenshots").toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void operatorFindsInspectsAndRedeliversAFailedReplyAndSendsATestEmail() throws Exception {
    try (ConsoleDaemon d = new ConsoleDaemon(dir);
         WebDriverClient browser = new WebDriverClient(Files.createDirectories(dir.resolve("chromium-profile")))) {
      d.deliver("alice@example.org", 7, "Re: [tracker] Issue #7: login fails after upgrade", "",
          "Confirmed: clearing the session cookie fixes it.\r\n\r\nOn Mon, Bob wrote:\r\n> Can you try clearing cookies?");
      d.deliver("mallory@example.org", 8, "<script>alert(1)</script>",
          "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n",
          "<html><body><p>Looks fine &lt;img src=x onerror=alert(1)&gt;</p><img src=x onerror=\"alert(2)\"></body></html>");
      d.await("both replies filed as failure", Duration.ofSeconds(90),
          () -> count(d, "incoming-mail/failure") == 2);
      String console = d.base() + "/console/";

      // Sign in.
      browser.open(console);
      browser.find("form[action='/console/login']");
      assertThat(browser.title()).isEqualTo("Sign in · replyd console");
      browser.type("#name", "Ann");
      browser.type("#token", ConsoleDaemon.TOKEN);
      browser.screenshot(SCREENSHOTS.resolve("login.png"));
      browser.click("form[action='/console/login'] button");

      // Status.
      browser.awaitText("main h1", "Status");
      assertThat(browser.text(".who")).contains("Ann (signed in from 127.0.0.1)");
      assertThat(browser.text("main")).contains("tracker.test", "Failure (not posted)", "127.0.0.1:" + d.daemon.smtpPort)
          .doesNotContain(ConsoleDaemon.SECRET, ConsoleDaemon.KEY, ConsoleDaemon.TOKEN, ConsoleDaemon.RELAY_PASSWORD);
      browser.windowHeight(1500);
      browser.screenshot(SCREENSHOTS.resolve("status.png"));

      // Deliveries: the failures, the hostile subject as text.
      browser.click("a[href='/console/deliveries?state=failure']");
      browser.awaitText("main h1", "Deliveries");
      assertThat(browser.text("table.deliveries")).contains("<script>alert(1)</script>", "alice@example.org",
          "callback_rejected");
      assertThat(browser.alertOpen()).isFalse();
      browser.windowHeight(900);
      browser.screenshot(SCREENSHOTS.resolve("deliveries.png"));

      // Search by sender and open it.
      browser.type("#q", "alice@example.org");
      browser.click("form.filters button");
      browser.awaitUrl("q=alice%40example.org");
      assertThat(browser.text("table.deliveries")).contains("alice@example.org").doesNotContain("mallory@example.org");
      browser.click("table.deliveries tbody tr a");
      assertThat(browser.awaitText("#delivery-state", "failure")).isEqualTo("failure");
      assertThat(browser.text("#delivery-reason")).isEqualTo("callback_rejected");
      assertThat(browser.text("#reply-text")).isEqualTo("Confirmed: clearing the session cookie fixes it.");
      assertThat(browser.text("main")).contains("HTTP 403", "{\"error\":\"thread is locked\"}");
      String detail = browser.url();
      browser.windowHeight(1700);
      browser.screenshot(SCREENSHOTS.resolve("delivery.png"));

      // Redeliver with confirmation; the main app now accepts.
      d.mainAppAccepts();
      browser.click("a.button[href$='/redeliver']");
      browser.awaitText("main h1", "Redeliver this reply?");
      browser.windowHeight(700);
      browser.screenshot(SCREENSHOTS.resolve("redeliver-confirm.png"));
      browser.click("#confirm");
      browser.awaitText("p.notice", "Requeued: replyd will post this reply to the main app again shortly.");
      browser.reloadUntil(detail, "#delivery-state", "success");
      d.await("the main app receiving the redelivered reply", Duration.ofSeconds(90), () -> d.received().size() == 1);
      assertThat(d.received().get(0)).contains("Confirmed: clearing the session cookie fixes it.");
      browser.windowHeight(1300);
      browser.screenshot(SCREENSHOTS.resolve("delivery-redelivered.png"));

      // The hostile one: its HTML-only reply shown as text, no image element, no dialog.
      browser.open(d.base() + "/console/deliveries?q=mallory");
      browser.awaitText("table.deliveries", "mallory@example.org");
      browser.click("table.deliveries tbody tr a");
      browser.awaitText("main h1", "Delivery ");
      assertThat(browser.text("#reply-text")).isEqualTo("Looks fine <img src=x onerror=alert(1)>");
      assertThat(browser.findAll("main img")).isEmpty();
      assertThat(browser.findAll("script")).isEmpty();
      assertThat(browser.alertOpen()).isFalse();
      browser.windowHeight(1500);
      browser.screenshot(SCREENSHOTS.resolve("delivery-hostile.png"));

      // Test email through the relay: the conversation with the password masked.
      browser.click("nav a[href='/console/test-email']");
      browser.awaitText("main h1", "Test email");
      browser.type("#to", "ops@example.org");
      browser.click("#send-test-email");
      assertThat(browser.awaitText("#result", "Sent")).startsWith("Sent");
      assertThat(browser.text("#transcript")).contains("AUTH PLAIN ********", "RCPT TO:<ops@example.org>", "250")
          .doesNotContain(ConsoleDaemon.RELAY_PASSWORD);
      assertThat(d.relay.awaitMessages(1, Duration.ofSeconds(60))).isTrue();
      browser.windowHeight(1400);
      browser.screenshot(SCREENSHOTS.resolve("test-email.png"));

      // Diagnose: the checklist with fixes.
      browser.click("nav a[href='/console/diagnose']");
      browser.awaitText("main h1", "Diagnose");
      browser.click("#run-diagnose");
      browser.awaitText("main h2", "Result: ");
      assertThat(browser.text("main table")).contains("storage writable", "callback ping", "?key=<redacted>")
          .doesNotContain("key=hidden");
      browser.windowHeight(1500);
      browser.screenshot(SCREENSHOTS.resolve("diagnose.png"));

      d.daemon.awaitLog("requeued for redelivery from the console by Ann (signed in from 127.0.0.1)", Duration.ofSeconds(10));
      d.daemon.awaitLog("console: test email to ops@example.org sent by Ann (signed in from 127.0.0.1): accepted by the relay",
          Duration.ofSeconds(10));
    }
  }

  private long count(ConsoleDaemon d, String state) {
    Path directory = dir.resolve("var").resolve(state);
    try (var files = Files.list(directory)) {
      return files.filter(p -> !p.getFileName().toString().endsWith(".reason.json")).count();
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
