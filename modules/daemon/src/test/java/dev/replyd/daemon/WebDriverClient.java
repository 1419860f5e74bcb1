package dev.replyd.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.replyd.testing.Await;
import dev.replyd.testing.LoopbackPorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Headless Debian Chromium driven through chromedriver with the W3C WebDriver protocol over
 * java.net.http: the few commands the console's browser test needs (navigate, find, click, type, read
 * text, screenshot). Waits are conditions polled against a generous deadline, never fixed sleeps.
 *
 * <p>Failures: missing binaries fail at once with what to install; a WebDriver error answer is an
 * AssertionError quoting it. Close it (ends the session and the chromedriver process).
 */
final class WebDriverClient implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
  static final Duration WAIT = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process driver;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
  private final String base;
  private final String session;

  WebDriverClient(Path profile) throws Exception {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new AssertionError("the console's browser test needs Debian's chromium and chromium-driver ("
          + CHROMIUM + ", " + CHROMEDRIVER + "): apt-get install chromium chromium-driver (scripts/test installs them)");
    }
    int port = LoopbackPorts.free();
    driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
        .redirectErrorStream(true).redirectOutput(profile.resolveSibling("chromedriver.log").toFile()).start();
    base = "http://127.0.0.1:" + port;
    awaitDriverReady();
    ObjectNode options = JSON.createObjectNode();
    options.put("binary", CHROMIUM.toString());
    ArrayNode args = options.putArray("args");
    for (String arg : List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1280,1100", "--user-data-dir=" + profile, "--no-first-run", "--disable-extensions",
        "--disable-background-networking", "--lang=en-US")) {
      args.add(arg);
    }
    ObjectNode capabilities = JSON.createObjectNode();
    ObjectNode always = capabilities.putObject("capabilities").putObject("alwaysMatch");
    always.put("browserName", "chrome");
    always.set("goog:chromeOptions", options);
    always.putObject("timeouts").put("pageLoad", WAIT.toMillis()).put("script", 30_000).put("implicit", 0);
    session = command("POST", "/session", capabilities).get("sessionId").asText();
  }

  private void awaitDriverReady() throws InterruptedException {
    boolean ready = Await.within(WAIT, () -> {
      if (!driver.isAlive()) {
        throw new AssertionError("chromedriver exited with " + driver.exitValue());
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/status"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).path("value").path("ready").asBoolean();
      } catch (IOException e) {
        return false; // not listening yet
      }
    });
    if (!ready) {
      throw new AssertionError("chromedriver not ready within " + WAIT);
    }
  }

  private JsonNode command(String method, String path, JsonNode body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(WAIT.plusSeconds(30));
    b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
        : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode value = JSON.readTree(r.body()).path("value");
    if (r.statusCode() != 200) {
      throw new WebDriverError(value.path("error").asText(), method + " " + path + " -> " + r.statusCode() + ": "
          + value.path("message").asText());
    }
    return value;
  }

  /** An error answer of the WebDriver protocol, e.g. "no such element". */
  static final class WebDriverError extends AssertionError {
    final String error;

    WebDriverError(String error, String message) {
      super(message);
      this.error = error;
    }
  }

  private String s(String rest) {
    return "/session/" + session + rest;
  }

  void open(String url) throws Exception {
    command("POST", s("/url"), JSON.createObjectNode().put("url", url));
  }

  String url() throws Exception {
    return command("GET", s("/url"), null).asText();
  }

  String title() throws Exception {
    return command("GET", s("/title"), null).asText();
  }

  String source() throws Exception {
    return command("GET", s("/source"), null).asText();
  }

  /** Element ids matching {@code css} now (maybe none). */
  List<String> findAll(String css) throws Exception {
    JsonNode found = command("POST", s("/elements"),
        JSON.createObjectNode().put("using", "css selector").put("value", css));
    List<String> ids = new ArrayList<>();
    for (JsonNode e : found) {
      JsonNode id = e.get(ELEMENT);
      if (id == null) {
        throw new AssertionError("not a W3C element reference: " + e);
      }
      ids.add(id.asText());
    }
    return ids;
  }

  /** Waits until an element matches {@code css}; returns its id. */
  String find(String css) throws Exception {
    AtomicReference<List<String>> ids = new AtomicReference<>(List.of());
    boolean found = Await.within(WAIT, () -> {
      ids.set(findAll(css));
      return !ids.get().isEmpty();
    });
    if (!found) {
      throw new AssertionError("no element '" + css + "' on " + url() + " within " + WAIT + "; page:\n" + source());
    }
    return ids.get().get(0);
  }

  String text(String css) throws Exception {
    return command("GET", s("/element/" + find(css) + "/text"), null).asText();
  }

  /** The link's or field's attribute (as a property: the resolved href). */
  String property(String css, String name) throws Exception {
    return command("GET", s("/element/" + find(css) + "/property/" + name), null).asText();
  }

  void click(String css) throws Exception {
    command("POST", s("/element/" + find(css) + "/click"), JSON.createObjectNode());
  }

  void type(String css, String text) throws Exception {
    String id = find(css);
    command("POST", s("/element/" + id + "/clear"), JSON.createObjectNode());
    command("POST", s("/element/" + id + "/value"), JSON.createObjectNode().put("text", text));
  }

  /** True when a JavaScript dialog (alert) is open: the hostile-content checks expect none. */
  boolean alertOpen() throws Exception {
    try {
      command("GET", s("/alert/text"), null);
      return true;
    } catch (WebDriverError e) {
      if (e.error.equals("no such alert")) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Waits until the text of {@code css} contains {@code expected} (a click that loads a page may return
   * before the new page is there); returns the text.
   */
  String awaitText(String css, String expected) throws Exception {
    AtomicReference<String> seen = new AtomicReference<>("");
    boolean shown = Await.within(WAIT, () -> {
      List<String> ids = findAll(css);
      if (ids.isEmpty()) {
        return false;
      }
      try {
        seen.set(command("GET", s("/element/" + ids.get(0) + "/text"), null).asText());
      } catch (WebDriverError e) {
        if (!e.error.equals("stale element reference")) {
          throw e;
        }
        return false;
      }
      return seen.get().contains(expected);
    });
    if (shown) {
      return seen.get();
    }
    throw new AssertionError("'" + css + "' on " + url() + " never showed '" + expected + "' within " + WAIT
        + " (last: '" + seen.get() + "'); page:\n" + source());
  }

  /** Waits until the browser's URL contains {@code fragment} (a form submitted by a click). */
  void awaitUrl(String fragment) throws Exception {
    if (!Await.within(WAIT, () -> url().contains(fragment))) {
      throw new AssertionError("the browser never went to a URL containing '" + fragment + "' within " + WAIT
          + " (at " + url() + ")");
    }
  }

  /** Reloads {@code url} until the text of {@code css} contains {@code expected}. */
  void reloadUntil(String url, String css, String expected) throws Exception {
    AtomicReference<String> seen = new AtomicReference<>("");
    boolean shown = Await.within(WAIT, () -> {
      open(url);
      List<String> ids = findAll(css);
      if (ids.isEmpty()) {
        return false;
      }
      seen.set(command("GET", s("/element/" + ids.get(0) + "/text"), null).asText());
      return seen.get().contains(expected);
    });
    if (shown) {
      return;
    }
    throw new AssertionError("'" + css + "' on " + url + " never showed '" + expected + "' within " + WAIT
        + " (last: '" + seen.get() + "')");
  }

  /** A PNG of the viewport (its height is set with {@link #windowHeight}). */
  void screenshot(Path png) throws Exception {
    Files.createDirectories(png.getParent());
    Files.write(png, Base64.getDecoder().decode(command("GET", s("/screenshot"), null).asText()));
  }

  void windowHeight(int height) throws Exception {
    command("POST", s("/window/rect"), JSON.createObjectNode().put("width", 1280).put("height", height));
  }

  @Override
  public void close() throws Exception {
    try {
      command("DELETE", s(""), null);
    } catch (Exception | AssertionError e) {
      // the browser may be gone already; the driver is stopped below anyway
    } finally {
      driver.destroy();
      if (!driver.waitFor(30, TimeUnit.SECONDS)) {
        driver.destroyForcibly();
      }
    }
  }
}
