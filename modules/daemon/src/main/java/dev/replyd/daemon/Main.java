package dev.replyd.daemon;

import java.util.Properties;
import picocli.CommandLine;

/**
 * The {@code replyd} command line: {@code replyd <command> [options]}.
 *
 * <p>Exit status: 0 success, 1 the command failed (one-line reason on stderr), 2 usage error.
 */
public final class Main {
  private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private Main() {}

  public static void main(String[] args) {
    // Without it Jakarta Mail 2.1 looks its stream provider up through ServiceLoader for every
    // parsed message, scanning every jar: 140-200 us per message against 6 us (measured, JFR).
    if (System.getProperty("jakarta.mail.util.StreamProvider") == null) {
      System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
    }
    keepAsyncStagesInThePool(System.getProperties(), Runtime.getRuntime().availableProcessors());
    JakartaMailcap.install();
    System.exit(commandLine().execute(args));
  }

  /**
   * On one or two cores the common fork-join pool has a single thread, and CompletableFuture then
   * runs every async stage on a new thread of its own: the JDK HttpClient's {@code sendAsync}
   * started one per callback post (JFR, JDK 17: 5,000 thread starts in 5,000 posts, 0.6 ms of CPU
   * per message in the first 5,000). With a parallelism of two the stages run in the pool. Must run
   * before anything touches the common pool; an explicit {@code -D} setting is kept.
   */
  static void keepAsyncStagesInThePool(Properties properties, int processors) {
    if (properties.getProperty(COMMON_POOL_PARALLELISM) == null && processors <= 2) {
      properties.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new ReplydCommand());
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      commandLine.getErr().println("replyd: " + ex.getMessage());
      return 1;
    });
    return cli;
  }
}
