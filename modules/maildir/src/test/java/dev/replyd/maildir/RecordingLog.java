package dev.replyd.maildir;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Records what the "replies" log says during one test, as "LEVEL message" lines.
 * Close it to detach. Thread-safe for recording (logback appenders are synchronized).
 */
final class RecordingLog implements AutoCloseable {
  private final Logger logger = (Logger) LoggerFactory.getLogger("replies");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  RecordingLog() {
    appender.start();
    logger.addAppender(appender);
  }

  List<String> lines() {
    synchronized (appender) {
      return appender.list.stream()
          .map(event -> event.getLevel() + " " + event.getFormattedMessage())
          .collect(Collectors.toList());
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
