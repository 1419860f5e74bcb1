package dev.replyd.maildir;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@link ClientText#escape} does to each kind of character a client may send. */
class ClientTextTest {

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
        "FAKE\\rINJECTED | FAKE\\x0dINJECTED | CR",
        "a\\nb | a\\x0ab | LF",
        "\\u001b[31mred | \\x1b[31mred | ESC",
        "nul\\u0000 | nul\\x00 | NUL",
        "del\\u007f | del\\x7f | DEL",
        "c1\\u009b | c1\\x9b | C1 control (CSI)",
        "gpj.\\u202eexe | gpj.\\u202eexe | right-to-left override",
        "line\\u2028sep | line\\u2028sep | line separator",
        "josé@例子.广告 | josé@例子.广告 | UTF-8 letters kept",
        "emoji \\ud83d\\ude00 | emoji \ud83d\ude00 | surrogate pair kept",
        "lone \\ud83d | lone \\ud83d | unpaired surrogate",
        "back\\\\slash | back\\slash | backslash kept (idempotent)",
    })
    void controlAndBidiCharactersAreEscapedAndLettersKept(String input, String expected, String what) {
        // given
        String value = unescapeJava(input);

        // when
        String escaped = ClientText.escape(value);

        // then
        assertThat(escaped).as(what).isEqualTo(expected);
        assertThat(ClientText.escape(escaped)).as("escaping twice changes nothing").isEqualTo(escaped);
        assertThat(escaped.chars()).noneMatch(c -> c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x202e);
    }

    /** Java escapes (backslash-r, -n, -uXXXX, double backslash) in a CSV cell to the characters. */
    private static String unescapeJava(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 == text.length()) {
                out.append(c);
                continue;
            }
            char next = text.charAt(++i);
            switch (next) {
                case 'r' -> out.append('\r');
                case 'n' -> out.append('\n');
                case 'u' -> {
                    out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }
}
