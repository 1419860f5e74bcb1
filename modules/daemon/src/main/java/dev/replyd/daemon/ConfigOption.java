package dev.replyd.daemon;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --config FILE} option shared by every command that needs configuration.
 * Loading failures surface as {@link ConfigProblems}, listing every bad key.
 */
final class ConfigOption {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "Configuration file (HOCON). Default: ${DEFAULT-VALUE}.",
      defaultValue = "/etc/replyd/replyd.conf")
  Path file;

  ReplydConfig load() throws ConfigProblems {
    return ConfigLoader.load(file, System.getenv());
  }
}
