package dev.replyd.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * DaemonConfig - the configuration file of a test daemon ({@link DaemonProcess}): the settings every
 * test daemon needs (host name {@code tracker.test}, one address key, SMTP and metrics on loopback
 * port 0, storage with a 1 MiB free-space floor, the callback) plus the test's own HOCON lines,
 * which come later and so win.
 *
 * <p>Failures: IOException from writing the file. Thread-safety: stateless.
 */
public final class DaemonConfig {
  public static final String HOSTNAME = "tracker.test";

  private DaemonConfig() {}

  /**
   * Writes (atomically, so a daemon reloading it never reads half a file) {@code dir/replyd.conf}:
   * {@code replyd { <essentials> <extra> }}; returns its path.
   */
  public static Path write(Path dir, String key, Path storageRoot, URI callback, String secret, String extra)
      throws IOException {
    String conf = "replyd {\n"
        + "  hostname = " + HOSTNAME + "\n"
        + "  address.keys = [\"" + key + "\"]\n"
        + "  smtp { bind = 127.0.0.1, port = 0 }\n"
        + "  metrics { bind = 127.0.0.1, port = 0 }\n"
        + "  storage { root = \"" + storageRoot + "\", min-free = 1MiB }\n"
        + "  callback { url = \"" + callback + "\", secret = \"" + secret + "\" }\n"
        + extra + "\n"
        + "}\n";
    Path file = dir.resolve("replyd.conf");
    Path tmp = dir.resolve("replyd.conf.new");
    Files.writeString(tmp, conf);
    return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
