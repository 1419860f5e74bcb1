package dev.replyd.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The per-language vocabulary files and the matching built on them: client footers of iOS Mail,
 * Outlook for iOS/Android, Windows Mail, Yahoo, Samsung Email and Huawei Mail in many
 * languages, with direction marks, NBSP, links and decomposed accents; and what must stay text.
 */
class VocabularyTest {
  private static final Vocabulary VOCABULARY = Vocabulary.DEFAULT;

  @Test
  void everyLanguageFileHasKindPhraseAndSourceOnEachLineAndAtLeastThirtyLanguagesAreLoaded() throws IOException {
    List<String> languages = read("vocabulary/languages.txt").stream()
        .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();

    assertThat(languages).hasSizeGreaterThanOrEqualTo(30)
        .contains("zh-Hans", "zh-Hant", "ja", "ko", "ru", "uk", "bg", "sr", "el", "he", "ar", "tr", "vi");
    assertThat(VOCABULARY.languages()).isEqualTo(languages.size());
    for (String language : languages) {
      List<String> rows = read("vocabulary/" + language + ".tsv").stream()
          .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
      assertThat(rows).as(language).isNotEmpty()
          .allSatisfy(row -> assertThat(row.split("\t", -1)).as(language + ": " + row).hasSize(3));
      assertThat(rows).as(language + " has footers, header labels, a separator and an attribution verb")
          .anySatisfy(r -> assertThat(r).startsWith("footer"))
          .anySatisfy(r -> assertThat(r).startsWith("header-from\t"))
          .anySatisfy(r -> assertThat(r).startsWith("separator"))
          .anySatisfy(r -> assertThat(r).startsWith("wrote\t"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Sent from my iPhone", "Von meinem iPhone gesendet", "Envoyé de mon iPad", "Enviado desde mi iPhone",
      "Enviado do meu iPhone", "Inviato da iPhone", "Verstuurd vanaf mijn iPhone", "Skickat från min iPhone",
      "Sendt fra min iPhone", "Lähetetty iPhonesta", "Wysłane z iPhone’a", "Odesláno z iPhonu", "iPhone-ról küldve",
      "Отправлено с iPhone", "Надіслано з iPhone", "Στάλθηκε από το iPhone μου", "iPhone'umdan gönderildi",
      "Được gửi từ iPhone của tôi", "发自我的iPhone", "從我的 iPhone 傳送", "iPhoneから送信", "iPhone에서 보냄",
      "Get Outlook for iOS<https://aka.ms/o0ukef>", "Obter o Outlook para Android", "Obtener Outlook para Android",
      "获取 Outlook for Android", "Verzonden vanuit Mail voor Windows", "Sent from Mail for Windows 10",
      "Enviado do Yahoo Mail para iPhone", "Sent from Yahoo Mail on Android", "Sent from my Galaxy",
      "Sent from Samsung Mobile", "Sent from my HUAWEI P30 Pro", "发自我的华为手机", "发自 Outlook (http://aka.ms/weboutlook)",
      "\u200fנשלח מה-iPhone שלי\u200e", "Sent\u00a0from\u00a0my\u00a0iPhone", "Sent from my iPhone, please excuse typos.",
      "Được gửi từ iPhone của tôi", "*Sent from my iPhone*"})
  void clientFootersAreRecognisedInEveryLanguageAndDecoration(String line) {
    assertThat(VOCABULARY.isFooter(line)).as(line).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Sent from my desk, is much easier then my mobile phone.", "Sent with love from the whole team",
      "From my point of view this is fine.", "Sent from the build server at 10:00 it failed again",
      "Inviato da Marco ieri, ma non arrivato", "iPhone", "Outlook"})
  void sentencesThatStartLikeAFooterStayText(String line) {
    assertThat(VOCABULARY.isFooter(line)).as(line).isFalse();
  }

  @Test
  void headerLabelsNameTheirFieldInManyLanguages() {
    assertThat(VOCABULARY.headerField("Von")).isEqualTo(Vocabulary.Field.FROM);
    assertThat(VOCABULARY.headerField("发件人")).isEqualTo(Vocabulary.Field.FROM);
    assertThat(VOCABULARY.headerField("보낸 사람")).isEqualTo(Vocabulary.Field.FROM);
    assertThat(VOCABULARY.headerField("Objet")).isEqualTo(Vocabulary.Field.SUBJECT);
    assertThat(VOCABULARY.headerField("Status")).isNull();
    assertThat(VOCABULARY.headerField("Project")).isNull();
  }

  @Test
  void originalMessageSeparatorsDifferFromForwardSeparators() {
    assertThat(VOCABULARY.isOriginalMessage("Ursprüngliche Nachricht")).isTrue();
    assertThat(VOCABULARY.isOriginalMessage("原始邮件")).isTrue();
    assertThat(VOCABULARY.isSeparator("Forwarded message")).isTrue();
    assertThat(VOCABULARY.isOriginalMessage("Forwarded message")).isFalse();
  }

  private static List<String> read(String resource) throws IOException {
    try (InputStream in = Vocabulary.class.getResourceAsStream(resource)) {
      return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
    }
  }
}
