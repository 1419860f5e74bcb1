package dev.replyd.extract;

import com.ibm.icu.text.CharsetDetector;
import com.ibm.icu.text.CharsetMatch;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Names the charset of text bytes that came without a usable charset label, with ICU's
 * statistical detector.
 *
 * <p>Contract: {@link #of} looks at the first {@value #SAMPLE_BYTES} bytes and returns a guess
 * only when the detector's best answer among the charsets mail really uses is confident
 * ({@value #MIN_CONFIDENCE} of 100 or more) and is one whose text cannot pass for Latin-1: the
 * Japanese, Chinese and Korean multi-byte charsets (ISO-2022-JP, Shift_JIS, EUC-JP, GB18030,
 * Big5, EUC-KR) and the Cyrillic, Greek, Arabic and Hebrew single-byte ones. Latin-alphabet
 * answers (ISO-8859-1/2/9, windows-1252) return nothing, so the caller keeps its Latin-1 reading:
 * on a short reply the detector cannot tell French from Polish, and a wrong guess between them
 * garbles as many letters as it fixes. Each guess is read with the superset mail clients use
 * (Shift_JIS as windows-31j, EUC-KR as windows-949, Big5 as Big5-HKSCS). A very short CJK text
 * (fewer than about ten characters) gives the detector too little to be confident, and stays
 * unguessed. {@link #multiByte} says whether a guess is one of the CJK charsets, which is what a
 * wrong single-byte label may be overruled by.
 *
 * <p>Failures: none; bytes the detector cannot place give no guess. Bounded: the detector sees at
 * most {@value #SAMPLE_BYTES} bytes.
 *
 * <p>Thread-safety: stateless; a detector is made per call (ICU's is not thread-safe).
 */
final class CharsetGuess {
  private CharsetGuess() {}

  /** The detector's name for the charset, and the Java charset the bytes are read with. */
  record Guess(String name, Charset charset) {}

  static final int SAMPLE_BYTES = 64 * 1024;
  static final int MIN_CONFIDENCE = 50;

  /** Detector names this class may answer with, and the Java charset each is read as. */
  private static final Map<String, String> READ_AS = Map.ofEntries(
      Map.entry("ISO-2022-JP", "ISO-2022-JP"), Map.entry("Shift_JIS", "windows-31j"),
      Map.entry("EUC-JP", "EUC-JP"), Map.entry("GB18030", "GB18030"),
      Map.entry("Big5", "Big5-HKSCS"), Map.entry("EUC-KR", "x-windows-949"),
      Map.entry("KOI8-R", "KOI8-R"), Map.entry("windows-1251", "windows-1251"),
      Map.entry("ISO-8859-5", "ISO-8859-5"), Map.entry("ISO-8859-7", "ISO-8859-7"),
      Map.entry("windows-1256", "windows-1256"), Map.entry("ISO-8859-6", "ISO-8859-6"),
      Map.entry("ISO-8859-8", "ISO-8859-8"), Map.entry("ISO-8859-8-I", "ISO-8859-8"));

  private static final Set<String> MULTI_BYTE =
      Set.of("ISO-2022-JP", "Shift_JIS", "EUC-JP", "GB18030", "Big5", "EUC-KR");

  /**
   * Detector answers that are not a candidate at all: the caller has already ruled out UTF-8,
   * mail text is never UTF-16/32 without a label, and the EBCDIC and ISO-2022-CN/KR recognisers
   * name charsets no mail client sends. Skipping them keeps their low constant scores from
   * outranking a real answer.
   */
  private static final Set<String> NOT_MAIL = Set.of("UTF-8", "UTF-16BE", "UTF-16LE", "UTF-32BE",
      "UTF-32LE", "ISO-2022-CN", "ISO-2022-KR", "IBM424_rtl", "IBM424_ltr", "IBM420_rtl", "IBM420_ltr");

  /** The confident guess for these bytes, or null when the caller's own fallback should stand. */
  static Guess of(byte[] bytes) {
    CharsetDetector detector = new CharsetDetector();
    detector.enableInputFilter(true); // markup in an HTML part says nothing about its charset
    detector.setText(bytes.length > SAMPLE_BYTES ? Arrays.copyOf(bytes, SAMPLE_BYTES) : bytes);
    CharsetMatch[] matches = detector.detectAll();
    for (CharsetMatch match : matches) {
      if (NOT_MAIL.contains(match.getName())) {
        continue;
      }
      String javaName = READ_AS.get(match.getName());
      if (javaName == null || match.getConfidence() < MIN_CONFIDENCE || !Charset.isSupported(javaName)) {
        return null; // the best mail charset is Latin, or the detector is unsure
      }
      return new Guess(match.getName(), Charset.forName(javaName));
    }
    return null;
  }

  static boolean multiByte(Guess guess) {
    return MULTI_BYTE.contains(guess.name());
  }
}
