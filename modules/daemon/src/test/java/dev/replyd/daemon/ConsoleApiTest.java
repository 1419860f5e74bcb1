package dev.replyd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.replyd.testing.LeakCheck;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's JSON API against the real daemon (a child process) on 127.0.0.1:0, with java.net.http:
 * a reply refused by the main app is found as a failure, inspected, redelivered and received; the test
 * email goes through a relay wanting AUTH, with the password masked; no secret is ever in an answer.
 */
class ConsoleApiTest {
  @RegisterExtension final LeakCheck leaks = LeakCheck.threads("replyd-child-").listeningPorts();
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void failedReplyIsFoundInspectedAndRedeliveredUntilTheMainAppReceivesIt() throws Exception {
    try (ConsoleDaemon d = new ConsoleDaemon(dir)) {
      d.deliver("alice@example.org", 7, "Re: Issue #7", "", "I agree with the plan.\r\n\r\nOn Mon, Bob wrote:\r\n> old text");
      d.await("the reply filed as failure", Duration.ofSeconds(60),
          () -> json(get(d, "/api/v1/deliveries?state=failure")).get("deliveries").size() == 1);

      JsonNode listed = json(get(d, "/api/v1/deliveries?state=failure&q=alice@EXAMPLE.org")).get("deliveries");
      assertThat(listed).hasSize(1);
      String id = listed.get(0).get("id").asText();
      assertThat(listed.get(0).get("reason").asText()).isEqualTo("callback_rejected");
      assertThat(json(get(d, "/api/v1/deliveries?q=nobody@example.org")).get("deliveries")).isEmpty();
      assertThat(json(get(d, "/api/v1/deliveries?q=thread-7@mail.example.org")).get("deliveries").get(0).get("id").asText())
          .isEqualTo(id);

      JsonNode detail = json(get(d, "/api/v1/deliveries/" + id));
      assertThat(detail.get("summary").get("state").asText()).isEqualTo("failure");
      assertThat(detail.get("summary").get("mail_from").asText()).isEqualTo("alice@example.org");
      assertThat(detail.get("attempt_count").asInt()).isEqualTo(1);
      assertThat(detail.get("attempts").get(0).get("status").asText()).isEqualTo("HTTP 403");
      assertThat(detail.get("attempts").get(0).get("response_excerpt").asText()).isEqualTo("{\"error\":\"thread is locked\"}");
      assertThat(detail.get("reply_text").asText()).isEqualTo("I agree with the plan.");
      assertThat(detail.get("removed").get(0).get("text").asText()).contains("On Mon, Bob wrote:");
      assertThat(detail.get("can_redeliver").asBoolean()).isTrue();

      d.mainAppAccepts();
      HttpResponse<String> redeliver = d.api("POST", "/api/v1/deliveries/" + id + "/redeliver", null);
      assertThat(redeliver.statusCode()).as(redeliver.body()).isEqualTo(200);
      d.await("the main app receiving the redelivered reply", Duration.ofSeconds(60), () -> d.received().size() == 1);
      assertThat(d.received().get(0)).contains("\"delivery_id\":\"" + id + "\"", "I agree with the plan.");
      d.await("the delivery filed as success", Duration.ofSeconds(60),
          () -> "success".equals(json(get(d, "/api/v1/deliveries/" + id)).get("summary").get("state").asText()));
      d.daemon.awaitLog(id + ": requeued for redelivery from the console by API token from 127.0.0.1", Duration.ofSeconds(10));

      HttpResponse<String> again = d.api("POST", "/api/v1/deliveries/" + id + "/redeliver", null);
      assertThat(again.statusCode()).isEqualTo(409);
      assertThat(again.body()).contains("only a delivery filed as failure can be redelivered; this one is success");
    }
  }

  @Test
  void statusAndTestEmailTellWhatTheyKnowAndNoSecret() throws Exception {
    try (ConsoleDaemon d = new ConsoleDaemon(dir)) {
      HttpResponse<String> status = d.api("GET", "/api/v1/status", null);
      HttpResponse<String> mail = d.api("POST", "/api/v1/test-email", "{\"to\": \"ops@example.org\"}");
      HttpResponse<String> bad = d.api("POST", "/api/v1/test-email", "{\"recipient\": 1}");

      assertThat(status.statusCode()).isEqualTo(200);
      JsonNode s = json(status);
      assertThat(s.get("node").asText()).isEqualTo("tracker.test");
      assertThat(s.get("ready").asBoolean()).as(status.body()).isTrue();
      assertThat(s.get("queues").findValuesAsText("state")).containsExactly("new", "processing", "deferred", "success",
          "failure", "postmaster");
      assertThat(status.body()).contains("\"callback.url\"", "key=<redacted>").doesNotContain("key=hidden");

      assertThat(mail.statusCode()).as(mail.body()).isEqualTo(200);
      JsonNode m = json(mail);
      assertThat(m.get("success").asBoolean()).as(mail.body()).isTrue();
      assertThat(m.get("transcript").asText()).contains("AUTH PLAIN ********", "RCPT TO:<ops@example.org>");
      assertThat(d.relay.awaitMessages(1, Duration.ofSeconds(30))).isTrue();
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("to: missing (expected {\\\"to\\\": \\\"address\\\"})");

      String base64Plain = java.util.Base64.getEncoder().encodeToString(("\0" + ConsoleDaemon.RELAY_USER + "\0"
          + ConsoleDaemon.RELAY_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      for (HttpResponse<String> r : java.util.List.of(status, mail)) {
        assertThat(r.body()).doesNotContain(ConsoleDaemon.KEY, ConsoleDaemon.SECRET, ConsoleDaemon.TOKEN,
            ConsoleDaemon.RELAY_PASSWORD, base64Plain);
      }
      assertThat(d.daemon.log()).doesNotContain(ConsoleDaemon.TOKEN, ConsoleDaemon.RELAY_PASSWORD);
      assertThat(DaemonSignalsTest.get(d.daemon.metricsPort, "/metrics")).contains("replyd_");
    }
  }

  @Test
  void statusShowsTheSmtpCertificateExpiry() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    DaemonSignalsTest.selfSigned("reply.tracker.test", cert, key);
    try (ConsoleDaemon d = new ConsoleDaemon(dir, "  smtp.tls { cert = \"" + cert + "\", key = \"" + key + "\" }\n")) {
      JsonNode status = json(get(d, "/api/v1/status"));

      assertThat(status.get("tls_certificate_expiry").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z \\([12] days from now\\)");
      assertThat(status.toString()).contains("STARTTLS with " + cert);
    }
  }

  private static HttpResponse<String> get(ConsoleDaemon d, String path) {
    try {
      HttpResponse<String> r = d.api("GET", path, null);
      assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
      return r;
    } catch (Exception e) {
      throw new AssertionError(path, e);
    }
  }

  private static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + r.body(), e);
    }
  }
}
