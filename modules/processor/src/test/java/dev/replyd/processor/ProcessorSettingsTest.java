package dev.replyd.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessorSettingsTest {

  private static final URI URL = URI.create("https://tracker.example.com/hooks/replyd");
  private static final byte[] SECRET = "s3cr3t-value".getBytes(StandardCharsets.US_ASCII);

  @Test
  void toStringNeverPrintsTheSecret() {
    String text = ProcessorSettings.defaults(URL, SECRET).toString();

    assertThat(text).doesNotContain("s3cr3t").contains("callbackSecret=(12 bytes, not shown)").contains(URL.toString());
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    ProcessorSettings settings = ProcessorSettings.defaults(URL, SECRET);

    assertThat(settings.threads()).isEqualTo(4);
    assertThat(settings.callbackTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.maxAge()).isEqualTo(Duration.ofDays(2));
    assertThat(settings.retention()).isEqualTo(Duration.ofDays(30));
    assertThat(settings.maxAttachmentBytes()).isEqualTo(10 << 20);
  }

  @Test
  void theSecretCannotBeChangedThroughTheArrayPassedInOrOut() {
    byte[] secret = SECRET.clone();
    ProcessorSettings settings = ProcessorSettings.defaults(URL, secret);

    secret[0] = 'X';
    settings.callbackSecret()[1] = 'Y';

    assertThat(settings.callbackSecret()).isEqualTo(SECRET);
  }

  @Test
  void nonHttpUrlIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> ProcessorSettings.defaults(URI.create("ftp://tracker.example.com/x"), SECRET))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replyd.callback.url: ftp://tracker.example.com/x (expected: an absolute http or https URL)");
  }

  @Test
  void urlWithUserInfoIsRefusedWithoutShowingTheCredentials() {
    assertThatThrownBy(() -> ProcessorSettings.defaults(URI.create("http://u:PASS@tracker.example.com/p?token=T0K"), SECRET))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replyd.callback.url: http://tracker.example.com/p?token=<redacted> carries user info (user:password@),"
            + " which replyd never sends: it is not used as HTTP Basic authentication (expected: a URL without"
            + " user info; the main app authenticates replyd by the Replyd-Signature header made with"
            + " callback.secret)");
  }

  @Test
  void settingsNeverShowTheUrlsQueryValues() {
    ProcessorSettings settings = ProcessorSettings.defaults(URI.create("https://tracker.example.com/p?token=T0K"), SECRET);

    assertThat(settings.toString()).contains("callbackUrl=https://tracker.example.com/p?token=<redacted>")
        .doesNotContain("T0K");
  }

  @Test
  void zeroThreadsIsRefusedNamingTheKey() {
    ProcessorSettings d = ProcessorSettings.defaults(URL, SECRET);
    assertThatThrownBy(() -> new ProcessorSettings(0, URL, SECRET, d.callbackTimeout(), d.maxAge(), d.retryBaseDelay(),
            d.retryMaxDelay(), d.maxAttachmentBytes(), d.maxMessageBytes(), d.rescanInterval(), d.retention()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replyd.processor.threads: 0 (expected: 1 to 256)");
  }

  @Test
  void everyInvalidValueIsListedOnItsOwnLineNamingItsKey() {
    ProcessorSettings d = ProcessorSettings.defaults(URL, SECRET);
    assertThatThrownBy(() -> new ProcessorSettings(0, URL, SECRET, d.callbackTimeout(), d.maxAge(), Duration.ofSeconds(30),
            Duration.ofSeconds(10), -1, 0, d.rescanInterval(), d.retention()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replyd.processor.threads: 0 (expected: 1 to 256)\n"
            + "replyd.callback.retry-max-delay: PT10S (expected: at least replyd.callback.retry-base-delay, PT30S)\n"
            + "replyd.callback.max-attachment-bytes: -1 (expected: >= 0)\n"
            + "replyd.processor.max-message-size: 0 (expected: > 0)");
  }

  @Test
  void aZeroMessageDeadlineIsRefusedNamingTheKeyAndTheDefaultIsAMinute() {
    ProcessorSettings d = ProcessorSettings.defaults(URL, SECRET);

    assertThat(d.messageDeadline()).isEqualTo(Duration.ofSeconds(60));
    assertThatThrownBy(() -> d.withMessageDeadline(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("replyd.processor.message-deadline: PT0S (expected: a positive duration)");
  }
}
