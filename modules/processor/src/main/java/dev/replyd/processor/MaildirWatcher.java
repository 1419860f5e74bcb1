package dev.replyd.processor;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import org.slf4j.Logger;

/**
 * MaildirWatcher - notices files arriving in {@code new/} within milliseconds and has them
 * claimed into the {@link WorkQueue}.
 *
 * <p>CONTRACT: registered on {@code new/} in the constructor, before the first rescan, so no
 * arrival falls between the two. Each batch of events (ENTRY_CREATE for a link or rename into
 * {@code new/}, or OVERFLOW when events were lost) runs one listing of {@code new/} and claims
 * what it finds, oldest first: the Maildir's listing skips names replyd did not create. Watch
 * events are a hint, never the truth: the periodic rescan in {@link Processor} covers anything
 * missed, and the claim rename decides who gets a file.
 *
 * <p>FAILURES: a name the Maildir cannot claim is skipped (logged by the queue). Closing the
 * watcher ends {@link #run()}.
 *
 * <p>THREAD-SAFETY: {@link #run()} is confined to the watcher thread; {@link #close()} may be
 * called from any thread.
 */
final class MaildirWatcher implements Runnable, AutoCloseable {

  /** What the watcher does when the kernel says events were lost. */
  interface Rescan {
    void rescan() throws InterruptedException;
  }

  private static final Logger REPLIES = MessageWorker.REPLIES;

  private final WatchService watchService;
  private final Rescan rescanNew;
  private final Path newDirectory;

  MaildirWatcher(Path newDirectory, Rescan rescanNew) throws IOException {
    this.newDirectory = newDirectory;
    this.watchService = newDirectory.getFileSystem().newWatchService();
    try {
      newDirectory.register(watchService, StandardWatchEventKinds.ENTRY_CREATE);
    } catch (IOException e) {
      watchService.close();
      throw new IOException("watch " + newDirectory + ": " + e.getMessage()
          + " (is storage.root readable by replyd? is fs.inotify.max_user_watches exhausted?)", e);
    }
    this.rescanNew = rescanNew;
  }

  @Override
  public void run() {
    try {
      while (true) {
        WatchKey key = watchService.take();
        // One listing per batch of events rather than one claim per event: the Maildir's
        // listing skips names replyd did not create, and a lost event costs nothing.
        List<WatchEvent<?>> events = key.pollEvents();
        if (!events.isEmpty()) {
          rescanNew.rescan();
        }
        if (!key.reset()) {
          REPLIES.error("watch on {} was cancelled (directory removed?); relying on the periodic rescan", newDirectory);
          return;
        }
      }
    } catch (ClosedWatchServiceException | InterruptedException stopping) {
      // close() or stop(): nothing left to do; claimed work is recovered by the processor.
    }
  }

  @Override
  public void close() throws IOException {
    watchService.close();
  }
}
