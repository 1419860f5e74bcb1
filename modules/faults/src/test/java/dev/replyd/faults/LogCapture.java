package dev.replyd.faults;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * LogCapture - records every ERROR logged in this JVM while open (an appender on the root logger),
 * so a test can assert that no exception escaped the SMTP pipeline or a worker: James and Netty log
 * an exception that reaches the end of the pipeline at WARN or ERROR.
 *
 * <p>Thread-safety: events may arrive from any thread.
 */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final List<String> errors = new CopyOnWriteArrayList<>();
  private final List<String> exceptions = new CopyOnWriteArrayList<>();

  private LogCapture() {}

  static LogCapture open() {
    LogCapture capture = new LogCapture();
    capture.setName("fault-test-capture");
    capture.setContext((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory());
    capture.start();
    root().addAppender(capture);
    return capture;
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  @Override
  protected void append(ILoggingEvent event) {
    String line = event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage();
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      line += " (" + thrown.getClassName() + ": " + thrown.getMessage() + ")";
      exceptions.add(line);
    }
    if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
      errors.add(line);
    }
  }

  /** ERROR events seen so far. */
  List<String> errors() {
    return List.copyOf(errors);
  }

  /** Events of any level that carried an exception (an exception that reached a logger). */
  List<String> exceptions() {
    return List.copyOf(exceptions);
  }

  @Override
  public void close() {
    root().detachAppender(this);
    stop();
  }
}
