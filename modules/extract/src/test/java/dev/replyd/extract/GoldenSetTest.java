package dev.replyd.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The golden set ({@code src/test/resources/golden/}, described in its README): complete reply
 * mails in many languages, charsets and MIME shapes, each with the text the person wrote. Every
 * case goes through the path {@code replyd extract} takes ({@link MessageBody#read(Path)} then
 * {@link ReplyExtractor#extract}) and is compared under {@link ReplyComparison}, whitespace-free
 * for rows marked {@code compare=nows} in the manifest. All failures are reported at once, with
 * the lines each lost.
 *
 * <p>Cases listed in {@code golden-known-open.txt} (with the reason their expected text is
 * arguable) are reported but do not fail the test; a listed case that passes does, so the list
 * never hides a fixed case.
 */
class GoldenSetTest {
  private static final ReplyExtractor EXTRACTOR = new ReplyExtractor(ReplyExtractor.Settings.defaults());

  @Test
  void everyGoldenMailGivesExactlyItsExpectedReply() throws Exception {
    // given
    Path dir = resource("/golden");
    Map<String, Boolean> ignoreWhitespace = compareColumn(dir.resolve("manifest.tsv"));
    Map<String, String> knownOpen = knownOpen();
    List<Path> mails;
    try (Stream<Path> files = Files.list(dir)) {
      mails = files.filter(p -> p.getFileName().toString().endsWith(".eml")).sorted().toList();
    }

    // when
    List<String> failures = new ArrayList<>();
    List<String> open = new ArrayList<>();
    List<String> fixedButListed = new ArrayList<>();
    for (Path mail : mails) {
      String name = mail.getFileName().toString().replaceFirst("\\.eml$", "");
      String expected = Files.readString(mail.resolveSibling(name + ".expected.txt"), StandardCharsets.UTF_8);
      boolean nows = ignoreWhitespace.getOrDefault(name, false);
      String actual;
      try (MessageBody body = MessageBody.read(mail)) {
        actual = EXTRACTOR.extract(body).reply();
      } catch (UnparseableMessageException e) {
        actual = "<unparseable: " + e.getMessage() + ">";
      }
      boolean pass = ReplyComparison.matches(actual, expected, nows);
      if (pass && knownOpen.containsKey(name)) {
        fixedButListed.add(name);
      } else if (!pass) {
        List<String> lost = ReplyComparison.lostLines(actual, expected, nows);
        String report = name + (lost.isEmpty() ? "" : " (lost " + lost.size() + " line(s): " + lost + ")")
            + "\n  --- expected\n" + indent(ReplyComparison.normalise(expected))
            + "\n  --- actual\n" + indent(ReplyComparison.normalise(actual));
        (knownOpen.containsKey(name) ? open : failures).add(report);
      }
    }
    if (!open.isEmpty()) {
      System.out.println("golden set: " + open.size() + " known-open case(s) still differ:\n" + String.join("\n", open));
    }

    // then
    assertThat(mails).as("golden mails").hasSizeGreaterThanOrEqualTo(150);
    assertThat(fixedButListed).as("known-open cases that now pass: remove them from golden-known-open.txt").isEmpty();
    assertThat(failures).as(failures.size() + " of " + mails.size() + " golden cases differ").isEmpty();
  }

  private static String indent(String text) {
    return "  |" + text.replace("\n", "\n  |");
  }

  /** case → true when the manifest says compare=nows. */
  private static Map<String, Boolean> compareColumn(Path manifest) throws IOException {
    Map<String, Boolean> out = new HashMap<>();
    if (!Files.exists(manifest)) {
      return out;
    }
    List<String> rows = Files.readAllLines(manifest, StandardCharsets.UTF_8);
    List<String> header = List.of(rows.get(0).split("\t", -1));
    int caseCol = header.indexOf("case");
    int compareCol = header.indexOf("compare");
    for (String row : rows.subList(1, rows.size())) {
      String[] f = row.split("\t", -1);
      if (f.length > Math.max(caseCol, compareCol)) {
        out.put(f[caseCol], "nows".equals(f[compareCol]));
      }
    }
    return out;
  }

  /** Lines "case  reason"; '#' starts a comment. */
  private static Map<String, String> knownOpen() throws IOException, URISyntaxException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(resource("/golden-known-open.txt"), StandardCharsets.UTF_8)) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      String[] f = t.split("\\s+", 2);
      out.put(f[0], f.length > 1 ? f[1] : "");
    }
    return out;
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(GoldenSetTest.class.getResource(name).toURI());
  }
}
