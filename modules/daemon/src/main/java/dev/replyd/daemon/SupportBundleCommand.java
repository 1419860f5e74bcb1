package dev.replyd.daemon;

import dev.replyd.diagnostics.Diagnosis;
import dev.replyd.diagnostics.SupportBundle;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code replyd support-bundle -o FILE.tar.gz}: what support needs in one file — the configuration
 * with every secret redacted, the diagnose report, log tails, a metrics snapshot, directory counts,
 * the newest failure reasons and versions. Every configured secret is also scrubbed from every file.
 */
@Command(name = "support-bundle", mixinStandardHelpOptions = true,
    description = "Write a support bundle (secrets redacted) for a bug report.")
final class SupportBundleCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.tar.gz", description = "Where to write the bundle.")
  Path output;

  @Option(names = "--log-dir", defaultValue = "/var/log/replyd", paramLabel = "DIR",
      description = "Where mail.log and replies.log are. Default: ${DEFAULT-VALUE}.")
  Path logDir;

  @Option(names = "--log-lines", defaultValue = "1000", description = "Lines kept from the end of each log. Default: ${DEFAULT-VALUE}.")
  int logLines;

  @Override
  public Integer call() throws Exception {
    ReplydConfig c = null;
    String report;
    try {
      c = config.load();
      report = Diagnosis.run(DiagnoseCommand.inputs(c)).render();
    } catch (ConfigProblems e) {
      // The bundle still helps: the report names the problems, the raw config is redacted by key.
      report = Diagnosis.run(DiagnoseCommand.inputs(e)).render();
    }
    SupportBundle.write(output, inputs(config.file, c, report, logDir, logLines,
        c == null ? null : new InetSocketAddress(c.metrics().bind(), c.metrics().port())));
    spec.commandLine().getOut().println("wrote " + output + " (secrets redacted; check it before sending)");
    return 0;
  }

  /**
   * What goes in a bundle: {@code c} null when the configuration did not load; {@code metrics} is the
   * metrics listener (the console passes the one actually bound). Every configured secret is scrubbed.
   */
  static SupportBundle.Inputs inputs(Path configFile, ReplydConfig c, String report, Path logDir, int logLines,
      InetSocketAddress metrics) {
    List<byte[]> secrets = new ArrayList<>();
    URI metricsUrl = null;
    Path storage = null;
    if (c != null) {
      secrets.addAll(c.address().keys());
      secrets.addAll(c.callback().signing().secrets());
      if (c.outbound().password() != null) {
        secrets.add(c.outbound().password());
      }
      if (c.console().token() != null) {
        secrets.add(c.console().token());
      }
      metricsUrl = URI.create("http://" + metrics.getHostString() + ":" + metrics.getPort() + "/metrics");
      storage = c.storage().root();
    }
    return new SupportBundle.Inputs(configFile, secrets, report,
        List.of(logDir.resolve("mail.log"), logDir.resolve("replies.log")), logLines, metricsUrl, storage, 20,
        VersionProvider.version(), Duration.ofSeconds(5));
  }
}
