package dev.replyd.processor;

import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.address.WebhookSigner;
import dev.replyd.extract.ReplyExtractor;
import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.maildir.Recovery;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Processor - the running processing pipeline: finds messages in the Maildir, lets a pool of
 * workers turn each into a signed callback, and files every outcome.
 *
 * <p>CONTRACT: {@link #start} first calls {@code Maildir.recover()} (messages claimed but not
 * finished when the last process died go back to {@code new/} or deferred: at-least-once),
 * then starts:
 * <ul>
 *   <li>a watcher on {@code new/} ({@link MaildirWatcher}) plus a rescan of {@code new/} and of
 *       the deferred queue every {@code rescanInterval} (watch events can be lost);
 *   <li>a bounded queue of claimed work ({@link WorkQueue}, 2 x threads) and {@code threads}
 *       workers ({@link MessageWorker}), each reading its message on a reader thread for at most
 *       {@code messageDeadline};
 *   <li>retry timers for deferred messages ({@link DeferredSchedule}), restored from the
 *       persisted retry state;
 *   <li>a sweep of success files older than {@code retention}, at start-up and then daily.
 * </ul>
 * {@link #stop} stops finding work, lets workers finish the message in hand for up to
 * {@code grace}, interrupts them after that, and returns every message still claimed to the
 * Maildir with {@code recover()}. {@link #reloadCallback} swaps the callback URL and secret
 * for attempts that start afterwards. Address keys rotate in the shared codec itself
 * ({@code ReplyAddressCodec.replaceKeys}), which the workers read for every message.
 *
 * <p>FAILURES: {@link #start} throws {@link IOException} when the Maildir cannot be recovered or
 * watched (the daemon should not run half-blind). Afterwards nothing is fatal: per-message
 * failures are filed by the workers, Maildir errors are logged and retried at the next rescan.
 *
 * <p>THREAD-SAFETY: {@link #stop} and {@link #reloadCallback} may be
 * called from any thread; stop is idempotent.
 */
public final class Processor implements AutoCloseable {

  private static final Logger REPLIES = MessageWorker.REPLIES;
  private static final Duration DEFAULT_GRACE = Duration.ofSeconds(10);
  private static final Duration SWEEP_PERIOD = Duration.ofDays(1);
  private static final long POLL_MS = 200;

  private final Maildir maildir;
  private final ProcessorSettings settings;
  private final CallbackSender sender;
  private final MessageWorker worker;
  private final WorkQueue queue;
  private final MaildirWatcher watcher;
  private final Thread watcherThread;
  private final ScheduledExecutorService timers;
  private final ExecutorService workers;
  private final ExecutorService readers;
  private volatile boolean stopping;
  private final ProcessorMetrics metrics;

  private Processor(
      ProcessorSettings settings, Maildir maildir, ReplyAddressCodec codec, ReplyExtractor extractor,
      MeterRegistry registry, SenderChecks checks, FailureListener failures, WebhookSigner signer)
      throws IOException {
    this.settings = settings;
    Clock clock = Clock.systemUTC();
    this.metrics = new ProcessorMetrics(registry, settings.retryMaxDelay(), clock);
    this.maildir = maildir;
    this.sender =
        new CallbackSender(settings.callbackUrl(), signer, settings.callbackTimeout(), clock);
    this.queue = new WorkQueue(maildir, 2 * settings.threads());
    this.timers = Executors.newSingleThreadScheduledExecutor(new NamedThreads("replyd-timer", true));
    DeferredSchedule schedule = new DeferredSchedule(maildir, queue, timers, clock);
    RetryPolicy policy =
        new RetryPolicy(settings.retryBaseDelay(), settings.retryMaxDelay(), settings.maxAge());
    // Reading a message runs on a reader thread so that the worker can give up on it at the message
    // deadline; a cached pool, since a reader stuck past its deadline must not hold up the next message
    // (ReaderSlots bound how many run at once, abandoned ones included: twice the workers).
    this.readers = Executors.newCachedThreadPool(new NamedThreads("replyd-read", true));
    ReaderSlots readerSlots = new ReaderSlots(2 * settings.threads(), readers);
    metrics.overdueReaders(readerSlots::overdue);
    this.worker = new MessageWorker(maildir, codec, extractor, sender, policy, schedule, settings, metrics, checks,
        failures, clock, readerSlots);
    Path newDirectory = maildir.root().resolve(MaildirLayout.NEW);
    try {
      this.watcher = new MaildirWatcher(newDirectory, this::rescanNew);
    } catch (IOException e) {
      timers.shutdownNow();
      readers.shutdownNow();
      sender.close();
      throw e;
    }
    this.watcherThread = new NamedThreads("replyd-watch", true).newThread(watcher);
    this.workers = Executors.newFixedThreadPool(settings.threads(), new NamedThreads("replyd-worker", true));
    for (int i = 0; i < settings.threads(); i++) {
      workers.execute(this::work);
    }
    watcherThread.start();
    long rescanMs = settings.rescanInterval().toMillis();
    timers.scheduleWithFixedDelay(() -> rescan(schedule), 0, rescanMs, TimeUnit.MILLISECONDS);
    timers.scheduleAtFixedRate(this::sweep, 0, SWEEP_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Recovers the Maildir and starts watching and working. The caller owns {@code maildir},
   * {@code codec} and {@code extractor}; the processor never closes them.
   */
  public static Processor start(
      ProcessorSettings settings, Maildir maildir, ReplyAddressCodec codec, ReplyExtractor extractor)
      throws IOException {
    return start(settings, maildir, codec, extractor, new SimpleMeterRegistry());
  }

  /** As {@link #start(ProcessorSettings, Maildir, ReplyAddressCodec, ReplyExtractor)}, reporting to {@code registry}. */
  public static Processor start(
      ProcessorSettings settings, Maildir maildir, ReplyAddressCodec codec, ReplyExtractor extractor,
      MeterRegistry registry)
      throws IOException {
    return start(settings, maildir, codec, extractor, registry, SenderChecks.none());
  }

  /** As above, verifying each sender (SPF, DKIM, DMARC) as {@code checks} says. */
  public static Processor start(
      ProcessorSettings settings, Maildir maildir, ReplyAddressCodec codec, ReplyExtractor extractor,
      MeterRegistry registry, SenderChecks checks)
      throws IOException {
    return start(settings, maildir, codec, extractor, registry, checks, FailureListener.none());
  }

  /**
   * As above, telling {@code failures} about every message filed as failure (the daemon's failure
   * notices); it is called on the worker threads and must not block.
   */
  public static Processor start(
      ProcessorSettings settings, Maildir maildir, ReplyAddressCodec codec, ReplyExtractor extractor,
      MeterRegistry registry, SenderChecks checks, FailureListener failures)
      throws IOException {
    return start(settings, maildir, codec, extractor, registry, checks, failures,
        WebhookSigner.of(WebhookSigner.Scheme.REPLYD, List.of(settings.callbackSecret())));
  }

  /**
   * As above, signing each callback with {@code signer} ({@code callback.signature} and every
   * configured secret) instead of {@code Replyd-Signature} with the settings' one secret.
   */
  public static Processor start(
      ProcessorSettings settings, Maildir maildir, ReplyAddressCodec codec, ReplyExtractor extractor,
      MeterRegistry registry, SenderChecks checks, FailureListener failures, WebhookSigner signer)
      throws IOException {
    Objects.requireNonNull(signer, "signer");
    Objects.requireNonNull(failures, "failures");
    Objects.requireNonNull(checks, "checks");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(maildir, "maildir");
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(extractor, "extractor");
    Recovery recovery = maildir.recover();
    REPLIES.info("starting processor: {} (recovered: {} to new, {} to deferred, {} stale tmp files removed)",
        settings, recovery.returnedToNew(), recovery.returnedToDeferred(), recovery.staleTmpRemoved());
    return new Processor(settings, maildir, codec, extractor, registry, checks, failures, signer);
  }

  /**
   * Replaces the callback URL and secret for attempts that start from now on.
   *
   * @throws IllegalArgumentException when the URL is not absolute http(s) or the secret is empty
   */
  /**
   * Empty while the main app accepts callbacks (or none was attempted yet); otherwise since when
   * it has been failing and the last error — for the daemon's {@code /readyz}.
   */
  public Optional<String> callbackProblem() {
    return metrics.callbackProblem();
  }

  public void reloadCallback(URI url, byte[] secret) {
    reloadCallback(url, WebhookSigner.of(WebhookSigner.Scheme.REPLYD, List.of(secret)));
  }

  /** As {@link #reloadCallback(URI, byte[])}, with a new signer (scheme and secrets). */
  public void reloadCallback(URI url, WebhookSigner signer) {
    // Validated exactly as at start-up, by building settings with the new URL.
    new ProcessorSettings(settings.threads(), url, settings.callbackSecret(), settings.callbackTimeout(), settings.maxAge(),
        settings.retryBaseDelay(), settings.retryMaxDelay(), settings.maxAttachmentBytes(),
        settings.maxMessageBytes(), settings.rescanInterval(), settings.retention(), settings.messageDeadline());
    sender.retarget(url, Objects.requireNonNull(signer, "signer"));
    REPLIES.info("callback target is now {} (secret reloaded)", dev.replyd.address.LoggableUrl.of(url));
  }

  /**
   * Stops finding work, waits up to {@code grace} for workers to finish the message in hand,
   * interrupts them after that, and returns every still-claimed message with
   * {@code Maildir.recover()}. Idempotent.
   */
  public void stop(Duration grace) {
    synchronized (this) {
      if (stopping) {
        return;
      }
      stopping = true;
    }
    try {
      watcher.close();
    } catch (IOException e) {
      REPLIES.warn("closing the watch on new/: {}", e.toString());
    }
    watcherThread.interrupt();
    timers.shutdownNow();
    workers.shutdown();
    boolean interrupted = false;
    try {
      if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        REPLIES.warn("workers still busy after {}; interrupting them, their messages stay claimed", grace);
        workers.shutdownNow();
        workers.awaitTermination(5, TimeUnit.SECONDS);
      }
      timers.awaitTermination(5, TimeUnit.SECONDS);
      watcherThread.join(5_000);
    } catch (InterruptedException e) {
      interrupted = true;
      workers.shutdownNow();
    }
    readers.shutdownNow(); // readers past their deadline: their messages are filed already
    int abandoned = queue.abandon();
    try {
      Recovery recovery = maildir.recover();
      REPLIES.info("processor stopped ({} queued messages released; {} returned to new, {} to deferred)",
          abandoned, recovery.returnedToNew(), recovery.returnedToDeferred());
    } catch (IOException | RuntimeException e) {
      REPLIES.warn("processor stopped; returning claimed messages failed ({}); the next start-up retries", e.toString());
    }
    sender.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@link #stop(Duration)} with a 10 second grace period. */
  @Override
  public void close() {
    stop(DEFAULT_GRACE);
  }

  private void work() {
    try {
      while (!stopping) {
        Work work = queue.next(POLL_MS, TimeUnit.MILLISECONDS);
        if (work != null) {
          worker.process(work);
        }
      }
    } catch (InterruptedException stopNow) {
      // stop() ran out of grace; the message in hand stays claimed and is recovered.
    }
  }

  private void rescan(DeferredSchedule schedule) {
    try {
      rescanNew();
      schedule.rescan();
    } catch (InterruptedException stopNow) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException unexpected) {
      // A throwing periodic task would never run again: log and go on.
      REPLIES.error("rescan failed; will try again in {}", settings.rescanInterval(), unexpected);
    }
  }

  private void rescanNew() throws InterruptedException {
    List<String> pending;
    try {
      pending = maildir.pending();
    } catch (IOException | RuntimeException e) {
      REPLIES.warn("cannot list new/ ({}); will retry at the next rescan", e.toString());
      return;
    }
    for (String name : pending) {
      if (stopping) {
        return;
      }
      queue.claimNew(name);
    }
  }

  private void sweep() {
    try {
      int removed = maildir.sweep(MaildirLayout.SUCCESS, settings.retention());
      if (removed > 0) {
        REPLIES.info("swept {} success files older than {}", removed, settings.retention());
      }
    } catch (IOException | RuntimeException e) {
      REPLIES.warn("sweeping success files failed ({}); will retry tomorrow", e.toString());
    }
  }
}
