package dev.replyd.console;

import com.sun.net.httpserver.HttpServer;
import dev.replyd.diagnostics.Diagnosis;
import dev.replyd.diagnostics.SupportBundle;
import dev.replyd.extract.ReplyExtractor;
import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.TracePrefix;
import dev.replyd.outbound.Outbound;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The console on a real JDK HTTP server on 127.0.0.1:0 over a real Maildir, with helpers to file
 * messages as the processor does and to make requests. Close it.
 */
final class ConsoleServer implements AutoCloseable {
  static final String TOKEN = "console-test-token-0123456789abcdef";

  final Maildir maildir;
  final HttpServer server;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

  ConsoleServer(Path root, boolean loopbackWithoutLogin, Outbound outbound) throws IOException {
    maildir = Maildir.open(root);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("hostname", "tracker.test");
    Console console = Console.create(
        new Console.Settings(TOKEN.getBytes(StandardCharsets.UTF_8), loopbackWithoutLogin, server.getAddress()),
        new Console.Sources("tracker.test", "9.9.9-test", Instant.now().minusSeconds(3725),
            () -> {
              Map<String, Optional<String>> checks = new LinkedHashMap<>();
              checks.put("smtp", Optional.empty());
              checks.put("callback", Optional.of("last callback attempt failed: HTTP 503"));
              return checks;
            },
            () -> settings, Optional::empty,
            () -> new Diagnosis.Inputs(List.of(), "tracker.test", "reply.tracker.test", null, "tracker.test", root, 0,
                null, null, null, List.of(), Duration.ofSeconds(2)),
            report -> new SupportBundle.Inputs(null, List.of(), report, List.of(), 10, null, root, 5, "9.9.9-test",
                Duration.ofSeconds(2)),
            outbound == null ? new Outbound("127.0.0.1", 9, "tracker.test", Outbound.Security.NONE, Outbound.Auth.NONE,
                "", null, "noreply@tracker.test") : outbound,
            maildir, new ReplyExtractor(ReplyExtractor.Settings.defaults())));
    server.createContext("/console", console.pages());
    server.createContext("/api/v1", console.api());
    server.start();
  }

  String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Delivers {@code message} (CRLF lines) as the SMTP side does, claims it and files it as failure. */
  String fileFailure(String mailFrom, String rcpt, String message, String reason, Integer status, String excerpt)
      throws IOException {
    String name = deliver(mailFrom, rcpt, message);
    maildir.claim(name).orElseThrow();
    String at = Instant.now().toString();
    String history = status == null ? "[]" : "[{\"at\":\"" + at + "\",\"duration_ms\":12,\"status\":" + status
        + ",\"error\":null,\"body_excerpt\":" + quote(excerpt) + "}]";
    maildir.fail(name, ("{\"reason\":\"" + reason + "\",\"detail\":\"the main app answered " + status + "\",\"at\":\""
        + at + "\",\"delivery_id\":\"" + name + "\",\"message_id\":null,\"attempts\":" + (status == null ? 0 : 1)
        + ",\"first_attempt_at\":null,\"last_attempt_at\":null,\"history\":" + history + "}")
        .getBytes(StandardCharsets.UTF_8));
    return name;
  }

  String deliver(String mailFrom, String rcpt, String message) throws IOException {
    return maildir.deliver(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)),
        TracePrefix.recipientFields(mailFrom, rcpt));
  }

  private static String quote(String s) {
    return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String contentType, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
