package dev.replyd.daemon;

import dev.replyd.extract.MessageBody;
import dev.replyd.extract.ReplyExtractor;
import dev.replyd.extract.ReplyText;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code replyd extract [FILE]}: prints exactly the reply text that would be posted for one message.
 * The extractor alone: no configuration, no token check — for debugging and benchmarks. With
 * {@code --explain}, how a malformed message was read anyway ({@code mime-repair} lines) comes
 * first.
 */
@Command(name = "extract", mixinStandardHelpOptions = true,
    description = "Print the reply text that would be posted for a message file (stdin when no FILE).")
final class ExtractCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "FILE", description = "RFC 5322 message file; stdin when omitted.")
  Path file;

  @Option(names = "--explain", description = "Print every line of the body with the rule that kept or removed it"
      + " (and how a malformed message was read).")
  boolean explain;

  @Option(names = "--marker", paramLabel = "LINE", description = "A reply marker line that cuts the text (repeatable).")
  java.util.List<String> markers = new java.util.ArrayList<>();

  @Override
  public Integer call() throws Exception {
    ReplyExtractor extractor = Daemon.extractor(markers, ReplyExtractor.Settings.defaults().ownAddresses());
    ReplyText text;
    java.util.List<String> repairs;
    try (MessageBody body = file == null ? MessageBody.read(System.in) : MessageBody.read(file)) {
      text = extractor.extract(body);
      repairs = body.repairs();
    }
    StringBuilder notes = new StringBuilder();
    for (String repair : repairs) { // a malformed message read anyway: say how
      notes.append(String.format("%-12s| %s%n", "mime-repair", repair));
    }
    String printed = explain ? notes + text.explain() : text.reply();
    var out = spec.commandLine().getOut();
    out.print(printed);
    if (!printed.endsWith("\n")) {
      out.println();
    }
    out.flush();
    return 0;
  }
}
