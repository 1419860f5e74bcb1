package dev.replyd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.maildir.Maildir;
import dev.replyd.testing.Await;
import dev.replyd.testing.LeakCheck;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Flow control switches on above the threshold of files waiting in new/ and off at half of it, as they are claimed. */
class InFlowBacklogTest {
  @RegisterExtension final LeakCheck leaks = LeakCheck.threads("in-flow-sampler");
  @TempDir Path root;

  @Test
  void backloggedWhileMoreThanTheThresholdWaitInNew() throws Exception {
    Maildir maildir = Maildir.open(root);
    InFlowBacklog backlog = new InFlowBacklog(maildir, 2, Duration.ofSeconds(1));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      backlog.sample();
      assertThat(backlog.backlogged()).as("%d waiting", i).isFalse();
      names.add(maildir.deliver(new ByteArrayInputStream("Subject: x\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII)),
          new byte[0]));
    }
    backlog.sample();
    assertThat(backlog.backlogged()).as("3 waiting, threshold 2").isTrue();

    maildir.claim(names.get(0)); // claimed files are being processed: they no longer count
    backlog.sample();
    assertThat(backlog.backlogged()).as("2 waiting: above half the threshold, still on").isTrue();
    maildir.claim(names.get(1));
    backlog.sample();
    assertThat(backlog.backlogged()).as("1 waiting: half the threshold, off").isFalse();
  }

  @Test
  void startSamplesAtOnceAndCloseStopsTheSampler() throws Exception {
    Maildir maildir = Maildir.open(root);
    maildir.deliver(new ByteArrayInputStream("Subject: x\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII)), new byte[0]);
    try (InFlowBacklog backlog = InFlowBacklog.start(maildir, 0, Duration.ofSeconds(1))) {
      assertThat(backlog.backlogged()).isTrue();
    }
    Await.within(Duration.ofSeconds(5), () -> !samplerAlive());
    assertThat(samplerAlive()).as("sampler thread ended").isFalse();
  }

  private static boolean samplerAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("in-flow-sampler") && t.isAlive());
  }
}
