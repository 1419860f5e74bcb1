package dev.replyd.daemon;

import dev.replyd.maildir.Maildir;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code replyd requeue NAME...|--all}: moves failed messages back to mail/reply/new for another try. */
@Command(name = "requeue", mixinStandardHelpOptions = true,
    description = "Move messages from incoming-mail/failure back to the queue (their reason files are removed).")
final class RequeueCommand implements Callable<Integer> {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Which which;

  static final class Which {
    @Parameters(paramLabel = "NAME", description = "File name(s) under incoming-mail/failure.")
    List<String> names;

    @Option(names = "--all", description = "Requeue every failed message.")
    boolean all;
  }

  @Override
  public Integer call() throws Exception {
    Maildir maildir = Maildir.open(config.load().storage().root());
    var out = spec.commandLine().getOut();
    if (which.all) {
      out.println("requeued " + maildir.requeueAll() + " message(s)");
      return 0;
    }
    int missing = 0;
    for (String name : which.names) {
      if (name.contains("/") || name.startsWith(".")) {
        spec.commandLine().getErr().println("replyd: " + name + ": not a message name (expected a file name from incoming-mail/failure)");
        missing++;
      } else if (maildir.requeue(name)) {
        out.println("requeued " + name);
      } else {
        spec.commandLine().getErr().println("replyd: " + name + ": not in incoming-mail/failure");
        missing++;
      }
    }
    return missing == 0 ? 0 : 1;
  }
}
