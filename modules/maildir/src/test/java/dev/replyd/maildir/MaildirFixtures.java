package dev.replyd.maildir;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Givens shared by the Maildir tests: messages in a known state, what a directory holds, and
 * threads racing for the same Maildir.
 */
final class MaildirFixtures {
  private MaildirFixtures() {}

  /** Delivers {@code content} with an empty prefix; returns its name in new/. */
  static String delivered(Maildir maildir, String content) throws IOException {
    return maildir.deliver(new ByteArrayInputStream(content.getBytes(US_ASCII)), new byte[0]);
  }

  /** Delivers and claims {@code content}; returns its name in cur/. */
  static String claimed(Maildir maildir, String content) throws IOException {
    String name = delivered(maildir, content);
    maildir.claim(name).orElseThrow();
    return name;
  }

  /** File names in {@code state} under {@code root}, including names replyd did not create. */
  static List<String> list(Path root, String state) throws IOException {
    try (Stream<Path> files = Files.list(root.resolve(state))) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }

  /** What one of the racing threads does; {@code racer} is its number, from 0. */
  interface Racer {
    void run(int racer) throws Exception;
  }

  /**
   * Starts {@code racers} threads, releases them at once and waits for all to finish (generously:
   * two minutes each); a racer's failure fails the caller. No thread outlives the call.
   */
  static void race(int racers, Racer racer) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int r = 0; r < racers; r++) {
        int number = r;
        done.add(pool.submit(() -> {
          start.await();
          racer.run(number);
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
    }
  }
}
