package dev.replyd.maildir;

import static dev.replyd.maildir.MaildirLayout.DEFERRED;
import static dev.replyd.maildir.MaildirLayout.FAILURE;
import static dev.replyd.maildir.MaildirLayout.NEW;
import static dev.replyd.maildir.MaildirLayout.SUCCESS;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static dev.replyd.maildir.MaildirFixtures.claimed;
import static dev.replyd.maildir.MaildirFixtures.delivered;
import static dev.replyd.maildir.MaildirFixtures.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Figures for metrics (backlog, free space) and retention (sweep). */
class BacklogAndSweepTest {
  @TempDir Path root;
  Maildir maildir;

  @BeforeEach
  void open() throws IOException {
    maildir = Maildir.open(root);
  }

  @Test
  void emptyStoreHasNoBacklogAndNoOldestAge() throws IOException {
    assertThat(maildir.backlog()).isEqualTo(new Backlog(0, 0, 0, Optional.empty()));
  }

  @Test
  void backlogCountsEachQueuedStateAndAgesTheOldestMessageByItsDeliveryTime() throws IOException {
    // given: two pending, one claimed, one deferred since 2001-09-09T01:46:40Z
    delivered(maildir, "a");
    delivered(maildir, "b");
    maildir.claim(delivered(maildir, "c")).orElseThrow();
    String old = "1000000000.M500000P7Q1.vm";
    Files.writeString(root.resolve(DEFERRED).resolve(old), "old");
    maildir.succeed(claimed(maildir, "done")); // filed mail is not backlog

    // when
    Instant before = Instant.now();
    Backlog backlog = maildir.backlog();
    Instant after = Instant.now();

    // then
    assertThat(backlog.pending()).isEqualTo(2);
    assertThat(backlog.claimed()).isEqualTo(1);
    assertThat(backlog.deferred()).isEqualTo(1);
    assertThat(backlog.total()).isEqualTo(4);
    Instant delivered = Instant.ofEpochSecond(1_000_000_000L, 500_000_000L);
    assertThat(backlog.oldestAge()).hasValueSatisfying(age ->
        assertThat(age).isBetween(Duration.between(delivered, before), Duration.between(delivered, after)));
  }

  @Test
  void backlogOfFreshMailIsAboutZeroSecondsOld() throws IOException {
    // given
    Instant before = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    delivered(maildir, "now");

    // when
    Backlog backlog = maildir.backlog();
    Instant after = Instant.now();

    // then: at most the time since just before the delivery (names carry microseconds)
    assertThat(backlog.oldestAge()).hasValueSatisfying(age ->
        assertThat(age).isBetween(Duration.ZERO, Duration.between(before, after)));
  }

  @Test
  void pendingListsTheOldestDeliveryFirst() throws IOException {
    // given
    Files.writeString(root.resolve(NEW).resolve("1700000002.M1P1Q1.vm"), "third");
    Files.writeString(root.resolve(NEW).resolve("1700000001.M999999P1Q2.vm"), "second");
    Files.writeString(root.resolve(NEW).resolve("1700000001.M5P1Q3.vm"), "first");
    String newest = delivered(maildir, "fourth");

    // when / then
    assertThat(maildir.pending()).containsExactly(
        "1700000001.M5P1Q3.vm", "1700000001.M999999P1Q2.vm", "1700000002.M1P1Q1.vm", newest);
  }

  @Test
  void sweepDeletesOnlyFiledMessagesOlderThanTheRetentionWithTheirReasons() throws IOException {
    // given
    String oldSuccess = claimed(maildir, "old");
    String recentSuccess = claimed(maildir, "recent");
    maildir.succeed(oldSuccess);
    maildir.succeed(recentSuccess);
    String oldFailure = claimed(maildir, "old failure");
    maildir.fail(oldFailure, "{}".getBytes(US_ASCII));
    Path foreign = Files.writeString(root.resolve(SUCCESS).resolve("keep-me.txt"), "x");
    for (Path file : List.of(maildir.path(SUCCESS, oldSuccess), maildir.path(FAILURE, oldFailure), foreign)) {
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofDays(40))));
    }

    // when
    int sweptSuccess = maildir.sweep(SUCCESS, Duration.ofDays(30));
    int sweptFailure = maildir.sweep(FAILURE, Duration.ofDays(30));

    // then
    assertThat(sweptSuccess).isEqualTo(1);
    assertThat(sweptFailure).isEqualTo(1);
    assertThat(list(root, SUCCESS)).containsExactlyInAnyOrder(recentSuccess, "keep-me.txt");
    assertThat(list(root, FAILURE)).isEmpty();
  }

  @Test
  void sweepingMailThatWasNotFiledIsRefused() {
    assertThatThrownBy(() -> maildir.sweep(NEW, Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("state: mail/reply/new (expected: one of [incoming-mail/success, incoming-mail/failure, "
            + "incoming-mail/postmaster]; mail not yet filed is never swept)");
    assertThatThrownBy(() -> maildir.sweep(SUCCESS, Duration.ofDays(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("olderThan: PT-24H (expected: >= 0)");
  }

  @Test
  void usableSpaceIsTheFreeSpaceOfTheStorageFileSystem() throws IOException {
    assertThat(maildir.usableSpace())
        .isPositive()
        .isLessThanOrEqualTo(Files.getFileStore(root).getTotalSpace());
  }
}
