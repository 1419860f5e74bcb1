package dev.replyd.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's guards, over real HTTP: sign-in, bearer tokens, CSRF, the Content-Security-Policy,
 * loopback without login and its Host check, and hostile message content shown as text.
 */
class ConsoleSecurityTest {
  static final String FORM = "application/x-www-form-urlencoded";
  static final String HOSTILE = "From: Mallory <mallory@example.org>\r\n"
      + "To: reply+i-1-x-5@reply.tracker.test\r\n"
      + "Subject: <script>alert(1)</script>\r\n"
      + "Message-ID: <hostile@example.org>\r\n"
      + "MIME-Version: 1.0\r\n"
      + "Content-Type: text/html; charset=utf-8\r\n"
      + "\r\n"
      + "<html><body><p>Fixed it &lt;img src=x onerror=alert(1)&gt;</p><img src=x onerror=\"alert(2)\"></body></html>\r\n";

  @TempDir Path dir;

  @Test
  void pageWithoutSignInIsSentToTheLoginFormAndTheApiAnswers401() throws Exception {
    try (ConsoleServer console = new ConsoleServer(dir, false, null)) {
      HttpResponse<String> page = console.get("/console/deliveries");
      HttpResponse<String> api = console.get("/api/v1/status");

      assertThat(page.statusCode()).isEqualTo(303);
      assertThat(page.headers().firstValue("Location")).hasValue("/console/login");
      assertThat(api.statusCode()).isEqualTo(401);
      assertThat(api.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"replyd console\"");
      assertThat(api.body()).contains("\"error\" : \"authentication required: send Authorization: Bearer <the content of console.token-file>\"");
    }
  }

  @Test
  void wrongBearerTokenIsRefusedEvenWithAValidSession() throws Exception {
    try (ConsoleServer console = new ConsoleServer(dir, false, null)) {
      HttpResponse<String> api = console.get("/api/v1/status", "Authorization", "Bearer not-the-token");

      assertThat(api.statusCode()).isEqualTo(401);
      assertThat(api.body()).contains("the bearer token is not the one in console.token-file");
      assertThat(api.body()).doesNotContain(ConsoleServer.TOKEN);
    }
  }

  @Test
  void everyAnswerCarriesTheStrictContentSecurityPolicy() throws Exception {
    try (ConsoleServer console = new ConsoleServer(dir, false, null)) {
      for (HttpResponse<String> r : new HttpResponse[] {console.get("/console/login"),
          console.get("/console/", bearer()), console.get("/api/v1/status", bearer()),
          console.get("/console/no-such-page", bearer()), console.get("/console/static/console.css")}) {
        assertThat(r.headers().firstValue("Content-Security-Policy")).as(r.uri().toString())
            .hasValue("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.body()).doesNotContain("<script");
      }
    }
  }

  @Test
  void loginWithTheTokenGivesANewSessionWhoseFormsNeedItsCsrfToken() throws Exception {
    try (ConsoleServer console = new ConsoleServer(dir, false, null)) {
      String name = console.fileFailure("bob@example.org", "reply+i-1-x-5@reply.tracker.test",
          "Subject: hi\r\n\r\nhello\r\n", "callback_rejected", 403, "locked");
      HttpResponse<String> form = console.get("/console/login");
      String preLogin = cookie(form);
      String loginCsrf = csrf(form.body());

      HttpResponse<String> wrong = console.post("/console/login", FORM, "csrf=" + loginCsrf + "&token=guess",
          "Cookie", preLogin);
      HttpResponse<String> right = console.post("/console/login", FORM, "csrf=" + loginCsrf + "&name=Ann&token="
          + ConsoleServer.TOKEN, "Cookie", preLogin);

      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body()).contains("That is not the console token (the content of console.token-file).");
      assertThat(right.statusCode()).isEqualTo(303);
      String session = cookie(right);
      assertThat(session).isNotEqualTo(preLogin);
      assertThat(right.headers().allValues("Set-Cookie").get(0)).endsWith("; Path=/; HttpOnly; SameSite=Strict");
      assertThat(console.get("/console/", "Cookie", preLogin).statusCode()).as("the pre-login session is gone").isEqualTo(303);

      HttpResponse<String> page = console.get("/console/deliveries/" + name, "Cookie", session);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("Ann (signed in from 127.0.0.1)");
      HttpResponse<String> forged = console.post("/console/deliveries/" + name + "/redeliver", FORM, "csrf=forged",
          "Cookie", session);
      assertThat(forged.statusCode()).isEqualTo(403);
      assertThat(forged.body()).contains("This form has expired or did not come from this console.");
      assertThat(console.maildir.list("incoming-mail/failure")).containsExactly(name);

      HttpResponse<String> done = console.post("/console/deliveries/" + name + "/redeliver", FORM,
          "csrf=" + csrf(page.body()), "Cookie", session);
      assertThat(done.statusCode()).isEqualTo(303);
      assertThat(console.maildir.list("mail/reply/new")).containsExactly(name);
    }
  }

  @Test
  void apiPostFromASessionNeedsTheCsrfHeaderWhileABearerTokenDoesNot() throws Exception {
    try (ConsoleServer console = new ConsoleServer(dir, true, null)) {
      String first = console.fileFailure("a@example.org", "r@reply.tracker.test", "Subject: a\r\n\r\na\r\n",
          "callback_rejected", 403, "no");
      String second = console.fileFailure("b@example.org", "r@reply.tracker.test", "Subject: b\r\n\r\nb\r\n",
          "callback_rejected", 403, "no");
      HttpResponse<String> status = console.get("/api/v1/status");
      String session = cookie(status);
      String token = status.headers().firstValue("X-CSRF-Token").orElseThrow();

      HttpResponse<String> withoutHeader = console.post("/api/v1/deliveries/" + first + "/redeliver", "application/json",
          "", "Cookie", session);
      HttpResponse<String> withHeader = console.post("/api/v1/deliveries/" + first + "/redeliver", "application/json",
          "", "Cookie", session, "X-CSRF-Token", token);
      HttpResponse<String> withBearer = console.post("/api/v1/deliveries/" + second + "/redeliver", "application/json",
          "", bearer());

      assertThat(withoutHeader.statusCode()).isEqualTo(403);
      assertThat(withoutHeader.body()).contains("POST needs a bearer token, or the session's X-CSRF-Token header");
      assertThat(withHeader.statusCode()).isEqualTo(200);
      assertThat(withBearer.statusCode()).isEqualTo(200);
      assertThat(console.maildir.list("mail/reply/new")).containsExactlyInAnyOrder(first, second);
    }
  }

  @Test
  void loopbackWithoutLoginRefusesAForeignHostNameAsADnsRebindingPageWouldSend() throws Exception {
    try (ConsoleServer console = new ConsoleServer(dir, true, null)) {
      HttpResponse<String> local = console.get("/console/");
      assertThat(local.statusCode()).isEqualTo(200);
      assertThat(local.body()).contains("loopback user from 127.0.0.1");

      String rebound = rawGet(console.server.getAddress().getPort(), "/console/", "evil.example:80");
      assertThat(rebound).startsWith("HTTP/1.1 303").contains("Location: /console/login");
      assertThat(rawGet(console.server.getAddress().getPort(), "/console/", "localhost")).startsWith("HTTP/1.1 200");
      assertThat(Access.loopbackHost("evil.example:" + console.server.getAddress().getPort())).isFalse();
      assertThat(Access.loopbackHost("localhost:9465")).isTrue();
      assertThat(Access.loopbackHost("[::1]:9465")).isTrue();
      assertThat(Access.loopbackHost("127.0.0.1.evil.example")).isFalse();
    }
  }

  @Test
  void hostileSubjectAndHtmlOnlyReplyAreShownAsTextNeverAsMarkup() throws Exception {
    try (ConsoleServer console = new ConsoleServer(dir, false, null)) {
      String name = console.fileFailure("mallory@example.org", "reply+i-1-x-5@reply.tracker.test", HOSTILE,
          "callback_rejected", 422, "<b>nope</b>");

      HttpResponse<String> list = console.get("/console/deliveries?state=failure", bearer());
      HttpResponse<String> detail = console.get("/console/deliveries/" + name, bearer());

      for (HttpResponse<String> page : java.util.List.of(list, detail)) {
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("&lt;script&gt;alert(1)&lt;/script&gt;")
            .doesNotContain("<script", "<img", "onerror=\"", "<b>nope");
      }
      assertThat(detail.body()).contains("Fixed it &lt;img src=x onerror=alert(1)&gt;", "&lt;b&gt;nope&lt;/b&gt;",
          "HTTP 422");
    }
  }

  @Test
  void rawMessageIsAnAttachmentOfTypeTextPlain() throws Exception {
    try (ConsoleServer console = new ConsoleServer(dir, false, null)) {
      String name = console.fileFailure("mallory@example.org", "r@reply.tracker.test", HOSTILE, "unparseable", null, null);

      HttpResponse<String> raw = console.get("/console/deliveries/" + name + "/raw", bearer());

      assertThat(raw.statusCode()).isEqualTo(200);
      assertThat(raw.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
      assertThat(raw.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"" + name + ".eml\"");
      assertThat(raw.headers().firstValue("Content-Security-Policy")).hasValue("sandbox; default-src 'none'");
      assertThat(raw.body()).startsWith("Return-Path: <mallory@example.org>\r\n").contains("<script>alert(1)</script>");
    }
  }

  @Test
  void unknownDeliveryAndForeignNamesAre404() throws Exception {
    try (ConsoleServer console = new ConsoleServer(dir, false, null)) {
      assertThat(console.get("/console/deliveries/1700000000.M1P1Q1.nowhere", bearer()).statusCode()).isEqualTo(404);
      assertThat(console.get("/console/deliveries/..%2F..%2Fetc%2Fpasswd/raw", bearer()).statusCode()).isEqualTo(404);
      assertThat(console.get("/api/v1/deliveries/not-a-name", bearer()).body()).contains("no delivery with this id");
    }
  }

  /** A GET with the Host header given (java.net.http does not let a client set Host). */
  static String rawGet(int port, String path, String host) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(60_000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void pathsOutsideTheConsoleAndApiPrefixesAreNotServed() throws Exception {
    try (ConsoleServer console = new ConsoleServer(dir, false, null)) {
      assertThat(console.get("/consolex", bearer()).statusCode()).isEqualTo(404);
      assertThat(console.get("/api/v1x/status", bearer()).statusCode()).isEqualTo(404);
      assertThat(console.get("/api/v1/status", bearer()).statusCode()).isEqualTo(200);
    }
  }

  static String[] bearer() {
    return new String[] {"Authorization", "Bearer " + ConsoleServer.TOKEN};
  }

  static String cookie(HttpResponse<?> response) {
    String header = response.headers().allValues("Set-Cookie").stream().reduce((a, b) -> b).orElseThrow();
    return header.substring(0, header.indexOf(';'));
  }

  static String csrf(String html) {
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
    if (!m.find()) {
      throw new AssertionError("no csrf field in:\n" + html);
    }
    return m.group(1);
  }
}
