package dev.replyd.console;

import dev.replyd.console.view.Views;
import dev.replyd.extract.MessageBody;
import dev.replyd.extract.Removal;
import dev.replyd.extract.ReplyExtractor;
import dev.replyd.extract.ReplyText;
import dev.replyd.extract.UnparseableMessageException;
import dev.replyd.maildir.CallbackAttempt;
import dev.replyd.maildir.FailureRecord;
import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.maildir.RetryState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliveries as the console shows them: every stored message with its state (the directory it sits
 * in), newest first, its header fields, and for one message its reason file or retry state and the reply
 * text the extractor takes from it; and redelivery, which is {@link Maildir#requeue}.
 *
 * <p>Contract: a delivery's id is its Maildir file name (the webhook's {@code delivery_id}); an id that is not
 * a name replyd creates is never looked up. States are the {@link #STATES} names, each one
 * {@link MaildirLayout} directory. A listing reads at most {@link #SCAN} message headers (the newest) and
 * returns at most {@code limit} rows; {@code truncated} says when there was more. A search matches,
 * case-insensitively, the id, the envelope sender and recipient, From, To and Message-ID.
 *
 * <p>Failures: a message that moves while it is read (a worker filed it) is looked up again once; an
 * unreadable reason file or retry state is shown as such, never fatal. IOException from the store itself.
 *
 * <p>Thread-safety: stateless apart from the thread-safe {@link Maildir} and {@link ReplyExtractor}.
 */
final class Deliveries {
  private static final Logger REPLIES = LoggerFactory.getLogger("replies");
  static final int SCAN = 2000;
  static final int MAX_TEXT = 64 * 1024;
  /** Delivery times as listed: UTC to the second, which is what an operator compares with the logs. */
  static final java.time.format.DateTimeFormatter TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(java.time.ZoneOffset.UTC);

  /** State names of the console and the API, each with its directory, in the order mail passes them. */
  static final Map<String, String> STATES = states();

  private static Map<String, String> states() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("new", MaildirLayout.NEW);
    s.put("processing", MaildirLayout.CUR);
    s.put("deferred", MaildirLayout.DEFERRED);
    s.put("success", MaildirLayout.SUCCESS);
    s.put("failure", MaildirLayout.FAILURE);
    s.put("postmaster", MaildirLayout.POSTMASTER);
    return java.util.Collections.unmodifiableMap(s);
  }

  /** Where one delivery sits now. */
  record Located(String id, String state, Path file) {}

  record Listing(List<Views.DeliveryRow> rows, boolean truncated) {}

  private final Maildir maildir;
  private final ReplyExtractor extractor;

  Deliveries(Maildir maildir, ReplyExtractor extractor) {
    this.maildir = maildir;
    this.extractor = extractor;
  }

  /** Messages per state, in {@link #STATES} order. */
  Map<String, Integer> counts() throws IOException {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (var state : STATES.entrySet()) {
      counts.put(state.getKey(), maildir.list(state.getValue()).size());
    }
    return counts;
  }

  /** Failure reasons and how many messages in failure/ have each (reason files that cannot be read: "unreadable"). */
  Map<String, Integer> failureReasons() throws IOException {
    Map<String, Integer> reasons = new TreeMap<>();
    for (String name : maildir.list(MaildirLayout.FAILURE)) {
      reasons.merge(reason(name).map(FailureRecord::reason).orElse("unreadable"), 1, Integer::sum);
    }
    return reasons;
  }

  /** Newest first; {@code state} null for every state, {@code query} null or blank for no search. */
  Listing list(String state, String query, int limit) throws IOException {
    record Entry(Instant at, String state, String name) {}
    List<Entry> entries = new ArrayList<>();
    for (var s : STATES.entrySet()) {
      if (state == null || state.equals(s.getKey())) {
        for (String name : maildir.list(s.getValue())) {
          entries.add(new Entry(Maildir.deliveredAt(name).orElse(Instant.EPOCH), s.getKey(), name));
        }
      }
    }
    entries.sort(Comparator.comparing(Entry::at).reversed().thenComparing(Entry::name));
    String needle = query == null || query.isBlank() ? null : query.strip().toLowerCase(Locale.ROOT);
    List<Views.DeliveryRow> rows = new ArrayList<>();
    int scanned = 0;
    for (Entry e : entries) {
      if (rows.size() >= limit || scanned >= SCAN) {
        return new Listing(rows, true);
      }
      scanned++;
      Optional<Views.DeliveryRow> row = row(new Located(e.name(), e.state(), maildir.path(STATES.get(e.state()), e.name())),
          StoredMessage.LIST_PREFIX);
      if (row.isPresent() && (needle == null || matches(row.get(), needle))) {
        rows.add(row.get());
      }
    }
    return new Listing(rows, false);
  }

  private static boolean matches(Views.DeliveryRow row, String needle) {
    for (String field : List.of(row.id(), row.mailFrom(), row.to(), row.from(), row.messageId())) {
      if (field != null && field.toLowerCase(Locale.ROOT).contains(needle)) {
        return true;
      }
    }
    return false;
  }

  /** Where {@code id} is now; empty for an unknown id or one that is not a name replyd creates. */
  Optional<Located> locate(String id) {
    if (id == null || id.contains("/") || Maildir.deliveredAt(id).isEmpty()) {
      return Optional.empty();
    }
    for (var s : STATES.entrySet()) {
      Path file = maildir.path(s.getValue(), id);
      if (Files.isRegularFile(file)) {
        return Optional.of(new Located(id, s.getKey(), file));
      }
    }
    return Optional.empty();
  }

  private Optional<Views.DeliveryRow> row(Located at, int prefix) throws IOException {
    StoredMessage m;
    try {
      m = StoredMessage.read(at.file(), prefix);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    String reason = null;
    String next = null;
    if (at.state().equals("failure")) {
      reason = reason(at.id()).map(FailureRecord::reason).orElse("unreadable");
    } else if (at.state().equals("deferred")) {
      next = retry(at.id()).map(RetryState::nextAttemptAt).orElse(null);
    }
    return Optional.of(new Views.DeliveryRow(at.id(), at.state(),
        Maildir.deliveredAt(at.id()).map(TIME::format).orElse(""), m.from(), m.mailFrom(), m.deliveredTo(),
        m.subject(), m.messageId(), reason, next));
  }

  /** The whole detail of a delivery; empty when it is unknown (or vanished while read: swept). */
  Optional<Views.Delivery> detail(String id, Views.Layout layout) throws IOException {
    for (int attempt = 0; attempt < 2; attempt++) {
      Optional<Located> at = locate(id);
      if (at.isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(detail(at.get(), layout));
      } catch (NoSuchFileException moved) {
        // filed by a worker while we read it: look where it is now
      }
    }
    return Optional.empty();
  }

  private Views.Delivery detail(Located at, Views.Layout layout) throws IOException {
    StoredMessage m = StoredMessage.read(at.file(), StoredMessage.DETAIL_PREFIX);
    Views.DeliveryRow summary = row(at, StoredMessage.DETAIL_PREFIX).orElseThrow(() -> new NoSuchFileException(at.file().toString()));
    List<Views.Field> fields = List.of(
        new Views.Field("MAIL FROM (Return-Path)", m.returnPath()),
        new Views.Field("RCPT TO (Delivered-To)", m.deliveredTo()),
        new Views.Field("Received", m.received()),
        new Views.Field("From", m.from()),
        new Views.Field("To", m.to()),
        new Views.Field("Subject", m.subject()),
        new Views.Field("Message-ID", m.messageId()),
        new Views.Field("Date", m.date()),
        new Views.Field("Size", Files.size(at.file()) + " bytes"));
    List<Views.Field> envelope = fields.stream().filter(f -> !f.value().isEmpty()).toList();
    String failureDetail = null;
    String failedAt = null;
    int attemptCount = 0;
    List<CallbackAttempt> history = List.of();
    if (at.state().equals("failure")) {
      Optional<FailureRecord> report = reason(at.id());
      if (report.isPresent()) {
        failureDetail = report.get().detail();
        failedAt = report.get().at();
        attemptCount = report.get().attempts();
        history = report.get().history();
      } else {
        failureDetail = "the reason file " + maildir.path(MaildirLayout.FAILURE, at.id() + MaildirLayout.REASON_SUFFIX)
            + " is missing or unreadable";
      }
    } else if (at.state().equals("deferred")) {
      Optional<RetryState> retry = retry(at.id());
      if (retry.isPresent()) {
        attemptCount = retry.get().attempts();
        history = retry.get().history();
      }
    }
    List<Views.Attempt> attempts = new ArrayList<>();
    for (CallbackAttempt a : history) {
      attempts.add(new Views.Attempt(a.at(), a.durationMs(), a.describe(), a.bodyExcerpt() == null ? "" : a.bodyExcerpt()));
    }
    String replyText = null;
    List<Views.Removed> removed = new ArrayList<>();
    String problem = null;
    if (at.state().equals("postmaster")) {
      problem = "mail for postmaster@ is kept for the administrator and never posted";
    } else {
      try (MessageBody body = MessageBody.read(at.file())) {
        ReplyText text = extractor.extract(body);
        replyText = bounded(text.reply());
        String[] lines = text.full().split("\n", -1);
        for (Removal r : text.removed()) {
          StringBuilder cut = new StringBuilder();
          for (int i = r.firstLine(); i <= r.lastLine() && i <= lines.length; i++) {
            cut.append(lines[i - 1]).append('\n');
          }
          removed.add(new Views.Removed(r.rule(), r.firstLine(), r.lastLine(), bounded(cut.toString())));
        }
      } catch (UnparseableMessageException e) {
        problem = "the message cannot be parsed: " + e.getMessage();
      }
    }
    return new Views.Delivery(layout, summary, envelope, m.authenticationResults(), failureDetail, failedAt,
        attemptCount, attempts, replyText, removed, problem, at.state().equals("failure"));
  }

  /**
   * Requeues one failed message (failure → new, reason file removed); false when it is not in failure/.
   * Logged on the replies log with who asked.
   */
  boolean redeliver(String id, String who) throws IOException {
    if (locate(id).filter(l -> l.state().equals("failure")).isEmpty()) {
      return false;
    }
    boolean requeued = maildir.requeue(id);
    if (requeued) {
      REPLIES.info("{}: requeued for redelivery from the console by {}", id, who);
    }
    return requeued;
  }

  /** Requeues every failed message whose reason file says {@code reason}; returns how many. */
  int redeliverReason(String reason, String who) throws IOException {
    int count = 0;
    for (String name : maildir.list(MaildirLayout.FAILURE)) {
      if (reason(name).map(FailureRecord::reason).filter(reason::equals).isPresent() && maildir.requeue(name)) {
        count++;
        REPLIES.info("{}: requeued for redelivery from the console by {} (all failures of reason {})", name, who, reason);
      }
    }
    return count;
  }

  /** The raw message file of a delivery in any state. */
  Optional<Path> raw(String id) {
    return locate(id).map(Located::file);
  }

  private Optional<FailureRecord> reason(String name) {
    try {
      return Optional.of(FailureRecord.fromJson(Files.readAllBytes(
          maildir.path(MaildirLayout.FAILURE, name + MaildirLayout.REASON_SUFFIX))));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private Optional<RetryState> retry(String name) {
    try {
      return maildir.retryState(name).map(bytes -> {
        try {
          return RetryState.fromJson(bytes);
        } catch (IOException e) {
          return null;
        }
      });
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String bounded(String text) {
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "\n… (cut at " + MAX_TEXT + " characters)";
  }
}
