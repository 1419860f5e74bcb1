package dev.replyd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine;

/**
 * One run of the {@code replyd} command line in this JVM, as an operator types it: its exit code and
 * what it printed to standard output and standard error; and the support bundle such a run writes.
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

  /**
   * Runs {@code replyd support-bundle} for {@code config} with the bundle and the log directory in
   * {@code dir}; the run must exit 0. Returns the bundle, uncompressed, as ISO-8859-1 text (one
   * character per byte, so whatever text it holds can be searched).
   */
  static String supportBundle(Path config, Path dir) throws IOException {
    Path bundle = dir.resolve("bundle.tar.gz");
    CommandLineRun r = replyd("support-bundle", "--config", config.toString(), "-o", bundle.toString(),
        "--log-dir", dir.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(bundle))) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
