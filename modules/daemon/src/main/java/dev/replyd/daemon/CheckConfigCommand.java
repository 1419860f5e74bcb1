package dev.replyd.daemon;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code replyd check-config}: loads the configuration exactly as {@code run} does
 * ({@link ConfigLoader}, which also builds and so checks every module's settings) and lists every
 * problem by key; what it approves, {@code run} accepts.
 */
@Command(name = "check-config", mixinStandardHelpOptions = true,
    description = "Validate the configuration; print every problem with its key, exit 1 if any.")
final class CheckConfigCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      ReplydConfig c = config.load();
      out.println("config OK: " + c.source());
      out.println(Summary.of(c));
      return 0;
    } catch (ConfigProblems e) {
      err.println("config " + config.file + " has " + e.problems().size() + " problem(s):");
      e.problems().forEach(p -> err.println("  " + p));
      return 1;
    }
  }
}
