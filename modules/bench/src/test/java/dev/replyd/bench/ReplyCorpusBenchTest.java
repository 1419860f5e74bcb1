package dev.replyd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplyCorpusBenchTest {
  @TempDir Path corpus;

  @Test
  void countsMatchesUnderTheCorpusNormalisationListsFailuresWithTheirFlagAndCasesThatLostExpectedLines() throws Exception {
    // given: one passing txt case (CRLF, trailing spaces), one passing nows html case, one flagged failure
    Files.createDirectories(corpus.resolve("cases/x"));
    Files.writeString(corpus.resolve("cases/x/a.txt"), "Hi  \r\n\r\nOn Mon, 3 Mar 2025 at 10:12, A <a@example.org> wrote:\r\n> old\r\n");
    Files.writeString(corpus.resolve("cases/x/a.expected.txt"), "\nHi\n\n");
    Files.writeString(corpus.resolve("cases/x/b.html"), "<p>Hi there</p><blockquote type=cite>old</blockquote>");
    Files.writeString(corpus.resolve("cases/x/b.expected.txt"), "Hi\nthere");
    Files.writeString(corpus.resolve("cases/x/c.txt"), "Hello\n\nSent from my iPhone\n");
    Files.writeString(corpus.resolve("cases/x/c.expected.txt"), "Hello\n\nSent from my iPhone");
    String header = "case\tsource\tinput\texpected\tlanguage\tclient\ttier\tinput_kind\tbasis\tcompare\tpolicy_flag";
    List<String> manifest = List.of(header,
        "x--a\tx/lib\tcases/x/a.txt\tcases/x/a.expected.txt\ten\t\tcore\ttxt\tpair\tstrip\t",
        "x--b\tx/lib\tcases/x/b.html\tcases/x/b.expected.txt\ten\t\tcore\thtml\tpair\tnows\t",
        "x--c\tx/lib\tcases/x/c.txt\tcases/x/c.expected.txt\tde\t\tcore\ttxt\tpair\tstrip\tsig-kept");

    // when
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ReplyCorpusBench.print(ReplyCorpusBench.run(corpus, manifest), new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
    String report = bytes.toString(StandardCharsets.UTF_8);

    // then
    assertThat(report).contains("overall                      2/2 100.0%           2/3 66.7%");
    assertThat(report).contains("policy-flagged rows only     0/1 0.0%");
    assertThat(report).contains("  de                         -                    0/1 0.0%");
    assertThat(report).contains("failing cases:\n  x--c (policy-flagged: sig-kept)\n");
    assertThat(report).contains("content-lost                 0/2                  1/3\n  lost: x--c (policy-flagged): 1 line(s)\n");
    assertThat(report).containsPattern("slowest case: x--[abc] \\d+\\.\\d\\d ms");
  }
}
