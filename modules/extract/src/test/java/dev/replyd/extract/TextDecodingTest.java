package dev.replyd.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextDecodingTest {
  private static final String JAPANESE = "お世話になっております。修正ありがとうございます。明日もう一度確認します。";
  private static final String CHINESE_SIMPLIFIED = "谢谢你的修复，我明天会再测试一下这个问题。";
  private static final String CHINESE_TRADITIONAL = "謝謝你的修復，我明天會再測試一下這個問題。";
  private static final String KOREAN = "수정해 주셔서 감사합니다. 내일 다시 확인하겠습니다.";
  private static final String RUSSIAN = "Спасибо за исправление, завтра я проверю ещё раз.";

  private static byte[] encode(String text, String charset) {
    return text.getBytes(Charset.forName(charset));
  }

  @Test
  void unlabelledIso2022JpIsRecognisedByItsEscapesAndFlagged() {
    TextDecoding.Decoded decoded = TextDecoding.decode(encode(JAPANESE, "ISO-2022-JP"), null);

    assertThat(decoded.text()).isEqualTo(JAPANESE);
    assertThat(decoded.fallback()).isTrue();
    assertThat(decoded.note()).isEqualTo("no charset label: detected ISO-2022-JP");
  }

  @Test
  void unlabelledShiftJisIsDetectedAndReadAsWindows31j() {
    // given: ① exists in Windows-31J only, the superset every mail client reads Shift_JIS as
    String text = JAPANESE + "①";

    TextDecoding.Decoded decoded = TextDecoding.decode(encode(text, "windows-31j"), null);

    assertThat(decoded.text()).isEqualTo(text);
    assertThat(decoded.fallback()).isTrue();
    assertThat(decoded.note()).isEqualTo("no charset label: detected Shift_JIS");
  }

  @Test
  void unlabelledEucJpIsDetected() {
    TextDecoding.Decoded decoded = TextDecoding.decode(encode(JAPANESE, "EUC-JP"), "");

    assertThat(decoded.text()).isEqualTo(JAPANESE);
    assertThat(decoded.note()).isEqualTo("no charset label: detected EUC-JP");
  }

  @Test
  void unlabelledGbkIsDetectedAsGb18030() {
    TextDecoding.Decoded decoded = TextDecoding.decode(encode(CHINESE_SIMPLIFIED, "GBK"), null);

    assertThat(decoded.text()).isEqualTo(CHINESE_SIMPLIFIED);
    assertThat(decoded.fallback()).isTrue();
    assertThat(decoded.note()).isEqualTo("no charset label: detected GB18030");
  }

  @Test
  void unlabelledBig5IsDetected() {
    TextDecoding.Decoded decoded = TextDecoding.decode(encode(CHINESE_TRADITIONAL, "Big5"), null);

    assertThat(decoded.text()).isEqualTo(CHINESE_TRADITIONAL);
    assertThat(decoded.note()).isEqualTo("no charset label: detected Big5");
  }

  @Test
  void unlabelledEucKrIsDetected() {
    TextDecoding.Decoded decoded = TextDecoding.decode(encode(KOREAN, "EUC-KR"), null);

    assertThat(decoded.text()).isEqualTo(KOREAN);
    assertThat(decoded.note()).isEqualTo("no charset label: detected EUC-KR");
  }

  @Test
  void unlabelledKoi8rAndWindows1251AreDetected() {
    TextDecoding.Decoded koi8 = TextDecoding.decode(encode(RUSSIAN, "KOI8-R"), null);
    TextDecoding.Decoded windows = TextDecoding.decode(encode(RUSSIAN, "windows-1251"), null);

    assertThat(koi8.text()).isEqualTo(RUSSIAN);
    assertThat(koi8.note()).isEqualTo("no charset label: detected KOI8-R");
    assertThat(windows.text()).isEqualTo(RUSSIAN);
    assertThat(windows.note()).isEqualTo("no charset label: detected windows-1251");
  }

  @Test
  void shortUnlabelledLatin1FrenchAndGermanStayLatin1WithoutAFlag() {
    // given: on texts this short the detector ranks ISO-8859-2 or -9 first; Latin answers never win
    for (String text : new String[] {"Merci, c'est corrigé.", "naïve", "Grüße aus München", "Ça va", "Danke schön!"}) {
      TextDecoding.Decoded decoded = TextDecoding.decode(encode(text, "ISO-8859-1"), null);

      assertThat(decoded.text()).isEqualTo(text);
      assertThat(decoded.fallback()).isFalse();
      assertThat(decoded.note()).isNull();
    }
  }

  @Test
  void unlabelledAsciiAndUtf8AreReadAsBeforeWithoutAFlag() {
    TextDecoding.Decoded ascii = TextDecoding.decode("Thanks, fixed.".getBytes(StandardCharsets.US_ASCII), null);
    TextDecoding.Decoded utf8 = TextDecoding.decode(JAPANESE.getBytes(StandardCharsets.UTF_8), null);

    assertThat(ascii.text()).isEqualTo("Thanks, fixed.");
    assertThat(ascii.fallback()).isFalse();
    assertThat(utf8.text()).isEqualTo(JAPANESE);
    assertThat(utf8.fallback()).isFalse();
  }

  @Test
  void latin1LabelOnShiftJisBytesIsOverruledByTheDetector() {
    TextDecoding.Decoded decoded = TextDecoding.decode(encode(JAPANESE, "Shift_JIS"), "iso-8859-1");

    assertThat(decoded.text()).isEqualTo(JAPANESE);
    assertThat(decoded.fallback()).isTrue();
    assertThat(decoded.note()).isEqualTo("charset \"iso-8859-1\" does not fit the bytes: detected Shift_JIS");
  }

  @Test
  void asciiLabelOnIso2022JpBytesIsOverruledByTheDetector() {
    TextDecoding.Decoded decoded = TextDecoding.decode(encode(JAPANESE, "ISO-2022-JP"), "us-ascii");

    assertThat(decoded.text()).isEqualTo(JAPANESE);
    assertThat(decoded.note()).isEqualTo("charset \"us-ascii\" does not fit the bytes: detected ISO-2022-JP");
  }

  @Test
  void utf8LabelOnGbkBytesIsReadAsTheDetectedCharset() {
    TextDecoding.Decoded decoded = TextDecoding.decode(encode(CHINESE_SIMPLIFIED, "GBK"), "UTF-8");

    assertThat(decoded.text()).isEqualTo(CHINESE_SIMPLIFIED);
    assertThat(decoded.note()).isEqualTo("charset \"UTF-8\" does not fit the bytes: detected GB18030");
  }

  @Test
  void latin1LabelOnLatin1TextIsKeptEvenWhenTheTextIsLong() {
    String text = "Bonjour, j'ai testé la correction et ça marche très bien. À bientôt, Frédéric. ".repeat(20);

    TextDecoding.Decoded decoded = TextDecoding.decode(encode(text, "ISO-8859-1"), "iso-8859-1");

    assertThat(decoded.text()).isEqualTo(text);
    assertThat(decoded.fallback()).isFalse();
  }

  @Test
  void latin1LabelOnKoi8rBytesIsKeptBecauseOneSingleByteReadingDoesNotOverruleAnother() {
    TextDecoding.Decoded decoded = TextDecoding.decode(encode(RUSSIAN, "KOI8-R"), "iso-8859-1");

    assertThat(decoded.text()).isEqualTo(new String(encode(RUSSIAN, "KOI8-R"), Charset.forName("windows-1252")));
    assertThat(decoded.fallback()).isFalse();
  }
}
