package dev.replyd.console;

import dev.replyd.console.view.Views;
import dev.replyd.diagnostics.Diagnosis;
import dev.replyd.diagnostics.Report;
import dev.replyd.diagnostics.Status;
import dev.replyd.diagnostics.SupportBundle;
import dev.replyd.diagnostics.TestEmail;
import dev.replyd.diagnostics.UrlRedaction;
import dev.replyd.outbound.SmtpSubmission;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the pages and the API both do, building the {@link Views} they show: status, deliveries,
 * diagnose, the support bundle and the test email. Each action is logged on the {@code replyd} log with
 * who asked.
 *
 * <p>Failures: IOException from the store or the bundle's file; diagnose and the test email never throw
 * (their problems are in what they return).
 *
 * <p>Thread-safety: stateless apart from thread-safe collaborators.
 */
final class Operations {
  private static final Logger LOG = LoggerFactory.getLogger("replyd");
  static final int MAX_ROWS = 200;
  static final int RECENT_FAILURES = 5;

  private final Console.Sources sources;
  private final Deliveries deliveries;
  private final Clock clock;

  Operations(Console.Sources sources, Deliveries deliveries, Clock clock) {
    this.sources = sources;
    this.deliveries = deliveries;
    this.clock = clock;
  }

  Deliveries deliveries() {
    return deliveries;
  }

  Views.Status status(Views.Layout layout) throws IOException {
    List<Views.Readiness> readiness = new ArrayList<>();
    boolean ready = true;
    for (Map.Entry<String, Optional<String>> check : sources.readiness().get().entrySet()) {
      readiness.add(new Views.Readiness(check.getKey(), check.getValue().isEmpty(), check.getValue().orElse("")));
      ready &= check.getValue().isEmpty();
    }
    List<Views.Count> queues = new ArrayList<>();
    for (Map.Entry<String, Integer> count : deliveries.counts().entrySet()) {
      queues.add(new Views.Count(count.getKey(), label(count.getKey()), count.getValue()));
    }
    Instant now = clock.instant();
    String certificate = sources.certificateExpiry().get()
        .map(notAfter -> notAfter + " (" + ChronoUnit.DAYS.between(now, notAfter) + " days from now)")
        .orElse(null);
    List<Views.Setting> settings = new ArrayList<>();
    sources.settings().get().forEach((key, value) -> settings.add(new Views.Setting(key, value)));
    return new Views.Status(layout, sources.node(), sources.version(), sources.startedAt().toString(),
        human(Duration.between(sources.startedAt(), now)), ready, readiness, queues,
        deliveries.list("failure", null, RECENT_FAILURES).rows(), certificate, settings);
  }

  static String label(String state) {
    return switch (state) {
      case "new" -> "New (waiting for a worker)";
      case "processing" -> "Processing";
      case "deferred" -> "Deferred (callback retry due)";
      case "success" -> "Success (posted)";
      case "failure" -> "Failure (not posted)";
      case "postmaster" -> "Postmaster";
      default -> state;
    };
  }

  Views.Deliveries deliveries(Views.Layout layout, String state, String query) throws IOException {
    Deliveries.Listing listing = deliveries.list(state, query, MAX_ROWS);
    List<Views.StateOption> states = new ArrayList<>();
    states.add(new Views.StateOption("", "All states", state == null));
    for (String s : Deliveries.STATES.keySet()) {
      states.add(new Views.StateOption(s, label(s), s.equals(state)));
    }
    List<Views.ReasonCount> reasons = new ArrayList<>();
    deliveries.failureReasons().forEach((reason, count) -> reasons.add(new Views.ReasonCount(reason, count)));
    return new Views.Deliveries(layout, state == null ? "" : state, query == null ? "" : query, states,
        listing.rows(), listing.truncated(), reasons);
  }

  Views.Diagnose diagnose(Views.Layout layout, String who) {
    Diagnosis.Inputs inputs = sources.diagnosis().get();
    Report report = Diagnosis.run(inputs);
    LOG.info("console: diagnose run by {}: {}", who, report.anyFailed() ? "some checks FAIL" : "no check fails");
    return diagnoseView(layout, report);
  }

  private static Views.Diagnose diagnoseView(Views.Layout layout, Report report) {
    List<Views.Check> checks = new ArrayList<>();
    int[] counts = new int[Status.values().length];
    for (dev.replyd.diagnostics.Check c : report.checks()) {
      counts[c.status().ordinal()]++;
      checks.add(new Views.Check(c.name(), c.status().name(), withoutUrlSecrets(c.detail()),
          withoutUrlSecrets(c.fix())));
    }
    return new Views.Diagnose(layout, true, checks, counts[Status.PASS.ordinal()] + " PASS, "
        + counts[Status.WARN.ordinal()] + " WARN, " + counts[Status.FAIL.ordinal()] + " FAIL");
  }

  /** Writes the bundle to a temporary file the caller streams and deletes. */
  Path supportBundle(String who) throws IOException {
    String report = Diagnosis.run(sources.diagnosis().get()).render();
    Path file = Files.createTempFile("replyd-support-", ".tar.gz");
    try {
      SupportBundle.write(file, sources.supportBundle().apply(report));
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    LOG.info("console: support bundle downloaded by {}", who);
    return file;
  }

  Views.TestEmail testEmail(Views.Layout layout, String to, String who) {
    ByteArrayOutputStream transcript = new ByteArrayOutputStream();
    SmtpSubmission.Result result;
    try (PrintStream out = new PrintStream(transcript, true, StandardCharsets.UTF_8)) {
      result = TestEmail.send(sources.outbound(), to, out);
    }
    LOG.info("console: test email to {} sent by {}: {}", StoredMessage.clean(to), who,
        result.success() ? "accepted by the relay" : result.problem() + ": " + result.diagnosis());
    return new Views.TestEmail(layout, to, true, result.success(), result.problem().name(), result.diagnosis(),
        transcript.toString(StandardCharsets.UTF_8));
  }

  /** Diagnose quotes URLs; any it quotes is shown by the project's one rule (no user info, no query values). */
  static String withoutUrlSecrets(String text) {
    return text == null ? null : UrlRedaction.redact(text);
  }

  static String human(Duration d) {
    long s = Math.max(0, d.getSeconds());
    long days = s / 86400;
    long hours = s % 86400 / 3600;
    long minutes = s % 3600 / 60;
    return days > 0 ? days + "d " + hours + "h " + minutes + "m" : hours > 0 ? hours + "h " + minutes + "m"
        : minutes + "m " + s % 60 + "s";
  }
}
