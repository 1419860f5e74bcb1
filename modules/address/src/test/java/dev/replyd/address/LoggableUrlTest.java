package dev.replyd.address;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class LoggableUrlTest {

    @Test
    void userInfoAndQueryValuesAreDroppedWhileHostPortPathAndParameterNamesStay() {
        String shown = LoggableUrl.of(URI.create("http://u:PASS@tracker.example:8080/hooks/replyd?token=T0K&x=1#frag"));

        assertThat(shown).isEqualTo("http://tracker.example:8080/hooks/replyd?token=<redacted>&x=<redacted>");
    }

    @Test
    void aQueryParameterWithoutEqualsSignIsRedactedWhole() {
        assertThat(LoggableUrl.of(URI.create("https://h.example/p?s3cr3t&a=")))
            .isEqualTo("https://h.example/p?<redacted>&a=<redacted>");
    }

    @Test
    void aPlainUrlIsShownAsConfigured() {
        assertThat(LoggableUrl.of(URI.create("https://[::1]/hooks/replyd"))).isEqualTo("https://[::1]/hooks/replyd");
    }

    @Test
    void configuredTextThatIsNotAUriIsNotShownAtAll() {
        assertThat(LoggableUrl.of("http://u:PASS@host/p?token=T\\x")).isEqualTo("(not a URL; not shown)");
        assertThat(LoggableUrl.of("mailto:someone@example.org")).isEqualTo("mailto:<redacted>");
    }
}
