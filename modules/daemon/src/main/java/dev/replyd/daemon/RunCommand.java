package dev.replyd.daemon;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code replyd run}: starts the daemon in the foreground (systemd runs it this way). */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the daemon in the foreground: SMTP, processing and the metrics endpoint.")
final class RunCommand implements Callable<Integer> {
  @Mixin ConfigOption config;

  @Override
  public Integer call() throws Exception {
    return Daemon.run(config.load(), config.file);
  }
}
