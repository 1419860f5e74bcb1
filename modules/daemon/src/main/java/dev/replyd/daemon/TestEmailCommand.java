package dev.replyd.daemon;

import dev.replyd.diagnostics.TestEmail;
import dev.replyd.outbound.Outbound;
import dev.replyd.outbound.SmtpSubmission;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replyd test-email --to ADDRESS}: sends a test message through {@code replyd.outbound} and
 * prints the whole SMTP conversation (credentials masked) and a plain-language diagnosis.
 */
@Command(name = "test-email", mixinStandardHelpOptions = true,
    description = "Send a test message through the outbound relay, printing the SMTP conversation.")
final class TestEmailCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Option(names = "--to", required = true, paramLabel = "ADDRESS", description = "Recipient of the test message.")
  String to;

  @Override
  public Integer call() throws Exception {
    Outbound outbound = config.load().outbound().toOutbound();
    PrintStream out = new PrintStream(new WriterStream(spec.commandLine().getOut()), true, StandardCharsets.UTF_8);
    SmtpSubmission.Result result = TestEmail.send(outbound, to, out);
    out.flush();
    if (result.success()) {
      return 0;
    }
    spec.commandLine().getErr().println("replyd: test email not sent: " + result.diagnosis());
    return 1;
  }

  /** Bytes to the command's writer, line by line, so the conversation shows as it happens. */
  private static final class WriterStream extends OutputStream {
    private final PrintWriter writer;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    WriterStream(PrintWriter writer) {
      this.writer = writer;
    }

    @Override
    public void write(int b) {
      line.write(b);
      if (b == '\n') {
        flush();
      }
    }

    @Override
    public void flush() {
      writer.write(line.toString(StandardCharsets.UTF_8));
      writer.flush();
      line.reset();
    }
  }
}
