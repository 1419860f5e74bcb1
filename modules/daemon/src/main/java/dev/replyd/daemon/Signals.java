package dev.replyd.daemon;

import sun.misc.Signal;

/**
 * Installs the daemon's POSIX signal handlers (SIGTERM/SIGINT: stop, SIGHUP: reload).
 *
 * <p>Why {@code sun.misc.Signal}: the JDK's only way to catch SIGHUP and to answer SIGTERM with a
 * graceful stop that ends in exit status 0 (a shutdown hook would end in 143). Handlers run on the
 * JVM's signal thread and must only hand work over, never block.
 */
final class Signals {
  private Signals() {}

  static void onTerminate(Runnable action) {
    Signal.handle(new Signal("TERM"), s -> action.run());
    Signal.handle(new Signal("INT"), s -> action.run());
  }

  static void onHangup(Runnable action) {
    Signal.handle(new Signal("HUP"), s -> action.run());
  }
}
