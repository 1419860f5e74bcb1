package dev.replyd.console;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's HTTP plumbing on the JDK server: security headers on every answer, bounded form and
 * query parsing, cookies.
 *
 * <p>Contract: {@link #send} sets, on every response, the Content-Security-Policy {@link #CSP} (no script at
 * all, styles and images only from the console itself, forms only to itself, never framed),
 * {@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy: no-referrer} and
 * {@code Cache-Control: no-store} (pages show mail and must not linger in caches). Request bodies larger
 * than {@link #MAX_BODY} are refused with {@link TooLarge} (413). {@link #serve} is the one place that
 * turns a handler's failures into answers: 413 for a too-large body, a logged 500 for anything else.
 *
 * <p>Thread-safety: stateless.
 */
final class Http {
  static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
      + "frame-ancestors 'none'; base-uri 'none'";
  static final int MAX_BODY = 16 * 1024;
  static final String HTML = "text/html; charset=utf-8";
  static final String JSON = "application/json; charset=utf-8";

  private static final Logger LOG = LoggerFactory.getLogger("replyd");

  private Http() {}

  /** Answers one request; may throw {@link TooLarge} when the body is too large. */
  interface Route {
    void answer(HttpExchange ex) throws IOException;
  }

  /** Writes an error answer with {@code status} (413 or 500) in the handler's own format and words. */
  interface ErrorAnswer {
    void answer(HttpExchange ex, int status) throws IOException;
  }

  /**
   * Answers {@code ex} through {@code route} and closes it: a body over {@link #MAX_BODY} gets a 413, any
   * other failure is logged as {@code "<handler>: METHOD PATH failed: ..."} and gets a 500, both written by
   * {@code errors}.
   */
  static void serve(HttpExchange ex, String handler, Route route, ErrorAnswer errors) throws IOException {
    try (ex) {
      try {
        route.answer(ex);
      } catch (TooLarge e) {
        errors.answer(ex, 413);
      } catch (IOException | RuntimeException e) {
        LOG.warn("{}: {} {} failed: {}", handler, ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
            e.toString(), e);
        errors.answer(ex, 500);
      }
    }
  }

  /** The body is bigger than {@link #MAX_BODY}: answered with 413. */
  static final class TooLarge extends IOException {
    TooLarge() {
      super("request body larger than " + MAX_BODY + " bytes");
    }
  }

  static void securityHeaders(HttpExchange ex) {
    var h = ex.getResponseHeaders();
    h.set("Content-Security-Policy", CSP);
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    h.set("Referrer-Policy", "no-referrer");
    h.set("Cache-Control", "no-store");
  }

  static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    securityHeaders(ex);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  /** 303 See Other to a path of the console (never a URL taken from the request). */
  static void redirect(HttpExchange ex, String path) throws IOException {
    securityHeaders(ex);
    ex.getResponseHeaders().set("Location", path);
    ex.sendResponseHeaders(303, -1);
  }

  static Map<String, String> query(HttpExchange ex) {
    return decode(ex.getRequestURI().getRawQuery());
  }

  /** An {@code application/x-www-form-urlencoded} body, at most {@link #MAX_BODY} bytes. */
  static Map<String, String> form(HttpExchange ex) throws IOException {
    return decode(new String(body(ex), StandardCharsets.UTF_8));
  }

  static byte[] body(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_BODY + 1);
      if (bytes.length > MAX_BODY) {
        throw new TooLarge();
      }
      return bytes;
    }
  }

  /** First value of each name; malformed escapes make the pair be skipped. */
  static Map<String, String> decode(String raw) {
    Map<String, String> values = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return values;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        values.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // a broken %-escape: ignore the pair rather than guess
      }
    }
    return values;
  }

  /** The value of cookie {@code name} in the request, or null. */
  static String cookie(HttpExchange ex, String name) {
    for (String header : ex.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
      for (String part : header.split(";")) {
        String p = part.strip();
        if (p.startsWith(name + "=")) {
          return p.substring(name.length() + 1);
        }
      }
    }
    return null;
  }
}
