package dev.replyd.maildir;

import dev.replyd.testing.RecordingLog;
import static dev.replyd.maildir.MaildirLayout.CUR;
import static dev.replyd.maildir.MaildirLayout.DEFERRED;
import static dev.replyd.maildir.MaildirLayout.NEW;
import static dev.replyd.maildir.MaildirLayout.TMP;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static dev.replyd.maildir.MaildirFixtures.delivered;
import static dev.replyd.maildir.MaildirFixtures.list;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up after a crash: what recover() moves, removes and leaves alone. */
class RecoveryTest {
  @TempDir Path root;

  @Test
  void recoverReturnsClaimedMailToNewOrDeferredAndRemovesOnlyDeadTmpFiles() throws Exception {
    // given: a process that died with two messages claimed, one of them a retry
    Maildir before = Maildir.open(root);
    String plain = delivered(before, "first");
    String retried = delivered(before, "second");
    before.claim(plain).orElseThrow();
    before.claim(retried).orElseThrow();
    before.defer(retried, "{\"attempts\":3}".getBytes(UTF_8));
    before.claimDeferred(retried).orElseThrow();
    // and deliveries that never committed: one a day and a half old (from another host), one just
    // cut by the death of its writer on this host, and one a live process is still writing
    Path stale = Files.writeString(root.resolve(TMP).resolve("1700000000.M1P42Q7.elsewhere"), "half a mess");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(36))));
    String live = UniqueNames.PROCESS.next();
    String host = live.substring(live.indexOf('.', live.indexOf('Q')) + 1);
    Process writer = new ProcessBuilder("true").start();
    long deadPid = writer.pid();
    assertThat(writer.onExit().join().exitValue()).isZero();
    Path cut = Files.writeString(root.resolve(TMP).resolve("1700000002.M1P" + deadPid + "Q9." + host), "cut by SIGKIL");
    Path fresh = Files.writeString(root.resolve(TMP).resolve(live), "still being writ");

    // when: the next process starts
    Maildir after = Maildir.open(root);
    Recovery recovery = after.recover();

    // then
    assertThat(recovery).isEqualTo(new Recovery(1, 1, 2));
    assertThat(after.pending()).containsExactly(plain);
    assertThat(after.deferred()).containsExactly(retried);
    assertThat(after.retryState(retried)).hasValueSatisfying(
        s -> assertThat(new String(s, UTF_8)).isEqualTo("{\"attempts\":3}"));
    assertThat(list(root, CUR)).isEmpty();
    assertThat(stale).doesNotExist();
    assertThat(cut).doesNotExist();
    assertThat(fresh).exists();
    assertThat(Files.readString(after.path(NEW, plain), US_ASCII)).isEqualTo("first");
  }

  @Test
  void namesReplydDidNotCreateAreLoggedOnceAndLeftAlone() throws IOException {
    // given
    Maildir maildir = Maildir.open(root);
    String ours = delivered(maildir, "ours");
    List<Path> foreign = List.of(
        Files.writeString(root.resolve(NEW).resolve(".hidden"), "x"),
        Files.writeString(root.resolve(NEW).resolve("1700000000.M1P2Q3.vm:2,S"), "read by a mail client"),
        Files.writeString(root.resolve(CUR).resolve("message.eml"), "dropped by hand"),
        Files.writeString(root.resolve(DEFERRED).resolve("README"), "x"),
        Files.writeString(root.resolve(TMP).resolve("core"), "x"));
    for (Path file : foreign) {
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofDays(30))));
    }

    try (RecordingLog log = new RecordingLog("replies")) {
      // when
      Recovery recovery = maildir.recover();
      List<String> pending = maildir.pending();
      maildir.pending();
      Backlog backlog = maildir.backlog();

      // then
      assertThat(recovery).isEqualTo(new Recovery(0, 0, 0));
      assertThat(pending).containsExactly(ours);
      assertThat(backlog.pending()).isEqualTo(1);
      assertThat(backlog.claimed()).isZero();
      assertThat(backlog.deferred()).isZero();
      assertThat(foreign).allSatisfy(file -> assertThat(file).exists());
      assertThat(log.lines()).containsExactlyInAnyOrder(
          warning(root.resolve(NEW).resolve(".hidden")),
          warning(root.resolve(NEW).resolve("1700000000.M1P2Q3.vm:2,S")),
          warning(root.resolve(CUR).resolve("message.eml")),
          warning(root.resolve(DEFERRED).resolve("README")),
          warning(root.resolve(TMP).resolve("core")));
    }
  }

  private static String warning(Path file) {
    return "WARN skipping " + file
        + ": not a name replyd creates (expected <secs>.M<usec>P<pid>Q<n>.<host>); left alone";
  }
}
