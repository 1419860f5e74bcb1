package dev.replyd.daemon;

import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.MaildirLayout;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code replyd requeue NAME...|--all}: moves failed messages back to mail/reply/new for another try.
 *
 * <p>Each NAME must be a message name ({@link MaildirLayout#isMessageName}); anything else (a reason
 * file, a path, a foreign file) is refused with a one-line reason and exit status 1, and nothing of it
 * moves. Names that are messages are still requeued.
 */
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
      if (!MaildirLayout.isMessageName(name)) {
        spec.commandLine().getErr().println("replyd: " + name + ": not a message name (expected the name of a"
            + " message file in " + MaildirLayout.FAILURE + ", " + MaildirLayout.MESSAGE_NAME_FORM
            + ", without a suffix such as " + MaildirLayout.REASON_SUFFIX + ")");
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
