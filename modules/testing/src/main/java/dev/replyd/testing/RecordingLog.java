package dev.replyd.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Records what one named log ({@code mail}, {@code replies}, ...) says during one test. Close it to
 * detach.
 *
 * <p>Thread-safety: the server's threads append while a test reads; logback's appender appends under
 * its own lock, and the readers here copy under the same lock, so a read never sees a list being
 * changed.
 */
public final class RecordingLog implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  /** Starts recording the logger named {@code name}. */
  public RecordingLog(String name) {
    logger = (Logger) LoggerFactory.getLogger(name);
    appender.start();
    logger.addAppender(appender);
  }

  /** Each event so far as "LEVEL message". */
  public List<String> lines() {
    synchronized (appender) {
      return appender.list.stream().map(event -> event.getLevel() + " " + event.getFormattedMessage()).toList();
    }
  }

  /** Each event's message so far. */
  public List<String> messages() {
    synchronized (appender) {
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
