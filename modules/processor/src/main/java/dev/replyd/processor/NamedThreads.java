package dev.replyd.processor;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * NamedThreads - a thread factory giving the processor's threads names an operator recognises
 * in a thread dump ({@code replyd-worker-3}, {@code replyd-watch-1}).
 *
 * <p>THREAD-SAFETY: safe for concurrent use (an atomic counter).
 */
final class NamedThreads implements ThreadFactory {

  private final String prefix;
  private final boolean daemon;
  private final AtomicInteger next = new AtomicInteger(1);

  NamedThreads(String prefix, boolean daemon) {
    this.prefix = prefix;
    this.daemon = daemon;
  }

  @Override
  public Thread newThread(Runnable task) {
    Thread thread = new Thread(task, prefix + "-" + next.getAndIncrement());
    thread.setDaemon(daemon);
    return thread;
  }
}
