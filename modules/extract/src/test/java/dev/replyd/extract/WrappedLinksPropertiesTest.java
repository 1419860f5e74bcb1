package dev.replyd.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

/** {@link WrappedLinks} over arbitrary links and text: wrapping then unwrapping gives the link back; junk never throws. */
class WrappedLinksPropertiesTest {

    @Provide
    Arbitrary<String> links() {
        Arbitrary<String> path = Arbitraries.strings().withChars("abcXYZ019-._~/?=&+%*#@:;,!é").ofMaxLength(40);
        return path.map(p -> "https://example.org/" + p.replace("%", "%25"));
    }

    @Property(tries = 500)
    void safeLinksAroundAnyLinkUnwrapsToThatLink(@ForAll("links") String link) {
        String wrapped = "https://nam12.safelinks.protection.outlook.com/?url="
                + URLEncoder.encode(link, StandardCharsets.UTF_8).replace("+", "%20")
                + "&data=05%7C02%7Cbob%40example.com%7C1&sdata=abc%3D&reserved=0";

        assertThat(WrappedLinks.unwrap("see " + wrapped + " end")).isEqualTo("see " + link + " end");
    }

    @Property(tries = 500)
    void urlDefenseV3WithEveryCharacterCarriedInBase64UnwrapsToTheLink(@ForAll("links") String link) {
        // The most a v3 writer can take out: every character after the host, as runs ("**X", 2 to 65
        // characters) and a single '*' for a last odd one.
        String prefix = "https://example.org/";
        String rest = link.substring(prefix.length());
        StringBuilder stars = new StringBuilder();
        int left = rest.codePointCount(0, rest.length());
        while (left >= 2) {
            int run = Math.min(left, 65);
            stars.append("**").append("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".charAt(run - 2));
            left -= run;
        }
        if (left == 1) {
            stars.append('*');
        }
        String carried = Base64.getUrlEncoder().withoutPadding().encodeToString(rest.getBytes(StandardCharsets.UTF_8));
        String wrapped = "https://urldefense.com/v3/__" + prefix + stars + "__;" + carried + "!!ABC!xyz$";

        assertThat(WrappedLinks.unwrap(wrapped)).isEqualTo(link.isEmpty() ? wrapped : link);
    }

    @Property(tries = 2000)
    void arbitraryTextMentioningTheGatewaysNeverThrows(@ForAll @StringLength(max = 300) String text) {
        String input = "https://urldefense.com/v3/__" + text + "__;" + text + "!" + text + "$ "
                + "https://x.safelinks.protection.outlook.com/?url=" + text + " "
                + "https://urldefense.proofpoint.com/v2/url?u=" + text + "&d=1";

        assertThat(WrappedLinks.unwrap(input)).isNotNull();
    }
}
