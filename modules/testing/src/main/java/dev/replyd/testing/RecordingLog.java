package dev.replyd.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Records what one named log ({@code mail}, {@code replies}, ...) says during one test, or the
 * errors and exceptions of all logs. Close it (try-with-resources), or register it and it detaches
 * after the test:
 *
 * <pre>
 * &#64;RegisterExtension final RecordingLog mailLog = new RecordingLog("mail");
 * </pre>
 *
 * <p>Thread-safety: the server's threads append while a test reads; logback's appender appends under
 * its own lock, and the readers here copy under the same lock, so a read never sees a list being
 * changed.
 */
public final class RecordingLog implements AutoCloseable, AfterEachCallback {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  /** Starts recording the logger named {@code name}. */
  public RecordingLog(String name) {
    this(name, event -> true);
  }

  private RecordingLog(String name, Predicate<ILoggingEvent> kept) {
    logger = (Logger) LoggerFactory.getLogger(name);
    appender.addFilter(new Filter<>() {
      @Override
      public FilterReply decide(ILoggingEvent event) {
        return kept.test(event) ? FilterReply.NEUTRAL : FilterReply.DENY;
      }
    });
    appender.start();
    logger.addAppender(appender);
  }

  /**
   * Starts recording, from every logger of this JVM, only ERROR events and events that carry an
   * exception (so a test can assert that none escaped); the rest is not kept, since a fuzz test's
   * thousands of sessions log far more.
   */
  public static RecordingLog errorsAndExceptions() {
    return new RecordingLog(org.slf4j.Logger.ROOT_LOGGER_NAME,
        event -> event.getLevel().isGreaterOrEqual(Level.ERROR) || event.getThrowableProxy() != null);
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

  /** ERROR events so far, each as "LEVEL logger: message (exception class: exception message)". */
  public List<String> errors() {
    return described(event -> event.getLevel().isGreaterOrEqual(Level.ERROR));
  }

  /**
   * Events of any level that carried an exception (an exception that reached a logger), described
   * as {@link #errors()} are.
   */
  public List<String> exceptions() {
    return described(event -> event.getThrowableProxy() != null);
  }

  private List<String> described(Predicate<ILoggingEvent> which) {
    synchronized (appender) {
      return appender.list.stream().filter(which).map(RecordingLog::describe).toList();
    }
  }

  private static String describe(ILoggingEvent event) {
    String line = event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage();
    IThrowableProxy thrown = event.getThrowableProxy();
    return thrown == null ? line : line + " (" + thrown.getClassName() + ": " + thrown.getMessage() + ")";
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
