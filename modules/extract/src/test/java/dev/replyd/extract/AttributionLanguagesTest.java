package dev.replyd.extract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attribution lines and original-message header blocks as mail clients write them in many
 * languages (Gmail, Outlook, Apple Mail, Thunderbird styles), each placed between a one-line
 * reply and quoted history: only the reply may remain.
 */
class AttributionLanguagesTest {
  private static final ReplyExtractor EXTRACTOR = new ReplyExtractor(ReplyExtractor.Settings.defaults());

  @ParameterizedTest
  @ValueSource(strings = {
      "El mar., 4 mar. 2025 a las 10:00, Ada (<ada@example.org>) escribió:",
      "Le mar. 4 mars 2025 à 10:00, Ada <ada@example.org> a écrit :",
      "Op di 4 mrt 2025 om 10:00 schreef Ada <ada@example.org>:",
      "Il giorno mar 4 mar 2025 alle ore 10:00 Ada <ada@example.org> ha scritto:",
      "Em ter., 4 de mar. de 2025 às 10:00, Ada <ada@example.org> escreveu:",
      "2025年3月4日(火) 10:00 Ada <ada@example.org>:",
      "Ada <ada@example.org> 于2025年3月4日周二 10:00写道：",
      "Ada <ada@example.org>, 4 Mar 2025 Sal, 10:00 tarihinde şunu yazdı:",
      "Den tis 4 mars 2025 kl 10:00 skrev Ada <ada@example.org>:",
      "út 4. 3. 2025 v 10:00 odesílatel Ada <ada@example.org> napsal:",
      "في الثلاثاء، 4 مارس 2025 في 10:00 ص، كتب Ada <ada@example.org>:",
      "בתאריך יום ג׳, 4 במרץ 2025 ב-10:00 מאת Ada <ada@example.org>:",
      "Στις Τρί 4 Μαρ 2025 στις 10:00, ο/η Ada <ada@example.org> έγραψε:",
      "Ada <ada@example.org> ezt írta (időpont: 2025. márc. 4., K, 10:00):",
      "вт, 4 мар. 2025 г. в 10:00, Ada <ada@example.org>:",
      "De : Ada <ada@example.org>\nEnvoyé : mardi 4 mars 2025 10:00\nÀ : Bob\nObjet : Test",
      "差出人: Ada <ada@example.org>\n送信日時: 2025年3月4日 10:00\n宛先: Bob\n件名: Test",
      "发件人: Ada\n发送时间: 2025年3月4日 10:00\n收件人: Bob\n主题: Test",
      "보낸 사람: Ada\n보낸 날짜: 2025년 3월 4일\n받는 사람: Bob\n제목: Test",
      "Od: Ada\nWysłano: wtorek, 4 marca 2025 10:00\nDo: Bob\nTemat: Test",
      "От: Ada\nОтправлено: 4 марта 2025 г. 10:00\nКому: Bob\nТема: Test",
      "Kimden: Ada\nGönderildi: 4 Mart 2025\nKime: Bob\nKonu: Test",
      "De: Ada\nEnviado: terça-feira, 4 de março de 2025 10:00\nPara: Bob\nAssunto: Test",
      "Od: Ada\nOdesláno: úterý 4. března 2025 10:00\nKomu: Bob\nPředmět: Test",
      "Feladó: Ada\nElküldve: 2025. március 4.\nCímzett: Bob\nTárgy: Test",
      "Από: Ada\nΣτάλθηκε: Τρίτη, 4 Μαρτίου 2025 10:00\nΠρος: Bob\nΘέμα: Test",
      "من: Ada\nتم الإرسال: الثلاثاء، 4 مارس 2025\nإلى: Bob\nالموضوع: Test",
      "מאת: Ada\nנשלח: יום שלישי 4 מרץ 2025\nאל: Bob\nנושא: Test",
      "Van: Ada\nVerzonden: dinsdag 4 maart 2025 10:00\nAan: Bob\nOnderwerp: Test",
      "Fra: Ada\nSendt: 4. marts 2025 10:00\nTil: Bob\nEmne: Test",
      "Von: Ada\nGesendet: Dienstag, 4. März 2025 10:00\nAn: Bob\nBetreff: Test",
      "2025/03/04 10:00、Ada <ada@example.org> のメッセージ:",
      "2025. 3. 4. 오전 10:00, Ada <ada@example.org> 작성:",
      "Le 04/03/2025 à 10:00, Ada a écrit :",
      "Am 04.03.2025 um 10:00 schrieb Ada:",
      "On 04/03/2025 10:00, Ada wrote:",
      "Ada wrote:"
  })
  void attributionOrHeaderBlockAndTheHistoryBelowAreRemoved(String attribution) {
    // given
    String mail = "Reply here.\n\n" + attribution + "\n\n> old text\n> more old\n";

    // when
    ReplyText result = EXTRACTOR.extractPlain(mail);

    // then
    assertThat(result.reply()).as(result.explain()).isEqualTo("Reply here.");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Something wrote:\nthe rest of my own sentence, unquoted.",
      "Here is what I wrote:\n\n> my earlier point\n\nand here is why it still holds.",
      "From: server1\nTo: server2\nerror 500"
  })
  void lookalikesInsideTheReplyAreKept(String text) {
    String mail = "Reply here.\n\n" + text + "\n";

    assertThat(EXTRACTOR.extractPlain(mail).reply()).isEqualTo(ReplyExtractor.strip(mail));
  }
}
