package dev.replyd.console;

import com.sun.net.httpserver.HttpHandler;
import dev.replyd.diagnostics.Diagnosis;
import dev.replyd.diagnostics.SupportBundle;
import dev.replyd.extract.ReplyExtractor;
import dev.replyd.maildir.Maildir;
import dev.replyd.outbound.Outbound;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * NAME
 *   Console - the operator console: pages under /console/ and a JSON API under /api/v1/
 *
 * SYNOPSIS
 *   Console console = Console.create(settings, sources);
 *   server.createContext("/console", console.pages());
 *   server.createContext("/api/v1", console.api());
 *
 * DESCRIPTION
 *   Status (readiness, queues, certificate, settings), deliveries (list, search, detail, raw download,
 *   redelivery of one failure or of all failures of a reason), diagnose, the support bundle and the test
 *   email, as server-rendered pages without JavaScript and as JSON (docs/api.md). It adds no logic of its
 *   own: redelivery is {@link Maildir#requeue}, diagnose is {@link Diagnosis}, the bundle is
 *   {@link SupportBundle}, the test email is the diagnostics module's, the reply text is the
 *   {@link ReplyExtractor}'s and failure details are the processor's reason files.
 *
 * SECURITY
 *   Every request is identified by {@link Access} (bearer token, login session, or loopback without login
 *   when {@link Settings#allowLoopbackWithoutLogin()}); every POST passes the CSRF check; every answer
 *   carries a Content-Security-Policy that allows no script; every text from a message is escaped by the
 *   templates (jte, Html content type), never marked safe. No secret is ever rendered: the settings
 *   summary is built by the caller from non-secret keys, and transcripts come with credentials masked.
 *
 * DIAGNOSTICS
 *   IllegalArgumentException from {@link #create} when loopback-without-login is asked for on a listener
 *   that is not on loopback, or when there is neither a token nor that option.
 *
 * THREAD SAFETY
 *   The handlers are safe for concurrent requests.
 */
public final class Console {

  /**
   * @param token the bytes of {@code console.token-file} (bearer token and login password); null for none
   * @param allowLoopbackWithoutLogin {@code console.allow-loopback-without-login}
   * @param listener where the HTTP listener is bound
   */
  public record Settings(byte[] token, boolean allowLoopbackWithoutLogin, InetSocketAddress listener) {
    public Settings {
      token = token == null ? null : token.clone();
      Objects.requireNonNull(listener, "listener");
    }

    @Override
    public String toString() {
      return "Settings[token=" + (token == null ? "none" : "<redacted>") + ", allowLoopbackWithoutLogin="
          + allowLoopbackWithoutLogin + ", listener=" + listener + "]";
    }
  }

  /**
   * What the console shows and uses, supplied by the daemon.
   *
   * @param node the host name ({@code replyd.hostname})
   * @param version replyd's version
   * @param startedAt when the daemon started
   * @param readiness each readiness check by name: empty when it passes, else the problem
   * @param settings a summary of the configuration, key to value; never a secret
   * @param certificateExpiry the SMTP TLS certificate's notAfter; empty when TLS is off or unreadable
   * @param diagnosis the inputs of a diagnose run, from the running configuration
   * @param supportBundle the inputs of a support bundle, given the rendered diagnose report
   * @param outbound the relay of the test email ({@code replyd.outbound})
   * @param maildir the store
   * @param extractor the processor's reply extractor (same markers)
   */
  public record Sources(String node, String version, Instant startedAt,
      Supplier<Map<String, Optional<String>>> readiness, Supplier<Map<String, String>> settings,
      Supplier<Optional<Instant>> certificateExpiry, Supplier<Diagnosis.Inputs> diagnosis,
      Function<String, SupportBundle.Inputs> supportBundle, Outbound outbound, Maildir maildir,
      ReplyExtractor extractor) {}

  private final ConsolePages pages;
  private final ConsoleApi api;

  private Console(ConsolePages pages, ConsoleApi api) {
    this.pages = pages;
    this.api = api;
  }

  public static Console create(Settings settings, Sources sources) {
    if (settings.allowLoopbackWithoutLogin() && !settings.listener().getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("console.allow-loopback-without-login: the listener "
          + settings.listener().getHostString() + " is not on loopback (expected: metrics.bind = 127.0.0.1 or ::1)");
    }
    if (settings.token() == null && !settings.allowLoopbackWithoutLogin()) {
      throw new IllegalArgumentException("console.token-file: not set (expected: a file holding the console token,"
          + " or console.allow-loopback-without-login = true on a loopback listener)");
    }
    Clock clock = Clock.systemUTC();
    Access access = new Access(settings.token(), settings.allowLoopbackWithoutLogin(), new Sessions(clock));
    Operations operations = new Operations(sources, new Deliveries(sources.maildir(), sources.extractor()), clock);
    return new Console(new ConsolePages(access, operations), new ConsoleApi(access, operations));
  }

  /** The handler of {@code /console} (pages, the stylesheet, login). */
  public HttpHandler pages() {
    return pages;
  }

  /** The handler of {@code /api/v1} (JSON). */
  public HttpHandler api() {
    return api;
  }
}
