package dev.replyd.daemon;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd ({@code Type=notify}) about state changes through {@code systemd-notify}.
 *
 * <p>Why a helper process: {@code NOTIFY_SOCKET} is a datagram socket, which the JDK cannot open
 * without native code. The unit sets {@code NotifyAccess=all} so a child may report for us, and
 * {@code --pid} names the JVM as the main process. Without {@code NOTIFY_SOCKET} (not under
 * systemd, or {@code Type=exec}) every call does nothing. A failure is logged, never fatal: the
 * unit's start timeout then tells the operator.
 */
final class SystemdNotify {
  private static final Logger log = LoggerFactory.getLogger("replyd");

  private SystemdNotify() {}

  static void ready(String status) {
    send("--ready", "--status=" + status);
  }

  static void reloading() {
    send("RELOADING=1");
  }

  static void reloaded() {
    send("--ready", "--status=reloaded");
  }

  static void stopping() {
    send("STOPPING=1");
  }

  private static void send(String... args) {
    if (System.getenv("NOTIFY_SOCKET") == null) {
      return;
    }
    String[] cmd = new String[args.length + 2];
    cmd[0] = "systemd-notify";
    cmd[1] = "--pid=" + ProcessHandle.current().pid();
    System.arraycopy(args, 0, cmd, 2, args.length);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroy();
        log.warn("systemd-notify {} failed (exit {}); is NotifyAccess=all set in the unit?", String.join(" ", args),
            p.isAlive() ? "timeout" : p.exitValue());
      }
    } catch (IOException e) {
      log.warn("systemd-notify not runnable ({}); use Type=exec in the unit if systemd is absent", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
