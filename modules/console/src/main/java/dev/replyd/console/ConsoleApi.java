package dev.replyd.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.replyd.console.view.Views;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON API, {@code /api/v1/...}, documented in docs/api.md: the console's data and actions for scripts.
 *
 * <p>Contract: snake_case JSON. {@code GET status}, {@code GET deliveries?state=&q=}, {@code GET deliveries/ID},
 * {@code POST deliveries/ID/redeliver} (200, 404 unknown, 409 not a failure), {@code POST failures/REASON/redeliver},
 * {@code POST test-email} with {@code {"to": ADDRESS}}, {@code POST diagnose}. Errors are
 * {@code {"error": "..."}} with 400, 401 (no or wrong token; {@code WWW-Authenticate: Bearer}), 403 (POST
 * without bearer token and without the session's {@code X-CSRF-Token}), 404, 405 or 413. A request with a
 * session gets the session's CSRF token back in the {@code X-CSRF-Token} header.
 *
 * <p>Thread-safety: stateless apart from thread-safe collaborators (the mapper is configured once).
 */
final class ConsoleApi implements HttpHandler {
  static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private final Access access;
  private final Operations operations;

  ConsoleApi(Access access, Operations operations) {
    this.access = access;
    this.operations = operations;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    Http.serve(ex, "console api", this::route, (failed, status) -> error(failed, status, status == 413
        ? "request body larger than " + Http.MAX_BODY + " bytes"
        : "internal error; the replyd log has the details"));
  }

  private void route(HttpExchange ex) throws IOException {
    Access.Principal who;
    try {
      Optional<Access.Principal> identified = access.identify(ex);
      if (identified.isEmpty()) {
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"replyd console\"");
        error(ex, 401, "authentication required: send Authorization: Bearer <the content of console.token-file>");
        return;
      }
      who = identified.get();
    } catch (Access.BadToken e) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"replyd console\", error=\"invalid_token\"");
      error(ex, 401, e.getMessage());
      return;
    }
    if (who.session() != null) {
      if (who.fresh()) {
        Access.setCookie(ex, who.session());
      }
      ex.getResponseHeaders().set("X-CSRF-Token", who.session().csrf);
    }
    String method = ex.getRequestMethod();
    boolean post = method.equals("POST");
    if (post && !who.bearer() && !Access.csrfMatches(who.session(), ex.getRequestHeaders().getFirst("X-CSRF-Token"))) {
      error(ex, 403, "POST needs a bearer token, or the session's X-CSRF-Token header");
      return;
    }
    if (!post && !method.equals("GET")) {
      error(ex, 405, "use GET or POST");
      return;
    }
    String[] path = ConsolePages.segments(ex.getRequestURI().getRawPath());
    if (path.length < 3 || !path[0].equals("api") || !path[1].equals("v1")) {
      error(ex, 404, "no such resource");
      return;
    }
    String resource = path[2];
    Map<String, String> query = Http.query(ex);
    Deliveries deliveries = operations.deliveries();
    switch (resource) {
      case "status" -> {
        if (requireMethod(ex, post, false)) {
          json(ex, 200, operations.status(null));
        }
      }
      case "deliveries" -> {
        if (path.length == 3) {
          if (!requireMethod(ex, post, false)) {
            return;
          }
          String state = query.getOrDefault("state", "");
          if (!state.isEmpty() && !Deliveries.STATES.containsKey(state)) {
            error(ex, 400, "state: unknown (expected one of " + String.join(", ", Deliveries.STATES.keySet()) + ")");
            return;
          }
          String q = query.get("q");
          Deliveries.Listing listing = deliveries.list(state.isEmpty() ? null : state,
              q == null || q.isBlank() ? null : q.substring(0, Math.min(q.length(), 200)), Operations.MAX_ROWS);
          ObjectNode body = JSON.createObjectNode();
          body.set("deliveries", JSON.valueToTree(listing.rows()));
          body.put("truncated", listing.truncated());
          json(ex, 200, body);
          return;
        }
        String id = path[3];
        if (path.length == 4) {
          if (requireMethod(ex, post, false)) {
            Optional<Views.Delivery> detail = deliveries.detail(id, null);
            if (detail.isEmpty()) {
              error(ex, 404, "no delivery with this id");
            } else {
              json(ex, 200, detail.get());
            }
          }
        } else if (path.length == 5 && path[4].equals("redeliver")) {
          if (!requireMethod(ex, post, true)) {
            return;
          }
          Optional<Deliveries.Located> at = deliveries.locate(id);
          if (at.isEmpty()) {
            error(ex, 404, "no delivery with this id");
          } else if (!deliveries.redeliver(id, who.who())) {
            error(ex, 409, "only a delivery filed as failure can be redelivered; this one is "
                + deliveries.locate(id).map(Deliveries.Located::state).orElse("gone"));
          } else {
            ObjectNode body = JSON.createObjectNode();
            body.put("id", id);
            body.put("state", "new");
            json(ex, 200, body);
          }
        } else {
          error(ex, 404, "no such resource");
        }
      }
      case "failures" -> {
        if (path.length != 5 || !path[4].equals("redeliver")) {
          error(ex, 404, "no such resource");
          return;
        }
        if (requireMethod(ex, post, true)) {
          ObjectNode body = JSON.createObjectNode();
          body.put("reason", path[3]);
          body.put("requeued", deliveries.redeliverReason(path[3], who.who()));
          json(ex, 200, body);
        }
      }
      case "test-email" -> {
        if (!requireMethod(ex, post, true)) {
          return;
        }
        JsonNode request;
        try {
          request = JSON.readTree(Http.body(ex));
        } catch (IOException e) {
          if (e instanceof Http.TooLarge) {
            throw e;
          }
          error(ex, 400, "body: not JSON (expected {\"to\": \"address\"})");
          return;
        }
        JsonNode to = request == null ? null : request.get("to");
        if (to == null || !to.isTextual() || to.asText().isBlank()) {
          error(ex, 400, "to: missing (expected {\"to\": \"address\"})");
          return;
        }
        json(ex, 200, operations.testEmail(null, to.asText().strip(), who.who()));
      }
      case "diagnose" -> {
        if (requireMethod(ex, post, true)) {
          Views.Diagnose report = operations.diagnose(null, who.who());
          ObjectNode body = JSON.createObjectNode();
          body.set("checks", JSON.valueToTree(report.checks()));
          body.put("summary", report.summary());
          json(ex, 200, body);
        }
      }
      default -> error(ex, 404, "no such resource");
    }
  }

  private boolean requireMethod(HttpExchange ex, boolean post, boolean wantPost) throws IOException {
    if (post != wantPost) {
      error(ex, 405, "use " + (wantPost ? "POST" : "GET"));
      return false;
    }
    return true;
  }

  private static void json(HttpExchange ex, int status, Object body) throws IOException {
    Http.send(ex, status, Http.JSON, JSON.writeValueAsBytes(body));
  }

  private static void error(HttpExchange ex, int status, String message) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", message);
    json(ex, status, body);
  }
}
