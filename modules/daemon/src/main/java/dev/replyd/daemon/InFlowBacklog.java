package dev.replyd.daemon;

import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.MaildirLayout;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether processing lags behind SMTP, for {@link dev.replyd.smtp.InFlowDelay}: more than
 * {@code smtp.in-flow-backlog} messages wait in {@code mail/reply/new}.
 *
 * <p>Contract: {@link #sample()} counts {@code new/} (one directory listing) and remembers the
 * answer: backlogged above the threshold, and again not backlogged at half of it or below; {@link #start} samples once a second on its own thread, so the SMTP I/O threads only
 * read a volatile. The change either way is logged once ("flow control on/off"), not per message.
 * A listing that fails keeps the previous answer and is logged.
 *
 * <p>Thread-safety: {@link #backlogged()} from any thread; sampling from one thread at a time.
 */
final class InFlowBacklog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("replyd");
  static final Duration PERIOD = Duration.ofSeconds(1);

  private final Maildir maildir;
  private final int threshold;
  private final Duration delay;
  private ScheduledExecutorService sampler;
  private volatile boolean backlogged;

  InFlowBacklog(Maildir maildir, int threshold, Duration delay) {
    this.maildir = maildir;
    this.threshold = threshold;
    this.delay = delay;
  }

  static InFlowBacklog start(Maildir maildir, int threshold, Duration delay) {
    InFlowBacklog backlog = new InFlowBacklog(maildir, threshold, delay);
    backlog.sample();
    backlog.sampler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("in-flow-sampler"));
    backlog.sampler.scheduleWithFixedDelay(backlog::sample, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    return backlog;
  }

  boolean backlogged() {
    return backlogged;
  }

  void sample() {
    int waiting;
    try {
      waiting = maildir.pending().size();
    } catch (IOException | RuntimeException e) {
      log.warn("flow control: cannot count {} ({}); keeping the last answer", MaildirLayout.NEW, e.toString());
      return;
    }
    // On above the threshold, off only at half of it: a backlog hovering at the threshold
    // would otherwise flip the state (and log it) every second.
    boolean now = backlogged ? waiting > threshold / 2 : waiting > threshold;
    if (now != backlogged) {
      if (now) {
        log.warn("flow control on: {} messages wait in {} (smtp.in-flow-backlog = {}); each client waits {} ms "
            + "after its message before its next command is read", waiting, MaildirLayout.NEW, threshold,
            delay.toMillis());
      } else {
        log.info("flow control off: {} messages wait in {} (at most half of smtp.in-flow-backlog = {})", waiting,
            MaildirLayout.NEW, threshold);
      }
      backlogged = now;
    }
  }

  @Override
  public void close() {
    if (sampler != null) {
      sampler.shutdownNow();
    }
  }
}
