package dev.replyd.bench;

import dev.replyd.extract.MessageBody;
import dev.replyd.extract.ReplyComparison;
import dev.replyd.extract.ReplyExtractor;
import dev.replyd.extract.UnparseableMessageException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs the extractor over a reply corpus and prints exact-match and content-lost figures.
 *
 * <p>Contract: {@code main(DIR)} (default {@code ../shared/benchmarks/reply-corpus}) reads
 * {@code DIR/manifest.tsv}; each case's input is a plain-text body ({@code txt}, given to
 * {@link ReplyExtractor#extractPlain}), an HTML body ({@code html}, {@link ReplyExtractor#extractHtml})
 * or a full message ({@code eml}, {@link MessageBody#read(Path)} then
 * {@link ReplyExtractor#extract}). Reply and expected text are compared after the corpus'
 * normalisation ({@link ReplyComparison}): CRLF to LF, trailing whitespace of each line and
 * leading/trailing blank lines removed; rows with {@code compare=nows} (HTML cases) compare with
 * all whitespace removed. Prints totals overall, by source, language and input kind, with and
 * without the {@code policy_flag} rows; then {@code content-lost N/M}, the cases where a
 * non-blank expected line is missing from the reply (the person's words were cut, the worst
 * error), by name; the slowest case, and the ids of failing cases. Works on any corpus folder
 * with that manifest layout (reply-corpus, reply-real). The corpus is third-party data: it is
 * read in place and never copied.
 *
 * <p>Exit status: 0 after printing, 2 when the manifest cannot be read. Each case's time is
 * the median of five runs after three warm-up passes over the corpus, so the figure reflects a
 * running daemon (JIT-compiled, classes loaded), not start-up. Times include MIME parsing for
 * {@code eml} cases and jsoup parsing for {@code html} cases.
 *
 * <p>Thread-safety: single-threaded command-line tool.
 */
public final class ReplyCorpusBench {
  private static final int WARM_UP_PASSES = 3;
  /** Each case is timed this many times in the measured pass; the median is reported. */
  private static final int TIMED_RUNS = 5;

  private ReplyCorpusBench() {}

  record Outcome(String id, String source, String language, String kind, String flag, boolean pass,
      long nanos, String actual, String expected, List<String> lost) {
    boolean flagged() {
      return !flag.isBlank();
    }

    boolean contentLost() {
      return !lost.isEmpty();
    }
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "../shared/benchmarks/reply-corpus");
    Path manifest = dir.resolve("manifest.tsv");
    if (!Files.isReadable(manifest)) {
      System.err.println("reply-corpus: " + manifest + " is not readable (expected: the corpus directory with manifest.tsv)");
      System.exit(2);
      return;
    }
    boolean verbose = Boolean.getBoolean("bench.verbose");
    List<Outcome> outcomes = run(dir, Files.readAllLines(manifest, StandardCharsets.UTF_8));
    print(outcomes, System.out, verbose);
  }

  static List<Outcome> run(Path dir, List<String> manifest) throws IOException {
    ReplyExtractor extractor = new ReplyExtractor(ReplyExtractor.Settings.defaults());
    String[] header = manifest.get(0).split("\t", -1);
    Map<String, Integer> col = new TreeMap<>();
    for (int i = 0; i < header.length; i++) {
      col.put(header[i], i);
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (int pass = 0; pass < WARM_UP_PASSES + 1; pass++) { // earlier passes warm up the JIT
      outcomes.clear();
      for (String row : manifest.subList(1, manifest.size())) {
        if (row.isBlank()) {
          continue;
        }
        String[] f = row.split("\t", -1);
        String kind = f[col.get("input_kind")];
        Path input = dir.resolve(f[col.get("input")]);
        String expected = Files.readString(dir.resolve(f[col.get("expected")]), StandardCharsets.UTF_8);
        String actual = null;
        long[] times = new long[pass == WARM_UP_PASSES ? TIMED_RUNS : 1];
        for (int r = 0; r < times.length; r++) {
          long start = System.nanoTime();
          actual = extract(extractor, kind, input);
          times[r] = System.nanoTime() - start;
        }
        java.util.Arrays.sort(times);
        long nanos = times[times.length / 2];
        boolean nows = "nows".equals(f[col.get("compare")]);
        boolean ok = ReplyComparison.matches(actual, expected, nows);
        outcomes.add(new Outcome(f[col.get("case")], f[col.get("source")].replaceFirst("/.*", ""),
            f[col.get("language")], kind, f[col.get("policy_flag")].strip(), ok, nanos, actual, expected,
            ReplyComparison.lostLines(actual, expected, nows)));
      }
    }
    return outcomes;
  }

  private static String extract(ReplyExtractor extractor, String kind, Path input) throws IOException {
    switch (kind) {
      case "html":
        return extractor.extractHtml(Files.readString(input, StandardCharsets.UTF_8)).reply();
      case "eml":
        try (MessageBody body = MessageBody.read(input)) {
          return extractor.extract(body).reply();
        } catch (UnparseableMessageException e) {
          return "<unparseable: " + e.getMessage() + ">";
        }
      default:
        return extractor.extractPlain(new String(Files.readAllBytes(input), StandardCharsets.UTF_8)).reply();
    }
  }

  static void print(List<Outcome> outcomes, PrintStream out, boolean verbose) {
    out.println("reply-corpus: exact matches (" + outcomes.size() + " cases)");
    out.printf("%-28s %-20s %-20s%n", "", "unflagged rows", "all rows");
    row(out, "overall", outcomes);
    line(out, "policy-flagged rows only", outcomes.stream().filter(Outcome::flagged).toList());
    group(out, "by source", outcomes, Outcome::source);
    group(out, "by language", outcomes, Outcome::language);
    group(out, "by input kind", outcomes, Outcome::kind);
    List<Outcome> unflaggedRows = outcomes.stream().filter(o -> !o.flagged()).toList();
    out.printf("%-28s %-20s %-20s%n", "content-lost", lostFigure(unflaggedRows), lostFigure(outcomes));
    for (Outcome o : outcomes) {
      if (o.contentLost()) {
        out.println("  lost: " + o.id() + (o.flagged() ? " (policy-flagged)" : "") + ": "
            + o.lost().size() + " line(s)" + (verbose ? " " + o.lost() : ""));
      }
    }
    Outcome slowest = outcomes.stream().max((a, b) -> Long.compare(a.nanos(), b.nanos())).orElse(null);
    if (slowest != null) {
      out.printf("slowest case: %s %.2f ms%n", slowest.id(), slowest.nanos() / 1e6);
    }
    out.println("failing cases:");
    for (Outcome o : outcomes) {
      if (!o.pass()) {
        out.println("  " + o.id() + (o.flagged() ? " (policy-flagged: " + o.flag() + ")" : ""));
        if (verbose) {
          out.println("    --- expected\n" + indent(ReplyComparison.normalise(o.expected())) + "\n    --- actual\n"
              + indent(ReplyComparison.normalise(o.actual())));
        }
      }
    }
  }

  private static String indent(String text) {
    return "    |" + text.replace("\n", "\n    |");
  }

  private static void group(PrintStream out, String title, List<Outcome> outcomes,
      java.util.function.Function<Outcome, String> key) {
    out.println(title + ":");
    Map<String, List<Outcome>> groups = new TreeMap<>();
    for (Outcome o : outcomes) {
      groups.computeIfAbsent(key.apply(o), k -> new ArrayList<>()).add(o);
    }
    groups.forEach((k, v) -> row(out, "  " + k, v));
  }

  /** One table row: unflagged figures, then all rows (flagged included). */
  private static void row(PrintStream out, String label, List<Outcome> outcomes) {
    List<Outcome> unflagged = outcomes.stream().filter(o -> !o.flagged()).toList();
    out.printf("%-28s %-20s %-20s%n", label, figure(unflagged), figure(outcomes));
  }

  private static void line(PrintStream out, String label, List<Outcome> outcomes) {
    out.printf("%-28s %-20s%n", label, figure(outcomes));
  }

  /** Cases that lost content, out of all cases: "0/93" is the goal. */
  private static String lostFigure(List<Outcome> outcomes) {
    return outcomes.stream().filter(Outcome::contentLost).count() + "/" + outcomes.size();
  }

  private static String figure(List<Outcome> outcomes) {
    if (outcomes.isEmpty()) {
      return "-";
    }
    long pass = outcomes.stream().filter(Outcome::pass).count();
    return String.format("%d/%d %.1f%%", pass, outcomes.size(), 100.0 * pass / outcomes.size());
  }
}
