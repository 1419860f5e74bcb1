package dev.replyd.faults;

import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.testing.DaemonConfig;
import dev.replyd.testing.DaemonProcess;
import dev.replyd.testing.LeakCheck;
import dev.replyd.testing.RecordingMainApp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * DaemonHarness - the given-block of the tests that run replyd as a child process: a temporary
 * directory (config in it, storage under {@code var/}), a {@link RecordingMainApp} answering 200, and the
 * daemon field the test fills; after each test the daemon is killed if still running and the main
 * app stopped, then {@link LeakCheck} fails the test if a thread it started or a port it opened
 * outlives it.
 *
 * <p>Thread-safety: {@link #daemon} is volatile because load threads read its port while the
 * test thread restarts it.
 */
abstract class DaemonHarness {
  static final String KEY = "faults test address key 0123456789abcdef";
  static final String HOSTNAME = DaemonConfig.HOSTNAME;
  static final String REPLY_DOMAIN = "reply.tracker.test";
  static final String SECRET = "faults-test-callback-secret-0123";

  /** The reply-address codec of the child daemon's key. */
  static ReplyAddressCodec codec() {
    return new ReplyAddressCodec("reply", REPLY_DOMAIN, List.of("i", "p", "c", "d"),
        List.of(KEY.getBytes(StandardCharsets.UTF_8)));
  }

  @RegisterExtension final LeakCheck leaks = LeakCheck.threads("replyd-child-").listeningPorts();
  @TempDir Path dir;
  RecordingMainApp app;
  volatile DaemonProcess daemon;

  /**
   * Writes (atomically) a daemon configuration for {@code root}, posting to {@code app}, with
   * {@code extra} HOCON lines appended inside {@code replyd { }} (later keys win).
   */
  static Path writeConfig(Path dir, Path root, RecordingMainApp app, String extra) throws IOException {
    return DaemonConfig.write(dir, KEY, root, app.url(), SECRET,
        "  processor.threads = 2\n"
        + "  callback.timeout = 5s\n"
        + "  shutdown.grace = 5s\n"
        + extra);
  }

  @BeforeEach
  void startMainApp() throws Exception {
    app = RecordingMainApp.start(SECRET.getBytes(StandardCharsets.UTF_8));
  }

  @AfterEach
  void stopDaemonAndMainApp() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
    app.close();
  }

  Path storageRoot() {
    return dir.resolve("var");
  }
}
