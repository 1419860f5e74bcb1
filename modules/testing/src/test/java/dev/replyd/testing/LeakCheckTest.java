package dev.replyd.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;

/** LeakCheck run by hand around a "test" that leaves (or does not leave) something behind. */
class LeakCheckTest {
  @TempDir Path dir;

  /** The one thing LeakCheck asks of the context: the test's display name. */
  private static final ExtensionContext CONTEXT = (ExtensionContext) Proxy.newProxyInstance(
      LeakCheckTest.class.getClassLoader(), new Class<?>[] {ExtensionContext.class},
      (proxy, method, args) -> {
        if (method.getName().equals("getDisplayName")) {
          return "someTest()";
        }
        throw new UnsupportedOperationException(method.getName());
      });

  @Test
  void aTestThatLeavesNothingBehindPasses() throws Exception {
    // given
    LeakCheck leaks = LeakCheck.threads("leakcheck-").listeningPorts().graceMillis(200);
    Path tmp = Files.createDirectories(dir.resolve("mail/reply/tmp"));
    leaks.beforeEach(CONTEXT);
    leaks.watchTmp(tmp);

    // when
    Thread worker = new Thread(() -> { }, "leakcheck-worker");
    worker.start();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Files.writeString(tmp.resolve("1.msg"), "x");
      Files.move(tmp.resolve("1.msg"), dir.resolve("1.msg"));
    }

    // then
    assertThatCode(() -> leaks.afterEach(CONTEXT)).doesNotThrowAnyException();
  }

  @Test
  void aFileLeftInTmpFailsTheTest() throws Exception {
    // given
    LeakCheck leaks = LeakCheck.tmpFiles();
    Path tmp = Files.createDirectories(dir.resolve("mail/reply/tmp"));
    leaks.beforeEach(CONTEXT);
    leaks.watchTmp(tmp);

    // when
    Files.writeString(tmp.resolve("1.msg"), "x");

    // then
    assertThatThrownBy(() -> leaks.afterEach(CONTEXT))
        .hasMessage("someTest() left 1 file(s) in tmp/ (expected: every delivery committed or closed): ["
            + tmp.resolve("1.msg") + "]");
  }

  @Test
  void aNonDaemonThreadStillRunningFailsTheTest() throws Exception {
    // given
    LeakCheck leaks = LeakCheck.threads().graceMillis(200);
    CountDownLatch release = new CountDownLatch(1);
    leaks.beforeEach(CONTEXT);

    // when
    Thread worker = new Thread(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "left-running");
    worker.start();

    // then
    try {
      assertThatThrownBy(() -> leaks.afterEach(CONTEXT)).hasMessage("someTest() left 1 thread(s) running: [left-running]");
    } finally {
      release.countDown();
      worker.join();
    }
  }

  @Test
  void aDaemonThreadWithAWatchedNameFailsTheTestButAnUnwatchedOneDoesNot() throws Exception {
    // given
    LeakCheck leaks = LeakCheck.threads("leakcheck-").graceMillis(200);
    CountDownLatch release = new CountDownLatch(1);
    leaks.beforeEach(CONTEXT);

    // when
    Thread watched = daemon("leakcheck-loop", release);
    Thread unwatched = daemon("some-library-daemon", release);

    // then
    try {
      assertThatThrownBy(() -> leaks.afterEach(CONTEXT)).hasMessage("someTest() left 1 thread(s) running: [leakcheck-loop]");
    } finally {
      release.countDown();
      watched.join();
      unwatched.join();
    }
  }

  @Test
  void aPortStillListeningFailsTheTest() throws Exception {
    // given
    LeakCheck leaks = LeakCheck.tmpFiles().listeningPorts().graceMillis(200);
    leaks.beforeEach(CONTEXT);

    // when
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));

      // then
      assertThatThrownBy(() -> leaks.afterEach(CONTEXT))
          .hasMessage("someTest() left 1 port(s) listening: [127.0.0.1:" + server.getLocalPort() + "]");
    }
  }

  private static Thread daemon(String name, CountDownLatch release) {
    Thread thread = new Thread(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
