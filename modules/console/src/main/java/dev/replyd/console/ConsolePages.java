package dev.replyd.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.replyd.console.view.Views;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTML side of the console, {@code /console/...}: routing, sign-in, the CSRF check and the pages.
 *
 * <p>Contract: GET pages; every change is a POST form with the session's CSRF token, answered with
 * 303 to the page showing its result (so a reload does not repeat it). Without identity a GET is sent to
 * {@code /console/login} and a POST refused with 403; a wrong bearer token gets 401. A POST whose CSRF
 * token does not match gets 403 and changes nothing. Unknown paths are 404, wrong methods 405, bodies
 * over 16 KiB 413. Redelivery and "redeliver all of a reason" ask for confirmation first (a GET showing
 * what will happen, then the POST). The stylesheet is served without sign-in (it holds nothing).
 *
 * <p>Failures: an unexpected exception is logged and answered with 500 and no detail (the log has it).
 *
 * <p>Thread-safety: stateless apart from thread-safe collaborators.
 */
final class ConsolePages implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger("replyd");
  static final String STYLESHEET = "/console/static/console.css";
  private static final Map<String, String> NOTICES = Map.of(
      "redelivered", "Requeued: replyd will post this reply to the main app again shortly.",
      "signed-out", "Signed out.");

  private final Access access;
  private final Operations operations;
  private final Templates templates = new Templates();
  private final byte[] stylesheet;

  ConsolePages(Access access, Operations operations) {
    this.access = access;
    this.operations = operations;
    try (InputStream in = ConsolePages.class.getResourceAsStream("console.css")) {
      if (in == null) {
        throw new IllegalStateException("console.css is missing from the replyd-console jar (a build problem)");
      }
      this.stylesheet = in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read console.css from the replyd-console jar", e);
    }
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    Http.serve(ex, "console", this::route, (failed, status) -> error(failed, null, status, status == 413
        ? "The form is larger than " + Http.MAX_BODY + " bytes."
        : "Internal error; the replyd log has the details."));
  }

  private void route(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String[] path = segments(ex.getRequestURI().getRawPath());
    if (!path[0].equals("console")) {
      error(ex, null, 404, "No such page.");
      return;
    }
    if (path.length == 3 && path[1].equals("static") && path[2].equals("console.css")) {
      if (!isGet(method)) {
        error(ex, null, 405, "Use GET.");
        return;
      }
      Http.send(ex, 200, "text/css; charset=utf-8", stylesheet);
      return;
    }
    if (path.length == 2 && path[1].equals("login")) {
      login(ex);
      return;
    }
    Access.Principal who;
    try {
      Optional<Access.Principal> identified = access.identify(ex);
      if (identified.isEmpty()) {
        if (isGet(method)) {
          Http.redirect(ex, "/console/login");
        } else {
          error(ex, null, 403, "Sign in first.");
        }
        return;
      }
      who = identified.get();
    } catch (Access.BadToken e) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"replyd console\"");
      error(ex, null, 401, "The bearer token is not the console's (console.token-file).");
      return;
    }
    if (who.fresh()) {
      Access.setCookie(ex, who.session());
    }
    boolean post = method.equals("POST");
    Map<String, String> form = post ? Http.form(ex) : Map.of();
    if (post && !who.bearer() && !Access.csrfMatches(who.session(), form.get("csrf"))) {
      LOG.warn("console: POST {} refused: missing or wrong CSRF token ({})", ex.getRequestURI().getRawPath(), who.who());
      error(ex, who, 403, "This form has expired or did not come from this console. Reload the page and try again.");
      return;
    }
    if (!post && !isGet(method)) {
      error(ex, who, 405, "Use GET or POST.");
      return;
    }
    Map<String, String> query = Http.query(ex);
    String section = path.length > 1 ? path[1] : "";
    switch (section) {
      case "" -> page(ex, who, post, "status", () -> operations.status(layout(who, "Status", "status", query)));
      case "deliveries" -> deliveries(ex, who, path, post, form, query);
      case "redeliver" -> redeliverReason(ex, who, post, form, query);
      case "diagnose" -> {
        if (post) {
          html(ex, 200, "diagnose", operations.diagnose(layout(who, "Diagnose", "diagnose", query), who.who()));
        } else {
          html(ex, 200, "diagnose", new Views.Diagnose(layout(who, "Diagnose", "diagnose", query), false,
              java.util.List.of(), ""));
        }
      }
      case "support-bundle" -> supportBundle(ex, who, post);
      case "test-email" -> {
        Views.Layout layout = layout(who, "Test email", "test-email", query);
        if (post) {
          String to = form.getOrDefault("to", "").strip();
          html(ex, 200, "test-email", operations.testEmail(layout, to, who.who()));
        } else {
          html(ex, 200, "test-email", new Views.TestEmail(layout, "", false, false, null, null, null));
        }
      }
      case "logout" -> {
        if (!post) {
          error(ex, who, 405, "Sign out with the button.");
          return;
        }
        if (who.session() != null) {
          access.signOut(who.session());
        }
        Access.clearCookie(ex);
        LOG.info("console: {} signed out", who.who());
        Http.redirect(ex, "/console/login?done=signed-out");
      }
      default -> error(ex, who, 404, "No such page.");
    }
  }

  private interface PageBuilder {
    Object build() throws IOException;
  }

  private void page(HttpExchange ex, Access.Principal who, boolean post, String template, PageBuilder builder)
      throws IOException {
    if (post) {
      error(ex, who, 405, "Use GET.");
      return;
    }
    html(ex, 200, template, builder.build());
  }

  private void deliveries(HttpExchange ex, Access.Principal who, String[] path, boolean post,
      Map<String, String> form, Map<String, String> query) throws IOException {
    Deliveries deliveries = operations.deliveries();
    if (path.length == 2) {
      String state = query.getOrDefault("state", "");
      if (!state.isEmpty() && !Deliveries.STATES.containsKey(state)) {
        error(ex, who, 400, "Unknown state (expected one of " + String.join(", ", Deliveries.STATES.keySet()) + ").");
        return;
      }
      String q = bounded(query.get("q"));
      page(ex, who, post, "deliveries", () -> operations.deliveries(layout(who, "Deliveries", "deliveries", query),
          state.isEmpty() ? null : state, q));
      return;
    }
    String id = path[2];
    String action = path.length == 4 ? path[3] : null;
    if (path.length > 4 || deliveries.locate(id).isEmpty()) {
      error(ex, who, 404, "No delivery with this id.");
      return;
    }
    if (action == null) {
      Views.Layout layout = layout(who, "Delivery", "deliveries", query);
      Optional<Views.Delivery> detail = post ? Optional.empty() : deliveries.detail(id, layout);
      if (post) {
        error(ex, who, 405, "Use GET.");
      } else if (detail.isEmpty()) {
        error(ex, who, 404, "No delivery with this id.");
      } else {
        html(ex, 200, "delivery", detail.get());
      }
    } else if (action.equals("raw") && !post) {
      raw(ex, who, id);
    } else if (action.equals("redeliver")) {
      if (!post) {
        html(ex, 200, "confirm", new Views.Confirm(layout(who, "Redeliver", "deliveries", query), "Redeliver this reply?",
            "The message goes back to the queue and replyd posts it to the main app again. The main app deduplicates on the delivery id.",
            "/console/deliveries/" + Paths.encode(id) + "/redeliver", null, null, "Redeliver", "/console/deliveries/" + Paths.encode(id)));
      } else if (deliveries.redeliver(id, who.who())) {
        Http.redirect(ex, "/console/deliveries/" + Paths.encode(id) + "?done=redelivered");
      } else {
        error(ex, who, 409, "Only a delivery filed as failure can be redelivered; this one is "
            + deliveries.locate(id).map(Deliveries.Located::state).orElse("gone") + ".");
      }
    } else {
      error(ex, who, 404, "No such page.");
    }
  }

  private void redeliverReason(HttpExchange ex, Access.Principal who, boolean post, Map<String, String> form,
      Map<String, String> query) throws IOException {
    String reason = bounded(post ? form.get("reason") : query.get("reason"));
    Integer count = reason == null ? null : operations.deliveries().failureReasons().get(reason);
    if (count == null) {
      error(ex, who, 404, "No failure has this reason.");
      return;
    }
    if (!post) {
      html(ex, 200, "confirm", new Views.Confirm(layout(who, "Redeliver failures", "deliveries", query),
          "Redeliver all " + count + " failures of reason " + reason + "?",
          "Each goes back to the queue and replyd posts it to the main app again.",
          "/console/redeliver", "reason", reason, "Redeliver " + count, "/console/deliveries?state=failure"));
      return;
    }
    int requeued = operations.deliveries().redeliverReason(reason, who.who());
    LOG.info("console: {} requeued {} failure(s) of reason {}", who.who(), requeued, reason);
    Http.redirect(ex, "/console/deliveries?state=new&done=redelivered");
  }

  private void raw(HttpExchange ex, Access.Principal who, String id) throws IOException {
    Optional<Path> file = operations.deliveries().raw(id);
    if (file.isEmpty()) {
      error(ex, who, 404, "No delivery with this id.");
      return;
    }
    LOG.info("console: raw message {} downloaded by {}", id, who.who());
    Http.securityHeaders(ex);
    ex.getResponseHeaders().set("Content-Security-Policy", "sandbox; default-src 'none'");
    // The sender wrote these bytes: as text/plain with nosniff and as an attachment, no browser renders them.
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + Paths.fileName(id) + ".eml\"");
    try (InputStream in = Files.newInputStream(file.get())) {
      ex.sendResponseHeaders(200, Files.size(file.get()));
      try (OutputStream out = ex.getResponseBody()) {
        in.transferTo(out);
      }
    }
  }

  private void supportBundle(HttpExchange ex, Access.Principal who, boolean post) throws IOException {
    if (!post) {
      error(ex, who, 405, "Download the bundle with the button on the Diagnose page.");
      return;
    }
    Path bundle = operations.supportBundle(who.who());
    try {
      Http.securityHeaders(ex);
      ex.getResponseHeaders().set("Content-Type", "application/gzip");
      ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"replyd-support-"
          + Instant.now().getEpochSecond() + ".tar.gz\"");
      ex.sendResponseHeaders(200, Files.size(bundle));
      try (OutputStream out = ex.getResponseBody()) {
        Files.copy(bundle, out);
      }
    } finally {
      Files.deleteIfExists(bundle);
    }
  }

  private void login(HttpExchange ex) throws IOException {
    Sessions.Session session = access.loginSession(ex);
    Access.setCookie(ex, session);
    Map<String, String> query = Http.query(ex);
    Views.Layout layout = new Views.Layout("Sign in", "login", null, session.csrf, notice(query), false);
    if (isGet(ex.getRequestMethod())) {
      if (session.signedIn()) {
        Http.redirect(ex, "/console/");
        return;
      }
      html(ex, 200, "login", new Views.Login(layout, access.tokenConfigured() ? null
          : "This console has no token (console.token-file); it can only be used from loopback."));
      return;
    }
    if (!ex.getRequestMethod().equals("POST")) {
      error(ex, null, 405, "Use GET or POST.");
      return;
    }
    Map<String, String> form = Http.form(ex);
    if (!Access.csrfMatches(session, form.get("csrf"))) {
      error(ex, null, 403, "This form has expired. Reload the page and try again.");
      return;
    }
    if (!access.tokenMatches(form.get("token"))) {
      LOG.warn("console: sign-in refused from {}: wrong token", Access.remote(ex));
      html(ex, 401, "login", new Views.Login(layout, "That is not the console token (the content of console.token-file)."));
      return;
    }
    String name = operatorName(form.get("name"));
    Sessions.Session signedIn = access.signIn(session, (name.isEmpty() ? "operator" : name) + " (signed in from "
        + Access.remote(ex) + ")");
    ex.getResponseHeaders().remove("Set-Cookie");
    Access.setCookie(ex, signedIn);
    LOG.info("console: {} signed in", signedIn.who);
    Http.redirect(ex, "/console/");
  }

  /** The name an operator gives for the action log: letters, digits and . _ @ - only, at most 64. */
  static String operatorName(String raw) {
    if (raw == null) {
      return "";
    }
    String kept = raw.strip().replaceAll("[^\\p{L}\\p{N}._@ -]", "");
    return kept.length() > 64 ? kept.substring(0, 64) : kept;
  }

  private Views.Layout layout(Access.Principal who, String title, String section, Map<String, String> query) {
    return new Views.Layout(title, section, who.who(), who.session() == null ? "" : who.session().csrf, notice(query),
        who.session() != null && access.tokenConfigured());
  }

  private static String notice(Map<String, String> query) {
    return NOTICES.get(query.getOrDefault("done", ""));
  }

  private void html(HttpExchange ex, int status, String template, Object model) throws IOException {
    Http.send(ex, status, Http.HTML, templates.render(template + ".jte", model));
  }

  private void error(HttpExchange ex, Access.Principal who, int status, String message) throws IOException {
    Views.Layout layout = new Views.Layout("Error " + status, "", who == null ? null : who.who(),
        who == null || who.session() == null ? "" : who.session().csrf, null, who != null && who.session() != null
        && access.tokenConfigured());
    Http.send(ex, status, Http.HTML, templates.render("error.jte", new Views.Error(layout, status, message)));
  }

  private static boolean isGet(String method) {
    return method.equals("GET");
  }

  private static String bounded(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    return value.length() > 200 ? value.substring(0, 200) : value;
  }

  /** Path segments after the first ("console"), %-decoded; "/console/" gives ["console"]. */
  static String[] segments(String rawPath) {
    String trimmed = rawPath.replaceAll("^/+|/+$", "");
    String[] parts = trimmed.split("/+");
    for (int i = 0; i < parts.length; i++) {
      try {
        parts[i] = URLDecoder.decode(parts[i].replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        parts[i] = "";
      }
    }
    return parts;
  }
}
