package dev.replyd.daemon;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One run of the {@code replyd} command line in this JVM, as an operator types it: its exit code and
 * what it printed to standard output and standard error.
 *
 * <p>Thread-safety: immutable; each {@link #replyd} call builds its own command line.
 */
record CommandLineRun(int exit, String out, String err) {

  /** Runs {@code replyd args...} and collects what it printed. */
  static CommandLineRun replyd(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new CommandLineRun(exit, out.toString(), err.toString());
  }
}
