package dev.replyd.extract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.net.URLEncoder;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link WrappedLinks} on the formats the gateways write: Microsoft Safe Links, Proofpoint URL Defense v2 and v3
 * (the v3 examples decode as Proofpoint's published urldecoder.py decodes them).
 */
class WrappedLinksTest {

    /** One row a wrapped link: what it shows, the text as the gateway wrote it, the text unwrapped. */
    static Stream<Arguments> wrappedLinks() {
        String inner = "https://urldefense.proofpoint.com/v2/url?u=https-3A__example.org_a&d=DwMFaQ&e=";
        return Stream.of(
                argumentSet("a Safe Links URL is replaced by its percent-decoded url parameter",
                        "See https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fdocs.example.org%2Fguide"
                                + "%3Fq%3Da%2Bb%26lang%3Den%23top&data=05%7C02%7Cbob%40example.com%7C7a1c0e6f2b8d4e5f"
                                + "%7C72f988bf86f141af91ab2d7cd011db47%7C1%7C0%7C638"
                                + "&sdata=Zm9vYmFyYmF6cXV4%2BA%3D&reserved=0 for the steps.",
                        "See https://docs.example.org/guide?q=a+b&lang=en#top for the steps."),
                argumentSet("Safe Links in angle brackets, as Outlook writes them in plain text, keep the brackets",
                        "Docs<https://eur03.safelinks.protection.outlook.com/?url=http%3A%2F%2Fexample.org%2F"
                                + "&data=05%7C01&reserved=0>",
                        "Docs<http://example.org/>"),
                argumentSet("URL Defense v2 reads dash as percent and underscore as slash",
                        "link: https://urldefense.proofpoint.com/v2/url?u=http-3A__links.mkt3337.com_ctt-3Fkn-3D3-26ms"
                                + "-3DMzQ3OTg3MDQS1&d=DwMFaQ&c=Vxt5e0Osvvt2gflwSlsJ5DmPGcPvTRKLJyp031rXjhg"
                                + "&r=MujLDFBJstxoxZI_GKbsW7wxGM7nnIK__qZvVy6j9Wc"
                                + "&m=QJGhloAyfD0UZ6n8r6y9dF-khNKqvRAIWDRU_K65xPI&s=ew-rOtBFjiX1Hgv71XQJ5BEgl9TPaoWRm_Xp9Nuo8bk"
                                + "&e= end",
                        "link: http://links.mkt3337.com/ctt?kn=3&ms=MzQ3OTg3MDQS1 end"),
                // "Kw" is base64url of "+": the one character the '*' stands for.
                argumentSet("URL Defense v3 puts back the characters carried in base64",
                        "https://urldefense.com/v3/__https://google.com:443/search?q=a*test&gs=ps__;Kw!-612Flbf0JvQ3kNJkRi5Jg"
                                + "!Ue6tQudNKaShHg93trcdjqDP8se2ySE65jyCIe2K1D_uNjZ1Lnf6YLQERujngZv9UWf66ujQIQ$",
                        "https://google.com:443/search?q=a+test&gs=ps"),
                // **A is a run of 2, **B of 3; "JSYqI0A" is base64url of "%&*#@": 2 + 3 characters.
                argumentSet("a URL Defense v3 run token takes as many characters as its letter says",
                        "(https://urldefense.com/v3/__https:/example.com/a**Ab**B__;JSYqI0A!!abc!def$)",
                        "(https://example.com/a%&b*#@)"),
                argumentSet("Safe Links around URL Defense is unwrapped twice",
                        "https://nam12.safelinks.protection.outlook.com/?url=" + URLEncoder.encode(inner, UTF_8)
                                + "&data=05%7C01&reserved=0",
                        "https://example.org/a"));
    }

    @ParameterizedTest(name = "{argumentSetName}")
    @MethodSource("wrappedLinks")
    void aWrappedLinkIsReplacedByTheLinkItCarries(String wrapped, String unwrapped) {
        assertThat(WrappedLinks.unwrap(wrapped)).isEqualTo(unwrapped);
    }

    @Test
    void payloadThatDoesNotDecodeLeavesTheLinkAsItWas() {
        List<String> broken = List.of(
                "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fexample.org%2&data=1&reserved=0",
                "https://nam12.safelinks.protection.outlook.com/?url=javascript%3Aalert(1)&data=1&reserved=0",
                "https://urldefense.com/v3/__https://example.org/**Z__;Kw!!x$",
                "https://urldefense.com/v3/__https://example.org/*__;%%%!!x$",
                "https://urldefense.proofpoint.com/v2/url?u=https-3A__example.org_a-20b&d=x&e=");

        for (String link : broken) {
            assertThat(WrappedLinks.unwrap("see " + link + " ok")).as(link).isEqualTo("see " + link + " ok");
        }
    }

    @Test
    void replyTextIsUnwrappedWhileTheFullTextKeepsTheOriginal() {
        String wrapped = "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fexample.org%2F&data=05%7C01&reserved=0";
        ReplyText text = new ReplyText("Try " + wrapped, "Try " + wrapped + "\n> quoted", List.of(), false);

        assertThat(text.reply()).isEqualTo("Try https://example.org/");
        assertThat(text.full()).contains(wrapped);
    }

    @Test
    void textWithoutWrappedLinksIsReturnedUnchanged() {
        String text = "Plain https://example.org/?url=https%3A%2F%2Fother.example and urldefense mentioned.";

        assertThat(WrappedLinks.unwrap(text)).isSameAs(text);
    }
}
