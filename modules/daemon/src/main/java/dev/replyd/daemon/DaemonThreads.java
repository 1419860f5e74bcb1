package dev.replyd.daemon;

import java.util.concurrent.ThreadFactory;

/**
 * DaemonThreads - the thread factory of the daemon's own helpers (the in-flow sampler, the metrics
 * endpoint, the reload thread): every thread is a daemon thread, so none of them keeps the JVM alive
 * after shutdown, and carries the helper's fixed name, so a thread dump (and the tests' leak checks)
 * can tell which helper it serves.
 *
 * <p>THREAD-SAFETY: stateless; the factories it returns are safe for concurrent use.
 */
final class DaemonThreads {

  private DaemonThreads() {}

  /** Daemon threads all named {@code name}. */
  static ThreadFactory named(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
