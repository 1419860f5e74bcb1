package dev.replyd.processor;

import static dev.replyd.processor.Fixtures.deliver;
import static dev.replyd.processor.Fixtures.fixture;
import static dev.replyd.processor.Fixtures.replyAddress;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.Await;
import dev.replyd.testing.RecordingMainApp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Many workers, one Maildir: every message is claimed and posted exactly once. */
class ConcurrentProcessingTest extends ProcessorHarness {

  @Test
  void burstWithFourWorkersPostsEachDeliveryIdExactlyOnce() throws Exception {
    receiver.delay(2);
    // A 5 ms rescan makes the watcher and the rescan race for every file.
    start(Fixtures.settings(receiver.url(), s -> {
      s.threads = 4;
      s.rescanInterval = Duration.ofMillis(5);
    }));
    String message = fixture("plain.eml");
    String address = replyAddress();

    List<String> names = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      names.add(deliver(maildir, address, message));
    }

    Await.until("all 300 filed as success", WAIT, () -> names.stream().allMatch(n -> isIn(MaildirLayout.SUCCESS, n)));
    Map<String, Long> postsPerId = receiver.requests().stream()
        .collect(Collectors.groupingBy(RecordingMainApp.Request::deliveryId, Collectors.counting()));
    assertThat(postsPerId.keySet()).containsExactlyInAnyOrderElementsOf(names);
    assertThat(postsPerId.values()).allMatch(count -> count == 1);
  }

  @Test
  void newFileIsNoticedByTheWatcherWithoutWaitingForARescan() throws Exception {
    // A message there before the start can only be found by the start-up rescan (the watcher
    // reports changes, not what is there): once it is filed, that rescan has listed new/.
    String before = deliver(maildir, replyAddress(), fixture("plain.eml"));
    start(Fixtures.settings(receiver.url(), s -> s.rescanInterval = Duration.ofHours(1)));
    Await.until("picked up by the start-up rescan", WAIT, () -> isIn(MaildirLayout.SUCCESS, before));

    String name = deliver(maildir, replyAddress(), fixture("plain.eml"));

    Await.until("noticed by the watcher", WAIT, () -> isIn(MaildirLayout.SUCCESS, name));
  }

  @Test
  void filesThatArrivedWhileStoppedArePickedUpAtStartUp() throws Exception {
    String name = deliver(maildir, replyAddress(), fixture("plain.eml"));

    start(Fixtures.settings(receiver.url(), s -> s.rescanInterval = Duration.ofHours(1)));

    Await.until("picked up at start-up", WAIT, () -> isIn(MaildirLayout.SUCCESS, name));
  }

  @Test
  void stopReturnsQueuedAndInFlightMessagesToNewForTheNextStart() throws Exception {
    receiver.delay(300); // a slow main app: workers are busy and the queue fills
    Processor first = start(Fixtures.settings(receiver.url()));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      names.add(deliver(maildir, replyAddress(), fixture("plain.eml")));
    }
    Await.until("a first delivery in flight", WAIT, () -> !receiver.requests().isEmpty());

    first.stop(Duration.ofSeconds(5));

    assertThat(maildir.backlog().claimed()).as("nothing left claimed in cur/").isZero();
    receiver.delay(0);
    start(Fixtures.settings(receiver.url()));
    Await.until("all 20 filed as success", WAIT, () -> names.stream().allMatch(n -> isIn(MaildirLayout.SUCCESS, n)));
    Map<String, Long> postsPerId = receiver.requests().stream()
        .collect(Collectors.groupingBy(RecordingMainApp.Request::deliveryId, Collectors.counting()));
    assertThat(postsPerId.keySet()).containsExactlyInAnyOrderElementsOf(names);
  }
}
