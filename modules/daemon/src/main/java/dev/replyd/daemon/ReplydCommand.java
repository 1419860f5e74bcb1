package dev.replyd.daemon;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Top-level {@code replyd} command; does nothing by itself but list its subcommands. */
@Command(
    name = "replyd",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Inbound-mail daemon: accepts replies to signed addresses and posts them to the tracker.",
    subcommands = {
      RunCommand.class,
      CheckConfigCommand.class,
      AddressCommand.class,
      ExtractCommand.class,
      RequeueCommand.class,
      ExampleReceiverCommand.class,
      DiagnoseCommand.class,
      SupportBundleCommand.class,
      TestEmailCommand.class,
    })
final class ReplydCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing command (see replyd --help)");
  }
}
