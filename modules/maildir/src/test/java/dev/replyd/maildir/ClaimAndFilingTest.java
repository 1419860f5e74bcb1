package dev.replyd.maildir;

import dev.replyd.testing.RecordingLog;
import static dev.replyd.maildir.MaildirLayout.CUR;
import static dev.replyd.maildir.MaildirLayout.DEFERRED;
import static dev.replyd.maildir.MaildirLayout.FAILURE;
import static dev.replyd.maildir.MaildirLayout.NEW;
import static dev.replyd.maildir.MaildirLayout.POSTMASTER;
import static dev.replyd.maildir.MaildirLayout.REASON_SUFFIX;
import static dev.replyd.maildir.MaildirLayout.SUCCESS;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static dev.replyd.maildir.MaildirFixtures.claimed;
import static dev.replyd.maildir.MaildirFixtures.delivered;
import static dev.replyd.maildir.MaildirFixtures.list;
import static dev.replyd.maildir.MaildirFixtures.race;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Claiming messages and filing them under their outcome; every transition on real files. */
class ClaimAndFilingTest extends MaildirHarness {

  @Test
  void eachNameIsClaimedExactlyOnceWhenEightWorkersRaceForTheSameMessages() throws Exception {
    // given
    int messages = 300;
    for (int i = 0; i < messages; i++) {
      delivered(maildir, "message " + i);
    }
    List<String> names = maildir.pending();
    Map<String, Integer> wins = new ConcurrentHashMap<>();
    List<List<String>> orders = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      List<String> order = new ArrayList<>(names);
      Collections.shuffle(order, new Random(w));
      orders.add(order);
    }

    // when
    race(8, worker -> {
      for (String name : orders.get(worker)) {
        if (maildir.claim(name).isPresent()) {
          wins.merge(name, 1, Integer::sum);
        }
      }
    });

    // then
    assertThat(wins).hasSize(messages).allSatisfy((name, count) -> assertThat(count).as(name).isEqualTo(1));
    assertThat(maildir.pending()).isEmpty();
    assertThat(list(root, CUR)).containsExactlyInAnyOrderElementsOf(names);
  }

  @Test
  void claimMovesTheMessageToCurAndReturnsItsNewPath() throws IOException {
    // given
    String name = delivered(maildir, "hello");

    // when
    Path claimed = maildir.claim(name).orElseThrow();

    // then
    assertThat(claimed).isEqualTo(maildir.path(CUR, name));
    assertThat(Files.readString(claimed, US_ASCII)).isEqualTo("hello");
    assertThat(maildir.pending()).isEmpty();
  }

  @Test
  void claimingANameThatIsGoneReturnsEmpty() throws IOException {
    // given
    String name = delivered(maildir, "hello");
    maildir.claim(name);

    // when / then
    assertThat(maildir.claim(name)).isEmpty();
    assertThat(maildir.claim("1000000000.M0P1Q1.nowhere")).isEmpty();
  }

  @Test
  void succeedFilesTheClaimedMessageUnderSuccess() throws IOException {
    // given
    String name = claimed(maildir, "posted");

    // when
    try (RecordingLog log = new RecordingLog("replies")) {
      maildir.succeed(name);

      // then
      assertThat(log.lines()).containsExactly(
          "DEBUG mail/reply/cur/" + name + " => incoming-mail/success/" + name);
    }
    assertThat(Files.readString(maildir.path(SUCCESS, name), US_ASCII)).isEqualTo("posted");
    assertThat(list(root, CUR)).isEmpty();
  }

  @Test
  void failWritesTheReasonFileBesideTheMessageInFailure() throws IOException {
    // given
    String name = claimed(maildir, "rejected");
    byte[] reason = "{\"reason\":\"callback_rejected\",\"status\":422}".getBytes(UTF_8);

    // when
    maildir.fail(name, reason);

    // then
    assertThat(list(root, FAILURE)).containsExactlyInAnyOrder(name, name + ".reason.json");
    assertThat(Files.readAllBytes(maildir.path(FAILURE, name + ".reason.json"))).isEqualTo(reason);
    assertThat(Files.readString(maildir.path(FAILURE, name), US_ASCII)).isEqualTo("rejected");
    assertThat(list(root, CUR)).isEmpty();
  }

  @Test
  void failingANameThatWasNeverClaimedIsReportedAndWritesNoReason() throws IOException {
    // given
    String name = delivered(maildir, "still in new");

    // when / then
    assertThatThrownBy(() -> maildir.fail(name, "{}".getBytes(UTF_8)))
        .isInstanceOf(IOException.class)
        .hasMessage("file " + maildir.path(CUR, name) + ": No such file or directory; expected a name returned by "
            + "claim() or claimDeferred() (was recover() run while workers held files?)");
    assertThat(list(root, FAILURE)).isEmpty();
    assertThat(maildir.pending()).containsExactly(name);
  }

  @Test
  void postmasterMailIsFiledForTheAdministrator() throws IOException {
    // given
    String name = claimed(maildir, "to postmaster");

    // when
    maildir.postmaster(name);

    // then
    assertThat(list(root, POSTMASTER)).containsExactly(name);
    assertThat(list(root, CUR)).isEmpty();
  }

  @Test
  void deferredMessageKeepsItsRetryStateUntilItSucceeds() throws IOException {
    // given
    String name = claimed(maildir, "main app down");
    byte[] firstState = "{\"attempts\":1}".getBytes(UTF_8);
    byte[] secondState = "{\"attempts\":2}".getBytes(UTF_8);

    // when: first attempt fails, the retry is claimed and fails again, then the third succeeds
    maildir.defer(name, firstState);
    assertThat(maildir.deferred()).containsExactly(name);
    assertThat(maildir.retryState(name)).hasValueSatisfying(s -> assertThat(s).isEqualTo(firstState));
    assertThat(maildir.claimDeferred(name)).contains(maildir.path(CUR, name));
    assertThat(maildir.retryState(name)).as("kept while claimed").isPresent();
    maildir.defer(name, secondState);
    assertThat(maildir.retryState(name)).hasValueSatisfying(s -> assertThat(s).isEqualTo(secondState));
    maildir.claimDeferred(name);
    maildir.succeed(name);

    // then
    assertThat(maildir.retryState(name)).isEmpty();
    assertThat(list(root, DEFERRED)).isEmpty();
    assertThat(list(root, SUCCESS)).containsExactly(name);
  }

  @Test
  void failingARetriedMessageRemovesItsRetryState() throws IOException {
    // given
    String name = claimed(maildir, "retries exhausted");
    maildir.defer(name, "{\"attempts\":9}".getBytes(UTF_8));
    maildir.claimDeferred(name);

    // when
    maildir.fail(name, "{\"reason\":\"retries_exhausted\"}".getBytes(UTF_8));

    // then
    assertThat(maildir.retryState(name)).isEmpty();
    assertThat(list(root, DEFERRED)).isEmpty();
    assertThat(list(root, FAILURE)).containsExactlyInAnyOrder(name, name + ".reason.json");
  }

  @Test
  void claimingADeferredMessageTwiceGivesItToOneClaimerOnly() throws IOException {
    // given
    String name = claimed(maildir, "x");
    maildir.defer(name, new byte[0]);

    // when / then
    assertThat(maildir.claimDeferred(name)).isPresent();
    assertThat(maildir.claimDeferred(name)).isEmpty();
  }

  @Test
  void requeueReturnsAFailedMessageToNewWithoutItsReason() throws IOException {
    // given
    String name = claimed(maildir, "try again");
    maildir.fail(name, "{}".getBytes(UTF_8));

    // when
    boolean requeued = maildir.requeue(name);

    // then
    assertThat(requeued).isTrue();
    assertThat(maildir.pending()).containsExactly(name);
    assertThat(list(root, FAILURE)).isEmpty();
    assertThat(maildir.requeue(name)).as("no longer in failure/").isFalse();
  }

  @Test
  void requeueOfAReasonFileIsAnInterfaceViolationAndMovesNothing() throws IOException {
    // given
    String name = claimed(maildir, "try again");
    maildir.fail(name, "{}".getBytes(UTF_8));

    // when / then
    assertThatThrownBy(() -> maildir.requeue(name + REASON_SUFFIX))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name: " + name + REASON_SUFFIX + " (expected: a message name <secs>.M<usec>P<pid>Q<n>.<host>)");
    assertThat(list(root, FAILURE)).containsExactlyInAnyOrder(name, name + REASON_SUFFIX);
    assertThat(maildir.pending()).isEmpty();
  }

  @Test
  void requeueAllReturnsEveryFailedMessageAndLeavesForeignFilesAlone() throws IOException {
    // given
    for (int i = 0; i < 3; i++) {
      maildir.fail(claimed(maildir, "failed " + i), "{}".getBytes(UTF_8));
    }
    Files.writeString(root.resolve(FAILURE).resolve("notes.txt"), "operator notes");

    // when
    int requeued = maildir.requeueAll();

    // then
    assertThat(requeued).isEqualTo(3);
    assertThat(maildir.pending()).hasSize(3);
    assertThat(list(root, FAILURE)).containsExactly("notes.txt");
  }

  @Test
  void pathRefusesUnknownStatesAndNamesThatLeaveTheirDirectory() {
    assertThat(maildir.path(NEW, "1.M1P1Q1.h")).isEqualTo(root.resolve("mail/reply/new/1.M1P1Q1.h"));
    assertThatThrownBy(() -> maildir.path("mail/reply", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("state: mail/reply (expected: one of the MaildirLayout constants [mail/reply/tmp, "
            + "mail/reply/new, mail/reply/cur, incoming-mail/deferred, incoming-mail/success, "
            + "incoming-mail/failure, incoming-mail/postmaster])");
    assertThatThrownBy(() -> maildir.claim("../cur/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name: \"../cur/x\" (expected: a maildir file name without '/')");
    assertThatThrownBy(() -> maildir.path(NEW, ".."))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
