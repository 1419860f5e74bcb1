package dev.replyd.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.address.ReplyToken;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.Await;
import dev.replyd.testing.DaemonProcess;
import dev.replyd.testing.SmtpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Disk full, simulated by a {@code storage.min-free} threshold above the free space (mounting a
 * small file system needs privileges CI does not have): MAIL FROM gets 452 4.3.1, nothing reaches
 * tmp/ or new/, /readyz says why; once the threshold is lowered and the daemon restarted, mail flows
 * again and reaches the main app.
 */
class DiskFullTest extends DaemonHarness {
  @Test
  void belowMinFreeMailIsRefusedWith452AtMailFromAndFlowsAgainWhenSpaceReturns() throws Exception {
    // given: a threshold no disk meets
    Path root = storageRoot();
    Path config = DaemonHarness.writeConfig(dir, root, app, "storage.min-free = 1PiB");
    daemon = new DaemonProcess(config);
    String rcpt = DaemonHarness.codec().mint(new ReplyToken("i", 1, 2));
    int attempts = Soak.size(20, 500);
    int refused = 0;

    // when: clients try, one command at a time and pipelined
    for (int i = 0; i < attempts; i++) {
      try (SmtpClient client = new SmtpClient(daemon.smtpPort, 10_000)) {
        client.send("EHLO client.test");
        if (i % 2 == 0) {
          String mail = client.send("MAIL FROM:<sender@client.test>");
          if (mail.startsWith("452 4.3.1")) {
            refused++;
          }
          assertThat(client.send("RCPT TO:<" + rcpt + ">")).startsWith("503");
        } else {
          List<String> replies = client.pipeline(List.of("MAIL FROM:<sender@client.test>", "RCPT TO:<" + rcpt + ">", "DATA"));
          if (replies.get(0).startsWith("452 4.3.1") && !replies.get(1).startsWith("2") && !replies.get(2).startsWith("3")) {
            refused++;
          }
        }
        client.send("QUIT");
      }
    }
    String readyWhileFull = daemon.http("/readyz");

    // then: all refused, nothing stored, readiness names the cause
    assertThat(refused).as("transactions refused with 452 4.3.1").isEqualTo(attempts);
    assertThat(StoredFiles.count(root, MaildirLayout.TMP) + StoredFiles.count(root, MaildirLayout.NEW)).isZero();
    assertThat(readyWhileFull).startsWith("503").contains("storage.min-free");

    // when: space "returns" (threshold lowered) and the daemon is told
    DaemonHarness.writeConfig(dir, root, app, "storage.min-free = 1MiB");
    daemon.signal("HUP");
    String reload = daemon.awaitLog("reloaded", Duration.ofSeconds(20));
    String afterHup;
    try (SmtpClient client = new SmtpClient(daemon.smtpPort, 10_000)) {
      client.send("EHLO client.test");
      afterHup = client.send("MAIL FROM:<sender@client.test>");
    }
    if (!afterHup.startsWith("250")) {
      // storage.min-free needs a restart (the reload line says so): SIGTERM, then start again.
      assertThat(reload).contains("needs a restart").contains("storage");
      assertThat(daemon.stop(Duration.ofSeconds(30))).isZero();
      daemon = new DaemonProcess(config);
    }
    int accepted = 0;
    for (int i = 0; i < attempts; i++) {
      try (SmtpClient client = new SmtpClient(daemon.smtpPort, 10_000)) {
        client.send("EHLO client.test");
        client.send("MAIL FROM:<sender@client.test>");
        client.send("RCPT TO:<" + DaemonHarness.codec().mint(new ReplyToken("i", 100 + i, 2)) + ">");
        client.send("DATA");
        client.write(LoadClient.body(100 + i));
        if (client.send(".").startsWith("250 2.0.0")) {
          accepted++;
        }
      }
    }
    int acknowledged = accepted;
    Await.within(Duration.ofSeconds(60), () -> app.acceptedPerThread().size() >= acknowledged);

    // then
    Soak.report("disk-full", "attempts while full=" + attempts + " refused with 452 4.3.1=" + refused
        + " /readyz while full: " + readyWhileFull.replace('\n', ' ') + "; SIGHUP applied min-free: " + afterHup.startsWith("250")
        + " (" + reload.replaceAll(".*reloaded", "reloaded") + "); after recovery sent=" + attempts + " acknowledged=" + accepted
        + " delivered=" + app.acceptedPerThread().size() + " lost=" + (accepted - app.acceptedPerThread().size()));
    assertThat(accepted).isEqualTo(attempts);
    assertThat(app.acceptedPerThread()).hasSize(accepted);
    assertThat(daemon.http("/readyz")).startsWith("200");
  }

  @Test
  void aWriteErrorDuringDataIs451AndLeavesNothingHalfWritten() throws Exception {
    // given: files may not grow beyond 256 KiB (RLIMIT_FSIZE), so a large message fails mid-write
    Path root = storageRoot();
    daemon = DaemonProcess.withFileSizeLimit(DaemonHarness.writeConfig(dir, root, app, ""), 256);
    String rcpt = DaemonHarness.codec().mint(new ReplyToken("i", 1, 2));
    String line = "A reply line long enough to fill the file quickly, again and again and again.\r\n";
    String large = LoadClient.body(1) + line.repeat((512 << 10) / line.length());
    int attempts = Soak.size(5, 50);
    List<String> largeReplies = new ArrayList<>();
    List<String> smallReplies = new ArrayList<>();

    // when: large messages (refused by the disk) alternate with small ones (fit)
    for (int i = 0; i < attempts; i++) {
      for (String message : List.of(large, LoadClient.body(1000 + i))) {
        try (SmtpClient client = new SmtpClient(daemon.smtpPort, 30_000)) {
          client.send("EHLO client.test");
          client.send("MAIL FROM:<sender@client.test>");
          client.send("RCPT TO:<" + rcpt + ">");
          client.send("DATA");
          client.write(message);
          (message == large ? largeReplies : smallReplies).add(client.send("."));
          client.send("QUIT");
        }
      }
    }
    Await.within(Duration.ofSeconds(60), () -> StoredFiles.count(root, MaildirLayout.SUCCESS) >= attempts);

    // then: 451 for each large one, nothing half-written anywhere, the small ones delivered
    Soak.report("write-error", "large messages=" + attempts + " replies " + largeReplies.stream().distinct().toList()
        + "; small messages=" + attempts + " replies " + smallReplies.stream().map(r -> r.substring(0, Math.min(9, r.length()))).distinct().toList()
        + "; files: " + StoredFiles.summary(root));
    assertThat(largeReplies).allSatisfy(r -> assertThat(r).startsWith("451 4.3.0"));
    assertThat(smallReplies).allSatisfy(r -> assertThat(r).startsWith("250 2.0.0"));
    assertThat(StoredFiles.count(root, MaildirLayout.TMP)).as("half-written files in tmp/").isZero();
    assertThat(StoredFiles.count(root, MaildirLayout.SUCCESS)).isEqualTo(attempts);
    assertThat(StoredFiles.count(root, MaildirLayout.FAILURE)).isZero();
  }
}
