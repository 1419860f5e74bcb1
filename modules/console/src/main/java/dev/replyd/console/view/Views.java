package dev.replyd.console.view;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * The page and API models of the console, one record per page or item (see package-info).
 *
 * <p>Thread-safety: immutable records holding immutable lists.
 */
public final class Views {
  private Views() {}

  /**
   * What every page's frame needs: the title, which navigation entry is current, who is signed in
   * (null on the login page), the CSRF token for the page's forms and a fixed notice (never user input).
   */
  public record Layout(String title, String section, String who, String csrf, String notice, boolean canLogOut) {}

  public record Readiness(String name, boolean ok, String problem) {}

  public record Count(String state, String label, int count) {}

  public record Setting(String key, String value) {}

  public record Status(@JsonIgnore Layout layout, String node, String version, String startedAt, String uptime,
      boolean ready, List<Readiness> readiness, List<Count> queues, List<DeliveryRow> recentFailures,
      String tlsCertificateExpiry, List<Setting> settings) {}

  public record StateOption(String value, String label, boolean selected) {}

  /** One delivery in a listing; {@code reason} only for failures, {@code nextAttempt} only when deferred. */
  public record DeliveryRow(String id, String state, String receivedAt, String from, String mailFrom, String to,
      String subject, String messageId, String reason, String nextAttempt) {}

  public record ReasonCount(String reason, int count) {}

  public record Deliveries(@JsonIgnore Layout layout, String state, String query, List<StateOption> states,
      List<DeliveryRow> deliveries, boolean truncated, List<ReasonCount> failureReasons) {}

  public record Field(String name, String value) {}

  public record Attempt(String at, long durationMs, String status, String responseExcerpt) {}

  public record Removed(String rule, int firstLine, int lastLine, String text) {}

  /**
   * One delivery in full. {@code failureDetail} and the attempts come from the reason file (failure) or the
   * retry state (deferred); {@code replyText} and {@code removed} are what the extractor takes from the stored
   * message (what is, or would be, posted), or {@code extractionProblem} says why there is none.
   */
  public record Delivery(@JsonIgnore Layout layout, DeliveryRow summary, List<Field> envelope,
      List<String> authenticationResults, String failureDetail, String failedAt, int attemptCount,
      List<Attempt> attempts, String replyText, List<Removed> removed, String extractionProblem,
      boolean canRedeliver) {}

  /** A confirmation step: the question, the form's action and one hidden field (name and value). */
  public record Confirm(Layout layout, String heading, String question, String action, String fieldName,
      String fieldValue, String button, String cancelHref) {}

  public record Check(String name, String status, String detail, String fix) {}

  public record Diagnose(Layout layout, boolean ran, List<Check> checks, String summary) {}

  public record TestEmail(@JsonIgnore Layout layout, String to, boolean sent, boolean success, String problem,
      String diagnosis, String transcript) {}

  public record Login(Layout layout, String error) {}

  public record Error(Layout layout, int status, String message) {}
}
