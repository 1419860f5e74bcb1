package dev.replyd.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's actions over real HTTP with a bearer token: redeliver all failures of one reason after a
 * confirmation page, the support bundle download, diagnose through the API, listing filters and status.
 */
class ConsoleActionsTest {
  static final String FORM = "application/x-www-form-urlencoded";

  @TempDir Path dir;

  @Test
  void redeliveringAReasonAsksFirstThenRequeuesOnlyThatReason() throws Exception {
    try (ConsoleServer console = new ConsoleServer(dir.resolve("var"), false, null)) {
      String a = console.fileFailure("a@example.org", "r@reply.tracker.test", "Subject: a\r\n\r\na\r\n", "retries_exhausted", 503, "down");
      String b = console.fileFailure("b@example.org", "r@reply.tracker.test", "Subject: b\r\n\r\nb\r\n", "retries_exhausted", 503, "down");
      String c = console.fileFailure("c@example.org", "r@reply.tracker.test", "Subject: c\r\n\r\nc\r\n", "empty_reply", null, null);

      HttpResponse<String> confirm = console.get("/console/redeliver?reason=retries_exhausted", ConsoleSecurityTest.bearer());
      assertThat(confirm.body()).contains("Redeliver all 2 failures of reason retries_exhausted?");
      assertThat(console.maildir.list("incoming-mail/failure")).hasSize(3);

      HttpResponse<String> done = console.post("/console/redeliver", FORM, "reason=retries_exhausted",
          ConsoleSecurityTest.bearer());

      assertThat(done.statusCode()).isEqualTo(303);
      assertThat(console.maildir.list("mail/reply/new")).containsExactlyInAnyOrder(a, b);
      assertThat(console.maildir.list("incoming-mail/failure")).containsExactly(c);
      assertThat(console.post("/console/redeliver", FORM, "reason=retries_exhausted", ConsoleSecurityTest.bearer())
          .statusCode()).isEqualTo(404);
    }
  }

  @Test
  void listingFiltersByStateAndStatusCountsAndNamesTheFailingCheck() throws Exception {
    try (ConsoleServer console = new ConsoleServer(dir.resolve("var"), false, null)) {
      String failed = console.fileFailure("a@example.org", "r@reply.tracker.test", "Subject: old\r\n\r\na\r\n",
          "callback_rejected", 403, "no");
      String waiting = console.deliver("b@example.org", "r@reply.tracker.test", "Subject: new\r\n\r\nb\r\n");

      String all = console.get("/api/v1/deliveries", ConsoleSecurityTest.bearer()).body();
      String onlyNew = console.get("/api/v1/deliveries?state=new", ConsoleSecurityTest.bearer()).body();
      HttpResponse<String> bad = console.get("/api/v1/deliveries?state=lost", ConsoleSecurityTest.bearer());
      String status = console.get("/console/", ConsoleSecurityTest.bearer()).body();

      assertThat(all.indexOf(waiting)).as("newest first").isLessThan(all.indexOf(failed)).isPositive();
      assertThat(onlyNew).contains(waiting).doesNotContain(failed);
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("state: unknown (expected one of new, processing, deferred, success, failure, postmaster)");
      assertThat(status).contains("not ready", "last callback attempt failed: HTTP 503", "1h 2m", "9.9.9-test")
          .contains("<code>callback_rejected</code> from a@example.org: old");
    }
  }

  @Test
  void supportBundleIsAGzipAttachmentAndDiagnoseRunsThroughTheApi() throws Exception {
    try (ConsoleServer console = new ConsoleServer(dir.resolve("var"), false, null)) {
      HttpResponse<byte[]> bundle = console.http.send(HttpRequest.newBuilder(URI.create(console.base()
          + "/console/support-bundle")).timeout(Duration.ofSeconds(120)).headers(ConsoleSecurityTest.bearer())
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
      HttpResponse<String> diagnose = console.post("/api/v1/diagnose", "application/json", "", ConsoleSecurityTest.bearer());
      HttpResponse<String> getBundle = console.get("/console/support-bundle", ConsoleSecurityTest.bearer());

      assertThat(bundle.statusCode()).isEqualTo(200);
      assertThat(bundle.headers().firstValue("Content-Type")).hasValue("application/gzip");
      assertThat(bundle.headers().firstValue("Content-Disposition").orElseThrow()).matches("attachment; filename=\"replyd-support-\\d+\\.tar\\.gz\"");
      assertThat(bundle.body()[0] & 0xff).isEqualTo(0x1f);
      assertThat(bundle.body()[1] & 0xff).isEqualTo(0x8b);
      assertThat(diagnose.statusCode()).isEqualTo(200);
      assertThat(diagnose.body()).contains("\"name\" : \"config\"", "\"status\" : \"PASS\"", "\"summary\" : ");
      assertThat(getBundle.statusCode()).isEqualTo(405);
    }
  }

  @Test
  void deferredDeliveryShowsItsNextAttemptAndItsAttemptsSoFar() throws Exception {
    try (ConsoleServer console = new ConsoleServer(dir.resolve("var"), false, null)) {
      String name = console.deliver("a@example.org", "r@reply.tracker.test", "Subject: later\r\n\r\nsoon\r\n");
      console.maildir.claim(name).orElseThrow();
      console.maildir.defer(name, ("{\"attempts\":2,\"first_attempt_at\":\"2026-12-06T00:00:00Z\","
          + "\"next_attempt_at\":\"2026-12-06T01:00:00Z\",\"last_status\":503,\"last_error\":null,\"history\":["
          + "{\"at\":\"2026-12-06T00:00:00Z\",\"duration_ms\":5,\"status\":503,\"error\":null,\"body_excerpt\":\"busy\"},"
          + "{\"at\":\"2026-12-06T00:01:00Z\",\"duration_ms\":30000,\"status\":null,"
          + "\"error\":\"java.net.http.HttpTimeoutException: request timed out\",\"body_excerpt\":null}]}")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));

      String list = console.get("/api/v1/deliveries?state=deferred", ConsoleSecurityTest.bearer()).body();
      String detail = console.get("/api/v1/deliveries/" + name, ConsoleSecurityTest.bearer()).body();
      HttpResponse<String> redeliver = console.post("/api/v1/deliveries/" + name + "/redeliver", "application/json", "",
          ConsoleSecurityTest.bearer());

      assertThat(list).contains("\"next_attempt\" : \"2026-12-06T01:00:00Z\"");
      assertThat(detail).contains("\"attempt_count\" : 2", "\"status\" : \"HTTP 503\"",
          "\"status\" : \"java.net.http.HttpTimeoutException: request timed out\"", "\"can_redeliver\" : false");
      assertThat(redeliver.statusCode()).isEqualTo(409);
      assertThat(console.maildir.deferred()).containsExactly(name);
    }
  }

  @Test
  void callbackUrlQueryIsNotShownInTheChecklist() {
    assertThat(Operations.withoutUrlSecrets("https://user:pw@tracker.example.com:8443/hooks/replyd?key=abc answered 200"))
        .isEqualTo("https://tracker.example.com:8443/hooks/replyd?key=<redacted> answered 200");
  }
}
