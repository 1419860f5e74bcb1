package dev.replyd.maildir;

import dev.replyd.testing.RecordingLog;
import static dev.replyd.maildir.MaildirFixtures.race;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Writing messages into new/: content, copies, concurrency, aborts. Real files under @TempDir. */
class DeliveryTest extends MaildirHarness {

  @Test
  void deliveredMessageIsItsPrefixThenTheMessageInNew() throws IOException {
    // given
    byte[] prefix = "Delivered-To: reply+i-1-ab-5@reply.example\r\n".getBytes(US_ASCII);
    byte[] message = "Subject: hi\r\n\r\nthanks\r\n".getBytes(US_ASCII);

    // when
    String name = maildir.deliver(new ByteArrayInputStream(message), prefix);

    // then
    assertThat(maildir.pending()).containsExactly(name);
    assertThat(Files.readAllBytes(maildir.path(MaildirLayout.NEW, name))).isEqualTo(concat(prefix, message));
  }

  @Test
  void sixteenThreadsDeliveringAtOnceNeitherCollideNorLoseMail() throws Exception {
    // given
    int threads = 16;
    int perThread = 200;
    Map<String, byte[]> expected = new ConcurrentHashMap<>();
    List<String> collisions = new ArrayList<>();

    // when
    long started = System.nanoTime();
    race(threads, thread -> {
      Random random = new Random(thread);
      for (int i = 0; i < perThread; i++) {
        byte[] prefix = ("X-Thread: " + thread + " message " + i + "\r\n").getBytes(US_ASCII);
        byte[] body = new byte[random.nextInt(20_000)];
        random.nextBytes(body);
        String name = maildir.deliver(new ByteArrayInputStream(body), prefix);
        if (expected.putIfAbsent(name, concat(prefix, body)) != null) {
          synchronized (collisions) {
            collisions.add(name);
          }
        }
      }
    });
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("%d deliveries from %d threads in %d ms (%.0f/s)%n",
        threads * perThread, threads, millis, threads * perThread * 1000.0 / Math.max(1, millis));

    // then
    assertThat(collisions).isEmpty();
    List<String> pending = maildir.pending();
    assertThat(pending).hasSize(threads * perThread).containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (String name : pending) {
      assertThat(Files.readAllBytes(maildir.path(MaildirLayout.NEW, name))).as(name).isEqualTo(expected.get(name));
    }
  }

  @Test
  void multiCopyDeliveryWritesOneFilePerPrefixEachWithItsPrefixAndTheSameBody() throws IOException {
    // given
    List<byte[]> prefixes = List.of(
        "Delivered-To: a@x\r\n".getBytes(US_ASCII),
        "Delivered-To: b@x\r\nX-Extra: 1\r\n".getBytes(US_ASCII),
        new byte[0]);
    byte[] body = randomBytes(300_000, 7); // larger than the 64 KiB buffer

    // when
    List<String> names;
    try (Delivery delivery = maildir.begin(prefixes)) {
      writeInAwkwardChunks(delivery.body(), body);
      assertThat(delivery.bodyBytes()).isEqualTo(body.length);
      names = delivery.commit();
    }

    // then
    assertThat(names).hasSize(3).doesNotHaveDuplicates();
    assertThat(maildir.pending()).containsExactlyInAnyOrderElementsOf(names);
    for (int i = 0; i < names.size(); i++) {
      assertThat(Files.readAllBytes(maildir.path(MaildirLayout.NEW, names.get(i))))
          .as("copy %d", i).isEqualTo(concat(prefixes.get(i), body));
    }
  }

  @Test
  void queueIdIsTwelveUppercaseHexDigitsAndDiffersBetweenMessages() throws IOException {
    // when
    String first;
    String second;
    try (Delivery a = maildir.begin(List.of(new byte[0])); Delivery b = maildir.begin(List.of(new byte[0]))) {
      first = a.queueId();
      second = b.queueId();
    }

    // then
    assertThat(first).matches("[0-9A-F]{12}");
    assertThat(second).matches("[0-9A-F]{12}").isNotEqualTo(first);
  }

  @Test
  void deliveryClosedWithoutCommitLeavesNothingInNewOrTmp() throws IOException {
    // given
    Delivery delivery = maildir.begin(List.of("A\r\n".getBytes(US_ASCII), "B\r\n".getBytes(US_ASCII)));
    delivery.body().write(randomBytes(100_000, 1));
    assertThat(tmpFiles()).hasSize(2);

    // when
    delivery.close();
    delivery.close(); // idempotent

    // then
    assertThat(maildir.pending()).isEmpty();
    assertThat(tmpFiles()).isEmpty();
    assertThatThrownBy(() -> delivery.body().write(1))
        .isInstanceOf(IOException.class)
        .hasMessage("delivery " + delivery.queueId() + " is closed; no more body writes");
    assertThatThrownBy(delivery::commit)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("delivery " + delivery.queueId() + " is closed (expected: commit() once, before close())");
  }

  @Test
  void deliveryInterruptedBeforeTheRenameLeavesNothingInNewOrTmp() throws IOException {
    // given
    Delivery delivery = maildir.begin(List.of("A\r\n".getBytes(US_ASCII)));
    delivery.body().write("Subject: x\r\n\r\nbody\r\n".getBytes(US_ASCII));

    // when
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(delivery::commit)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("write maildir file " + root.resolve(MaildirLayout.TMP))
          .hasMessageEndingWith(": Interrupted; the thread was interrupted (shutdown?); the message was not stored");
    } finally {
      Thread.interrupted();
      delivery.close();
    }

    // then
    assertThat(maildir.pending()).isEmpty();
    assertThat(tmpFiles()).isEmpty();
  }

  @Test
  void newDirectoryRemovedUnderARunningDeliveryFailsTheCommitWithTheFixAndCleansTmp() throws IOException {
    // given
    Delivery delivery = maildir.begin(List.of("A\r\n".getBytes(US_ASCII)));
    delivery.body().write("body\r\n".getBytes(US_ASCII));
    Path tmpFile = tmpFiles().get(0);
    Path newDirectory = root.resolve(MaildirLayout.NEW);
    Files.delete(newDirectory);

    // when / then
    try {
      assertThatThrownBy(delivery::commit)
          .isInstanceOf(IOException.class)
          .hasMessage("rename " + tmpFile + " to " + newDirectory.resolve(tmpFile.getFileName())
              + ": No such file or directory; was part of storage.root " + root
              + " removed while replyd runs? restart replyd to re-create it");
    } finally {
      delivery.close();
    }
    assertThat(tmpFiles()).isEmpty();
    assertThat(Maildir.open(root).pending()).as("re-created at the next start, empty").isEmpty();
  }

  @Test
  void messageStreamFailingHalfWayLeavesNothingInNewOrTmp() throws IOException {
    // given
    InputStream brokenConnection = new InputStream() {
      int sent;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0];
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (sent >= 100_000) {
          throw new IOException("connection reset by peer");
        }
        int n = Math.min(len, 100_000 - sent);
        java.util.Arrays.fill(b, off, off + n, (byte) 'x');
        sent += n;
        return n;
      }
    };

    // when / then
    assertThatThrownBy(() -> maildir.deliver(brokenConnection, new byte[0]))
        .isInstanceOf(IOException.class)
        .hasMessage("connection reset by peer");
    assertThat(maildir.pending()).isEmpty();
    assertThat(tmpFiles()).isEmpty();
  }

  @Test
  void flushingTheBodyDoesNotWriteThroughToTheFiles() throws IOException {
    // given
    byte[] prefix = "P: 1\r\n".getBytes(US_ASCII);
    try (Delivery delivery = maildir.begin(List.of(prefix))) {
      // when
      delivery.body().write("line one\r\n".getBytes(US_ASCII));
      delivery.body().flush();

      // then: only the prefix has reached the file; the line waits in the buffer
      assertThat(tmpFiles()).singleElement().satisfies(f -> assertThat(Files.size(f)).isEqualTo(prefix.length));
      String name = delivery.commit().get(0);
      assertThat(Files.readString(maildir.path(MaildirLayout.NEW, name), US_ASCII)).isEqualTo("P: 1\r\nline one\r\n");
    }
  }

  @Test
  void committingTwiceOrWritingAfterCommitIsRefused() throws IOException {
    // given
    try (Delivery delivery = maildir.begin(List.of(new byte[0]))) {
      delivery.commit();

      // when / then
      assertThatThrownBy(delivery::commit)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("delivery " + delivery.queueId() + " is committed (expected: commit() once, before close())");
      assertThatThrownBy(() -> delivery.body().write(new byte[3]))
          .isInstanceOf(IOException.class)
          .hasMessage("delivery " + delivery.queueId() + " is committed; no more body writes");
    }
    assertThat(maildir.pending()).hasSize(1);
  }

  @Test
  void aMessageForNoRecipientIsAnInterfaceViolation() {
    assertThatThrownBy(() -> maildir.begin(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("headerPrefixes: [] (expected: one prefix per accepted recipient)");
  }

  @Test
  void deliveredFilesAreReadableByTheGroupOnlyAndDirectoriesLikewise() throws IOException {
    // given
    org.junit.jupiter.api.Assumptions.assumeTrue(root.getFileSystem().supportedFileAttributeViews().contains("posix"));

    // when
    String name = maildir.deliver(new ByteArrayInputStream(new byte[10]), new byte[0]);

    // then (the umask may only take bits away)
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(maildir.path(MaildirLayout.NEW, name))))
        .isEqualTo("rw-r-----");
    for (String state : MaildirLayout.STATES) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve(state))))
          .as(state).isEqualTo("rwxr-x---");
    }
  }

  @Test
  void everyDeliveryIsLoggedAtDebugWithItsQueueIdAndName() throws IOException {
    // given
    try (RecordingLog log = new RecordingLog("replies"); Delivery delivery = maildir.begin(List.of(new byte[0]))) {
      delivery.body().write("0123456789".getBytes(US_ASCII));

      // when
      String name = delivery.commit().get(0);

      // then
      assertThat(log.lines()).containsExactly(
          "DEBUG " + delivery.queueId() + ": delivered mail/reply/new/" + name + " (10 body bytes)");
    }
  }

  private List<Path> tmpFiles() throws IOException {
    try (Stream<Path> files = Files.list(root.resolve(MaildirLayout.TMP))) {
      return files.toList();
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }

  static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** Single bytes, small chunks, one chunk larger than the buffer: every path of the body stream. */
  private static void writeInAwkwardChunks(OutputStream out, byte[] data) throws IOException {
    int i = 0;
    int[] sizes = {1, 1, 2, 1000, 65_535, 70_000, 3, 17};
    for (int k = 0; i < data.length; k++) {
      int size = Math.min(sizes[k % sizes.length], data.length - i);
      if (size == 1) {
        out.write(data[i]);
      } else {
        out.write(data, i, size);
      }
      out.flush();
      i += size;
    }
  }
}
