package dev.replyd.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files, like Postfix's {@code .in}/{@code .ref} pairs: every
 * {@code src/test/resources/extract/<case>.txt|.eml|.html} is extracted with the default
 * settings and must give exactly {@code <case>.expected.txt} (leading/trailing blank lines aside).
 */
class ExtractGoldenFilesTest {
  private static final ReplyExtractor EXTRACTOR = new ReplyExtractor(ReplyExtractor.Settings.defaults());

  static Stream<Path> cases() throws IOException, URISyntaxException {
    Path dir = Path.of(ExtractGoldenFilesTest.class.getResource("/extract").toURI());
    return Files.list(dir).filter(p -> !p.getFileName().toString().endsWith(".expected.txt")).sorted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void replyMatchesTheGoldenFile(Path input) throws Exception {
    // given
    String name = input.getFileName().toString();
    Path expectedFile = input.resolveSibling(name.replaceFirst("\\.[a-z]+$", ".expected.txt"));
    String expected = Files.readString(expectedFile, StandardCharsets.UTF_8);

    // when
    ReplyText result;
    if (name.endsWith(".eml")) {
      try (MessageBody body = MessageBody.read(input)) {
        result = EXTRACTOR.extract(body);
      }
    } else if (name.endsWith(".html")) {
      result = EXTRACTOR.extractHtml(Files.readString(input, StandardCharsets.UTF_8));
    } else {
      result = EXTRACTOR.extractPlain(Files.readString(input, StandardCharsets.UTF_8));
    }

    // then
    assertThat(result.reply()).as(result.explain()).isEqualTo(ReplyExtractor.strip(expected));
    assertThat(result.budgetExceeded()).isFalse();
  }
}
