package dev.replyd.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.maildir.MaildirLayout;
import dev.replyd.smtp.TestServer;
import dev.replyd.testing.RecordingLog;
import dev.replyd.testing.SmtpClient;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * SMTP command fuzzing: random and mutated sessions, SMTP smuggling vectors included, written raw
 * to replyd's real server. Properties:
 * <ul>
 *   <li>nothing escapes the pipeline: no ERROR and no logged exception while the sessions run;
 *   <li>every file in new/ belongs to a transaction the client saw "250 ... queued as ID" for (the
 *       ID is in our Received field), and every such reply has its file: a refused or smuggled
 *       transaction writes nothing;
 *   <li>under PIPELINING, replies come one per command and in order (checked against a model of
 *       the transaction state).
 * </ul>
 * Short: 400 random sessions + 300 pipelined batches. Soak: 20,000 + 5,000.
 */
class SmtpCommandFuzzTest {
  private static final Pattern QUEUED = Pattern.compile("250 2\\.0\\.0 Ok: queued as (\\S+)");
  private static final Pattern OUR_RECEIVED = Pattern.compile("\\(replyd\\)\\s+with\\s+(?:UTF8SMTPS?|E?SMTPS?A?)\\s+id\\s+(\\S+?);?\\s");
  private static final AtomicLong sessionsTried = new AtomicLong();
  private static final AtomicLong commandsTried = new AtomicLong();
  private static final AtomicLong smugglingTried = new AtomicLong();

  TempTree dir;
  TestServer smtp;
  RecordingLog log;
  final Set<String> acknowledgedIds = new HashSet<>();
  /** Queue id of each file already read from new/ (files never change once there). */
  final Map<String, String> queueIdOfFile = new HashMap<>();

  @BeforeProperty
  void start() throws IOException {
    dir = new TempTree("replyd-fuzz");
    log = RecordingLog.errorsAndExceptions();
    smtp = TestServer.start(dir.path, s -> s.withMaxErrors(Integer.MAX_VALUE).withLimits(64 * 1024, 50));
  }

  @AfterProperty
  void stop() throws IOException {
    smtp.close();
    log.close();
    Soak.report("smtp-fuzz", "sessions=" + sessionsTried.get() + " commands/chunks=" + commandsTried.get()
        + " smuggling-vectors=" + smugglingTried.get() + " acknowledged-transactions=" + acknowledgedIds.size());
    assertThat(StoredFiles.count(dir.path, MaildirLayout.TMP)).as("files left in tmp/").isZero();
    dir.close();
  }

  // ---- random and mutated sessions ----

  @Property(tries = 400)
  @SoakTries(20_000)
  void randomSessionsNeverBreakThePipelineAndStoreOnlyAcknowledgedMail(@ForAll("sessions") List<String> chunks) throws Exception {
    runSession(chunks);
  }

  private void runSession(List<String> chunks) throws Exception {
    sessionsTried.incrementAndGet();
    commandsTried.addAndGet(chunks.size());
    chunks.stream().filter(c -> SMUGGLING.stream().anyMatch(c::contains)).forEach(c -> smugglingTried.incrementAndGet());
    StringBuilder replies = new StringBuilder();
    try (SmtpClient client = new SmtpClient(smtp.port(), 15_000)) {
      try {
        for (String chunk : chunks) {
          client.write(chunk);
        }
        // End a DATA section if one is open, then leave: both are harmless outside DATA.
        client.write("\r\n.\r\nQUIT\r\n");
      } catch (IOException closedByServer) {
        // the server may close first (smuggling, line too long, QUIT in the chunks): read what it said
      }
      try {
        for (String r; (r = client.reply()) != null; ) {
          replies.append(r).append('\n');
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError("server neither answered nor closed within 15 s; replies so far:\n" + replies, e);
      } catch (IOException reset) {
        // connection reset after a closing reply: fine
      }
    }
    Matcher m = QUEUED.matcher(replies);
    while (m.find()) {
      acknowledgedIds.add(m.group(1));
    }
    Set<String> storedIds = storedQueueIds();
    assertThat(log.errors()).as("ERROR logged during the session; replies:\n%s", replies).isEmpty();
    assertThat(log.exceptions()).as("exception logged during the session; replies:\n%s", replies).isEmpty();
    assertThat(storedIds).as("queue ids of files in new/ vs ids acknowledged with 250; replies:\n%s", replies)
        .isEqualTo(acknowledgedIds);
  }

  private Set<String> storedQueueIds() throws IOException {
    Set<String> ids = new HashSet<>();
    for (Path file : StoredFiles.messages(dir.path, MaildirLayout.NEW)) {
      String id = queueIdOfFile.get(file.getFileName().toString());
      if (id == null) {
        String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        Matcher m = OUR_RECEIVED.matcher(text);
        if (!m.find()) {
          throw new AssertionError("stored file without our Received field: " + file + "\n" + text);
        }
        id = m.group(1);
        queueIdOfFile.put(file.getFileName().toString(), id);
      }
      ids.add(id);
    }
    return ids;
  }

  static final List<String> SMUGGLING = List.of("\n.\n", "\r.\r", "\r\n.\n", "\n.\r\n", "\r.\r\n");

  @Provide
  Arbitrary<List<String>> sessions() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, chunk().list().ofMinSize(1).ofMaxSize(14)),
        Tuple.of(2, mutatedTransaction().map(List::of)));
  }

  private Arbitrary<String> chunk() {
    String valid = smtp.replyAddress(1, 5);
    return Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.of(
            "EHLO fuzz.test\r\n", "HELO fuzz.test\r\n", "EHLO\r\n", "MAIL FROM:<s@client.test>\r\n", "MAIL FROM:<>\r\n",
            "MAIL FROM:<s@client.test> SIZE=99999999\r\n", "MAIL FROM:<s@client.test> BODY=8BITMIME\r\n",
            "MAIL FROM:s@client.test\r\n", "MAIL FROM:<s@client.test> XYZ=1\r\n",
            "RCPT TO:<" + valid + ">\r\n", "RCPT TO:<" + smtp.replyAddress(2, 6) + ">\r\n",
            "RCPT TO:<victim@other.example>\r\n", "RCPT TO:<postmaster>\r\n", "RCPT TO:<noreply@tracker.test>\r\n",
            "RCPT TO:<" + valid + "> NOTIFY=NEVER\r\n", "RCPT TO:\r\n",
            "DATA\r\n", "RSET\r\n", "NOOP\r\n", "VRFY root\r\n", "EXPN staff\r\n", "HELP\r\n",
            // BDAT with its chunk (RFC 3030: the n bytes follow the command line), bare LF and dots inside
            "BDAT 10 LAST\r\n0123456789", "BDAT 7\r\nab\n.\nc\r", "BDAT 0 LAST\r\n", "BDAT x\r\n",
            "BDAT 12\r\nRSET\r\nQUIT\r\n", "MAIL FROM:<zo\u00eb@ex\u00e4mple.org> SMTPUTF8\r\n",
            "MAIL FROM:<s@client.test> SMTPUTF8\r\n", "MAIL FROM:<s@client.test> REQUIRETLS\r\n",
            "STARTTLS\r\n", "AUTH PLAIN AGZvbwBiYXI=\r\n", "ETRN x\r\n", "QUIT\r\n", "\r\n", " \r\n")),
        Tuple.of(6, Arbitraries.of(
            "From: a@client.test\r\nSubject: fuzz\r\n\r\nbody line\r\n", ".\r\n", "..\r\n", "..leading dot\r\n",
            "line\r\n.\r\n", "Subject: x\r\n\r\n", "\r\n.\r\n")),
        Tuple.of(4, Arbitraries.of(SMUGGLING).map(v -> "text" + v + "MAIL FROM:<evil@smuggle.test>\r\nRCPT TO:<"
            + valid + ">\r\nDATA\r\nsmuggled\r\n.\r\n")),
        Tuple.of(3, Arbitraries.of("x\ry\r\n", "x\ny\r\n", "\n", "\r", "line\n", ".\n", "\r\n.\n", "\n.\n", "\r.\r")),
        Tuple.of(3, Arbitraries.strings().withCharRange((char) 0, (char) 255).ofMaxLength(120)),
        Tuple.of(1, Arbitraries.integers().between(900, 3000).map(n -> "X".repeat(n) + "\r\n")),
        Tuple.of(1, Arbitraries.integers().between(900, 3000).map(n -> "RCPT TO:<" + "a".repeat(n) + "@x>\r\n")));
  }

  /** A well-formed transaction with one to four random edits (insert, delete, replace, duplicate). */
  private Arbitrary<String> mutatedTransaction() {
    String transaction = "EHLO fuzz.test\r\nMAIL FROM:<s@client.test>\r\nRCPT TO:<" + smtp.replyAddress(3, 7)
        + ">\r\nDATA\r\nFrom: a@client.test\r\nSubject: mutated\r\n\r\nline one\r\n..dot\r\n.\r\nQUIT\r\n";
    Arbitrary<int[]> edit = Combinators.combine(
        Arbitraries.integers().between(0, 3),
        Arbitraries.integers().between(0, transaction.length() - 1),
        Arbitraries.of((int) '\r', (int) '\n', (int) '.', (int) ' ', 0, 0xff, (int) ':', (int) '<', (int) 'A'))
        .as((kind, pos, ch) -> new int[] {kind, pos, ch});
    return edit.list().ofMinSize(1).ofMaxSize(4).map(edits -> {
      StringBuilder s = new StringBuilder(transaction);
      for (int[] e : edits) {
        int pos = Math.min(e[1], s.length() - 1);
        switch (e[0]) {
          case 0 -> s.insert(pos, (char) e[2]);
          case 1 -> s.deleteCharAt(pos);
          case 2 -> s.setCharAt(pos, (char) e[2]);
          default -> s.insert(pos, s.substring(pos, Math.min(s.length(), pos + 12)));
        }
      }
      return s.toString();
    });
  }

  // ---- pipelining order ----

  enum Command {
    EHLO("EHLO pipe.test"), MAIL("MAIL FROM:<s@client.test>"), NULL_MAIL("MAIL FROM:<>"), RCPT_OK(null),
    RCPT_BAD("RCPT TO:<victim@other.example>"), RSET("RSET"), NOOP("NOOP"), UNKNOWN("XYZZY now"),
    // the chunk is the rest of the line plus the CR LF the batch adds: "x\n.\r\n", 5 bytes
    BDAT("BDAT 5\r\nx\n."), BDAT_LAST("BDAT 5 LAST\r\ny\n.");

    final String line;

    Command(String line) {
      this.line = line;
    }
  }

  @Property(tries = 300)
  @SoakTries(5_000)
  void pipelinedRepliesComeOnePerCommandInOrder(@ForAll("batches") List<Command> batch) throws Exception {
    checkPipelinedBatch(batch);
  }

  @Provide
  Arbitrary<List<Command>> batches() {
    return Arbitraries.of(Command.class).list().ofMinSize(1).ofMaxSize(30);
  }

  private void checkPipelinedBatch(List<Command> batch) throws Exception {
    sessionsTried.incrementAndGet();
    commandsTried.addAndGet(batch.size());
    String valid = smtp.replyAddress(4, 8);
    List<String> lines = batch.stream().map(c -> c == Command.RCPT_OK ? "RCPT TO:<" + valid + ">" : c.line).toList();
    List<String> expected = new ArrayList<>();
    boolean mail = false;
    boolean rcpt = false;
    boolean chunked = false;
    for (Command c : batch) {
      switch (c) {
        case EHLO, RSET -> {
          expected.add("250");
          mail = false;
          rcpt = false;
          chunked = false;
        }
        case MAIL, NULL_MAIL -> {
          // RFC 5321 4.1.4: a nested MAIL is refused and leaves the transaction as it was.
          expected.add(mail ? "503" : "250");
          mail = true;
        }
        // RFC 3030: the envelope is fixed once a chunk is taken
        case RCPT_OK -> {
          expected.add(!mail || chunked ? "503" : "250");
          rcpt |= mail && !chunked;
        }
        case RCPT_BAD -> expected.add(!mail || chunked ? "503" : "550");
        case BDAT, BDAT_LAST -> {
          expected.add(!mail ? "503" : !rcpt ? "554" : "250");
          chunked |= mail && rcpt;
          if (c == Command.BDAT_LAST && mail && rcpt) {
            mail = false;
            rcpt = false;
            chunked = false;
          }
        }
        case NOOP -> expected.add("250");
        default -> expected.add("500");
      }
    }
    List<String> codes = new ArrayList<>();
    try (SmtpClient client = new SmtpClient(smtp.port(), 15_000)) {
      assertThat(client.send("EHLO pipe.test")).contains("PIPELINING");
      for (String reply : client.pipeline(lines)) {
        codes.add(reply == null ? "(closed)" : reply.substring(0, Math.min(3, reply.length())));
      }
      client.send("QUIT");
    }
    assertThat(codes).as("reply codes for %s", lines).isEqualTo(expected);
    assertThat(log.errors()).isEmpty();
  }
}
