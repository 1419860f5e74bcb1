package dev.replyd.daemon;

import dev.replyd.address.AddressCheck;
import dev.replyd.address.AddressPurpose;
import dev.replyd.address.ReplyAddressCodec;
import dev.replyd.address.ReplyToken;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code replyd address mint|verify}: signs and checks reply addresses, and with {@code --unsubscribe} the
 * unsubscribe addresses of {@code List-Unsubscribe}, with the configured keys.
 */
@Command(name = "address", mixinStandardHelpOptions = true,
    description = "Mint or verify signed reply addresses with the configured keys.",
    subcommands = {AddressCommand.Mint.class, AddressCommand.Verify.class})
final class AddressCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: mint or verify");
  }

  @Command(name = "mint", mixinStandardHelpOptions = true,
      description = "Print the reply address (or with --unsubscribe the unsubscribe address) for a thread and user,"
          + " signed with the first key.")
  static final class Mint implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Option(names = "--kind", required = true, description = "Kind, one of the configured kinds (e.g. i for issue).")
    String kind;

    @Option(names = "--thread", required = true, description = "Thread id (decimal).")
    long thread;

    @Option(names = "--user", required = true, description = "User id (decimal).")
    long user;

    @Option(names = "--unsubscribe",
        description = "Mint the unsubscribe address (unsub+...) for List-Unsubscribe instead of the reply address.")
    boolean unsubscribe;

    @Override
    public Integer call() throws Exception {
      ReplydConfig c = config.load();
      ReplyAddressCodec codec = ModuleSettings.codec(c);
      if (!codec.kinds().contains(kind)) {
        spec.commandLine().getErr().println("replyd: unknown kind '" + kind + "' (expected one of: "
            + String.join(", ", new java.util.TreeSet<>(codec.kinds())) + ")");
        return 1;
      }
      ReplyToken token = new ReplyToken(kind, thread, user);
      spec.commandLine().getOut().println(unsubscribe ? codec.mintUnsubscribe(token) : codec.mint(token));
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Check a reply or unsubscribe address; print kind, thread and user (and '(unsubscribe)'),"
          + " or why it is refused (exit 1).")
  static final class Verify implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ADDRESS", description = "The address, e.g. reply+i-1-<sig>-5@reply.example.com")
    String address;

    @Override
    public Integer call() throws Exception {
      AddressCheck check = ModuleSettings.codec(config.load()).check(address);
      if (check.isValid()) {
        ReplyToken t = check.token().orElseThrow();
        spec.commandLine().getOut().println("valid: kind=" + t.kind() + " thread=" + t.thread() + " user=" + t.user()
            + (check.purpose() == AddressPurpose.UNSUBSCRIBE ? " (unsubscribe)" : ""));
        return 0;
      }
      spec.commandLine().getOut().println("invalid: " + check.refusal().name().toLowerCase(java.util.Locale.ROOT)
          + ": " + check.reason());
      return 1;
    }
  }
}
