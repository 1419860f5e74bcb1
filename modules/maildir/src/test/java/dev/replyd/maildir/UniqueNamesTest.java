package dev.replyd.maildir;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Maildir unique names: their form, their uniqueness, and which names count as ours. */
class UniqueNamesTest {

  @Test
  void nameIsSecondsMicrosecondsPidCounterAndHost() {
    // given
    UniqueNames names = new UniqueNames(4242, "mx1.example.com");
    long before = System.currentTimeMillis() / 1000;

    // when
    String first = names.next();
    String second = names.next();
    long after = System.currentTimeMillis() / 1000;

    // then
    assertThat(first).matches("[0-9]+\\.M[0-9]{1,6}P4242Q1\\.mx1\\.example\\.com");
    assertThat(second).matches("[0-9]+\\.M[0-9]{1,6}P4242Q2\\.mx1\\.example\\.com");
    long seconds = Long.parseLong(first.substring(0, first.indexOf('.')));
    assertThat(seconds).isBetween(before, after);
    assertThat(UniqueNames.isMessage(first)).isTrue();
  }

  @Test
  void hostIsEscapedAsTheMaildirSpecificationSays() {
    assertThat(UniqueNames.sanitizeHost("a/b:c")).isEqualTo("a\\057b\\072c");
    assertThat(UniqueNames.sanitizeHost("  ")).isEqualTo("localhost");
    assertThat(new UniqueNames(1, "x:y").next()).endsWith(".x\\072y");
  }

  @Test
  void namesFromEightThreadsAreAllDistinct() throws InterruptedException {
    // given
    UniqueNames names = new UniqueNames(1, "h");
    Set<String> seen = ConcurrentHashMap.newKeySet();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      threads.add(new Thread(() -> {
        for (int i = 0; i < 20_000; i++) {
          seen.add(names.next());
        }
      }));
    }

    // when
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }

    // then
    assertThat(seen).hasSize(8 * 20_000);
  }

  @Test
  void onlyNamesReplydCreatesAreMessages() {
    // table: name, whether it is ours
    Object[][] cases = {
        {"1700000000.M123456P42Q7.vm", true},
        {"1700000000.M123456P42Q7.mx\\072backup.example", true},
        {"1700000000.M123456P42Q7.vm.retry.json", false},
        {"1700000000.M123456P42Q7.vm.reason.json", false},
        {"1700000000.M123456P42Q7.vm:2,S", false},
        {"1700000000.V801I4M12P42.vm", false},
        {".1700000000.M1P1Q1.vm", false},
        {"1700000000.M1234567P1Q1.vm", false},
        {"README", false},
        {"", false},
    };
    for (Object[] c : cases) {
      assertThat(UniqueNames.isMessage((String) c[0])).as((String) c[0]).isEqualTo(c[1]);
    }
  }

  @Test
  void deliveryTimeIsReadBackFromTheName() {
    assertThat(UniqueNames.deliveredMicros("1700000000.M000042P1Q1.vm")).contains(1_700_000_000_000_042L);
    assertThat(UniqueNames.deliveredMicros("junk")).isEmpty();
  }

  @Test
  void queueIdsAreTwelveHexDigitsAndDistinctWithinAProcess() {
    UniqueNames names = new UniqueNames(1, "h");
    Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) {
      String id = names.nextQueueId();
      assertThat(id).matches("[0-9A-F]{12}");
      ids.add(id);
    }
    assertThat(ids).hasSize(200);
  }
}
