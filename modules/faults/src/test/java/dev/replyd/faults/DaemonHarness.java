package dev.replyd.faults;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * DaemonHarness - the given-block of the tests that run replyd as a child process: a temporary
 * directory (config in it, storage under {@code var/}), a {@link MainApp} answering 200, and the
 * daemon field the test fills; after each test the daemon is killed if still running and the main
 * app stopped.
 *
 * <p>Thread-safety: {@link #daemon} is volatile because load threads read its port while the
 * test thread restarts it.
 */
abstract class DaemonHarness {
  @TempDir Path dir;
  MainApp app;
  volatile ReplydProcess daemon;

  @BeforeEach
  void startMainApp() throws Exception {
    app = MainApp.start();
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
