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
