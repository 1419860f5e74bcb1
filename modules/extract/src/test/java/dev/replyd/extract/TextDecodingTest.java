package dev.replyd.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.nio.charset.Charset;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which charset a text body is read in: the label when it fits the bytes, else what the detector
 * finds, flagged with a note that says why. One row a body, named by what it shows.
 */
class TextDecodingTest {

  static Stream<Arguments> bodies() {
    String japanese = "お世話になっております。修正ありがとうございます。明日もう一度確認します。";
    String chineseSimplified = "谢谢你的修复，我明天会再测试一下这个问题。";
    String chineseTraditional = "謝謝你的修復，我明天會再測試一下這個問題。";
    String korean = "수정해 주셔서 감사합니다. 내일 다시 확인하겠습니다.";
    String russian = "Спасибо за исправление, завтра я проверю ещё раз.";
    String longFrench = "Bonjour, j'ai testé la correction et ça marche très bien. À bientôt, Frédéric. ".repeat(20);
    return Stream.of(
        argumentSet("unlabelled ISO-2022-JP is recognised by its escapes and flagged",
            encode(japanese, "ISO-2022-JP"), null, detected(japanese, "no charset label: detected ISO-2022-JP")),
        // ① exists in Windows-31J only, the superset every mail client reads Shift_JIS as
        argumentSet("unlabelled Shift_JIS is detected and read as Windows-31J",
            encode(japanese + "①", "windows-31j"), null, detected(japanese + "①", "no charset label: detected Shift_JIS")),
        argumentSet("EUC-JP under an empty label is detected",
            encode(japanese, "EUC-JP"), "", detected(japanese, "no charset label: detected EUC-JP")),
        argumentSet("unlabelled GBK is detected as GB18030",
            encode(chineseSimplified, "GBK"), null, detected(chineseSimplified, "no charset label: detected GB18030")),
        argumentSet("unlabelled Big5 is detected",
            encode(chineseTraditional, "Big5"), null, detected(chineseTraditional, "no charset label: detected Big5")),
        argumentSet("unlabelled EUC-KR is detected",
            encode(korean, "EUC-KR"), null, detected(korean, "no charset label: detected EUC-KR")),
        argumentSet("unlabelled KOI8-R is detected",
            encode(russian, "KOI8-R"), null, detected(russian, "no charset label: detected KOI8-R")),
        argumentSet("unlabelled windows-1251 is detected",
            encode(russian, "windows-1251"), null, detected(russian, "no charset label: detected windows-1251")),
        argumentSet("a Latin-1 label on Shift_JIS bytes is overruled by the detector",
            encode(japanese, "Shift_JIS"), "iso-8859-1",
            detected(japanese, "charset \"iso-8859-1\" does not fit the bytes: detected Shift_JIS")),
        argumentSet("an ASCII label on ISO-2022-JP bytes is overruled by the detector",
            encode(japanese, "ISO-2022-JP"), "us-ascii",
            detected(japanese, "charset \"us-ascii\" does not fit the bytes: detected ISO-2022-JP")),
        argumentSet("a UTF-8 label on GBK bytes is read as the detected charset",
            encode(chineseSimplified, "GBK"), "UTF-8",
            detected(chineseSimplified, "charset \"UTF-8\" does not fit the bytes: detected GB18030")),
        argumentSet("unlabelled ASCII is read as before without a flag",
            encode("Thanks, fixed.", "US-ASCII"), null, kept("Thanks, fixed.")),
        argumentSet("unlabelled UTF-8 is read as before without a flag",
            encode(japanese, "UTF-8"), null, kept(japanese)),
        argumentSet("a Latin-1 label on Latin-1 text is kept even when the text is long",
            encode(longFrench, "ISO-8859-1"), "iso-8859-1", kept(longFrench)),
        argumentSet("a Latin-1 label on KOI8-R bytes is kept: one single-byte reading does not overrule another",
            encode(russian, "KOI8-R"), "iso-8859-1",
            kept(new String(encode(russian, "KOI8-R"), Charset.forName("windows-1252")))));
  }

  @ParameterizedTest(name = "{argumentSetName}")
  @MethodSource("bodies")
  void aBodyIsReadInTheCharsetThatFitsItsBytes(byte[] bytes, String label, TextDecoding.Decoded expected) {
    assertThat(TextDecoding.decode(bytes, label)).isEqualTo(expected);
  }

  // on texts this short the detector ranks ISO-8859-2 or -9 first; Latin answers never win
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"Merci, c'est corrigé.", "naïve", "Grüße aus München", "Ça va", "Danke schön!"})
  void shortUnlabelledLatin1FrenchAndGermanStayLatin1WithoutAFlag(String text) {
    assertThat(TextDecoding.decode(encode(text, "ISO-8859-1"), null)).isEqualTo(kept(text));
  }

  private static byte[] encode(String text, String charset) {
    return text.getBytes(Charset.forName(charset));
  }

  private static TextDecoding.Decoded detected(String text, String note) {
    return new TextDecoding.Decoded(text, true, note);
  }

  private static TextDecoding.Decoded kept(String text) {
    return new TextDecoding.Decoded(text, false, null);
  }
}
