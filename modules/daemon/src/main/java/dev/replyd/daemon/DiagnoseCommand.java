package dev.replyd.daemon;

import dev.replyd.diagnostics.Diagnosis;
import dev.replyd.diagnostics.Report;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code replyd diagnose}: the classic setup-diagnostics page as a checklist (PASS/WARN/FAIL, each
 * failure with its fix). Exit status 1 when any check fails. A broken configuration is itself the
 * first FAIL; the checks that need it then say what is missing instead of being skipped silently.
 */
@Command(name = "diagnose", mixinStandardHelpOptions = true,
    description = "Check config, DNS (A/MX), the SMTP port, storage, the callback (signed ping), TLS and the clock.")
final class DiagnoseCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Report report;
    try {
      ReplydConfig c = config.load();
      report = Diagnosis.run(inputs(c), c.cluster().peers());
    } catch (ConfigProblems e) {
      report = Diagnosis.run(inputs(e)); // no peers to check: the "config" check names the problems
    }
    spec.commandLine().getOut().print(report.render());
    spec.commandLine().getOut().flush();
    return report.anyFailed() ? 1 : 0;
  }

  /** The inputs for a configuration that did not load: its problems are the first FAIL ("config"). */
  static Diagnosis.Inputs inputs(ConfigProblems problems) {
    return new Diagnosis.Inputs(problems.problems(), null, null, null, null, null, 0, null, null, null, List.of(),
        null);
  }

  /** The inputs for a valid configuration, the SMTP listener where it says. */
  static Diagnosis.Inputs inputs(ReplydConfig c) {
    return inputs(c, new InetSocketAddress(c.smtp().bind(), c.smtp().port()));
  }

  /** The inputs for a valid configuration whose SMTP listener is at {@code smtp} (the console's run). */
  static Diagnosis.Inputs inputs(ReplydConfig c, InetSocketAddress smtp) {
    return new Diagnosis.Inputs(List.of(), c.hostname(), c.address().replyDomain(), smtp, c.hostname(),
        c.storage().root(), c.storage().minFree(), c.callback().url(), c.callback().secret(), c.smtp().tlsCert(),
        c.diagnostics().dnsServers(), c.diagnostics().timeout(), c.modules().callbackSigner());
  }
}
