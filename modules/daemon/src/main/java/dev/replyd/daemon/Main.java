package dev.replyd.daemon;

import picocli.CommandLine;

/**
 * The {@code replyd} command line: {@code replyd <command> [options]}.
 *
 * <p>Exit status: 0 success, 1 the command failed (one-line reason on stderr), 2 usage error.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Without it Jakarta Mail 2.1 looks its stream provider up through ServiceLoader for every
    // parsed message, scanning every jar: 140-200 us per message against 6 us (measured, JFR).
    if (System.getProperty("jakarta.mail.util.StreamProvider") == null) {
      System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
    }
    JakartaMailcap.install();
    System.exit(commandLine().execute(args));
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
