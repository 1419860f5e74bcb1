package dev.replyd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  static final String KEY = "0123456789abcdef0123456789abcdef";
  static final String SECRET = "callback-secret-0123456789";

  @TempDir Path dir;

  Path file(String hocon) throws IOException {
    Path f = dir.resolve("replyd.conf");
    Files.writeString(f, hocon, StandardCharsets.UTF_8);
    return f;
  }

  String minimal() {
    return "replyd { hostname = \"tracker.example.com\", address.keys = [\"" + KEY + "\"],"
        + " storage.root = \"" + dir.resolve("var") + "\","
        + " callback { url = \"https://tracker.example.com/hooks/replyd\", secret = \"" + SECRET + "\" } }";
  }

  @Test
  void minimalFileGetsTheDocumentedDefaults() throws Exception {
    ReplydConfig c = ConfigLoader.load(file(minimal()), Map.of());

    assertThat(c.hostname()).isEqualTo("tracker.example.com");
    assertThat(c.address().replyDomain()).isEqualTo("reply.tracker.example.com");
    assertThat(c.address().prefix()).isEqualTo("reply");
    assertThat(c.address().kinds()).containsExactly("i", "p", "c", "d");
    assertThat(c.noreply().address()).isEqualTo("noreply@tracker.example.com");
    assertThat(c.noreply().discard()).isTrue();
    assertThat(c.smtp().port()).isEqualTo(25);
    assertThat(c.smtp().maxMessageSize()).isEqualTo(25L * 1024 * 1024);
    assertThat(c.smtp().maxRecipients()).isEqualTo(50);
    assertThat(c.smtp().tlsEnabled()).isFalse();
    assertThat(c.storage().minFree()).isEqualTo(512L * 1024 * 1024);
    assertThat(c.storage().retention()).isEqualTo(Duration.ofDays(30));
    assertThat(c.processor().threads()).isEqualTo(4);
    assertThat(c.processor().maxMessageSize()).isEqualTo(c.smtp().maxMessageSize());
    assertThat(c.callback().timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.callback().maxAge()).isEqualTo(Duration.ofDays(2));
    assertThat(c.metrics().port()).isEqualTo(9465);
    assertThat(c.processor().senderChecks().enabled()).isTrue();
    assertThat(c.processor().senderChecks().requireDmarc()).isEqualTo("off");
    assertThat(c.outbound().from()).isEqualTo("noreply@tracker.example.com");
    assertThat(c.outbound().heloDomain()).isEqualTo("tracker.example.com");
    assertThat(c.callback().retryBaseDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.smtp().inFlowDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.smtp().inFlowBacklog()).isEqualTo(1000);
  }

  @Test
  void flowControlSettingsAreCheckedByKey() throws Exception {
    Path f = file(minimal().replace("storage.root", "smtp { in-flow-delay = -1s, in-flow-backlog = 0 }, storage.root"));

    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .isInstanceOfSatisfying(ConfigProblems.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
            "replyd.smtp.in-flow-delay: PT-1S (expected: a duration >= 0, e.g. 1s; 0s turns it off)",
            "replyd.smtp.in-flow-backlog: 0 (expected: > 0)"));
    assertThat(ConfigLoader.load(file(minimal().replace("storage.root", "smtp.in-flow-delay = 0s, storage.root")),
        Map.of()).smtp().inFlowDelay()).isZero();
  }

  @Test
  void choicesAndAuthNeedsAreCheckedByKey() throws Exception {
    Path f = file(minimal().replace("storage.root", "processor.sender-checks.require-dmarc = maybe,"
        + " outbound { auth = plain }, diagnostics.dns-servers = [\"127.0.0.1:x\"], storage.root"));

    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .isInstanceOfSatisfying(ConfigProblems.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
            "replyd.processor.sender-checks.require-dmarc: 'maybe' is not one of off, quarantine, reject",
            "replyd.outbound.auth: plain needs outbound.username and a password (outbound.password,"
                + " outbound.password-file or REPLYD_OUTBOUND_PASSWORD)",
            "replyd.diagnostics.dns-servers: '127.0.0.1:x' is not host:port (expected e.g. 127.0.0.1:53)"));
  }

  @Test
  void noticesAreOffByDefaultWithTheDocumentedLimits() throws Exception {
    ReplydConfig c = ConfigLoader.load(file(minimal()), Map.of());

    assertThat(c.notices().enabled()).isFalse();
    assertThat(c.notices().reasons())
        .containsExactly("empty_reply", "too_large", "unparseable", "callback_rejected", "retries_exhausted");
    assertThat(c.notices().perSenderInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(c.notices().maxPerHour()).isEqualTo(60);
  }

  @Test
  void noticesRefuseBackscatterReasonsAndAnUnusableRelayByKey() throws Exception {
    Path f = file(minimal().replace("storage.root", "notices { enabled = true,"
        + " reasons = [callback_rejected, auto_reply, bounced], max-per-hour = 0, per-sender-interval = soon },"
        + " outbound { host = \"\", port = 0 }, storage.root"));

    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .isInstanceOfSatisfying(ConfigProblems.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
            "replyd.notices.reasons: 'auto_reply' never gets a notice: its sender is automatic or unverified, so a"
                + " notice would be backscatter or a mail loop (expected: some of empty_reply, too_large,"
                + " unparseable, callback_rejected, retries_exhausted)",
            "replyd.notices.reasons: 'bounced' is not a failure reason (expected: some of empty_reply, too_large,"
                + " unparseable, callback_rejected, retries_exhausted)",
            "replyd.notices.max-per-hour: 0 (expected: > 0)",
            "replyd.notices.per-sender-interval: 'soon' is not valid (expected: a duration such as 30s, 5m or 2d)",
            "replyd.notices.enabled: true needs a relay, but outbound.host is '' (expected: the relay's host name"
                + " or IP address; or set notices.enabled = false)",
            "replyd.notices.enabled: true needs a relay, but outbound.port is 0 (expected: 1 to 65535, e.g. 25"
                + " or 587)"));
  }

  @Test
  void noticesSwitchedOnWithNoReasonSayHowToFixIt() throws Exception {
    Path f = file(minimal().replace("storage.root", "notices { enabled = true, reasons = [] }, storage.root"));

    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .isInstanceOfSatisfying(ConfigProblems.class, e -> assertThat(e.problems()).containsExactly(
            "replyd.notices.reasons: is empty while notices.enabled = true (expected: some of empty_reply,"
                + " too_large, unparseable, callback_rejected, retries_exhausted; or set notices.enabled = false)"));
  }

  @Test
  void everyProblemIsReportedAtOnceWithItsKey() throws Exception {
    Path f = file("replyd { hostname = \"\", address { keys = [\"short\"], kinds = [I] },"
        + " smtp { port = 70000, max-message-szie = 1MiB, max-recipients = 0 },"
        + " callback { url = \"ftp://x\", secret = \"s\", timeout = soon } }");

    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .isInstanceOfSatisfying(ConfigProblems.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
            "replyd.smtp.max-message-szie: unknown key (expected one of the keys in reference.conf; check the spelling)",
            "replyd.hostname: is not set (expected: the appliance's host name, e.g. tracker.example.com)",
            "replyd.address.kinds: 'I' is not a kind (expected: lowercase letters only)",
            "replyd.address.keys: key #1 is 5 bytes (expected: at least 32 bytes; generate one with: openssl rand -hex 32)",
            "replyd.smtp.port: 70000 is not a TCP port (expected: 0 to 65535; 0 picks a free port)",
            "replyd.smtp.max-recipients: 0 (expected: > 0)",
            "replyd.callback.url: 'ftp://x' is not an http(s) URL with a host",
            "replyd.callback.secret: is 1 bytes (expected: at least 16 bytes)",
            "replyd.callback.timeout: 'soon' is not valid (expected: a duration such as 30s, 5m or 2d)"));
  }

  @Test
  void aCallbackUrlWithUserInfoIsRefusedByKeyWithoutShowingItsCredentials() throws Exception {
    Path f = file(minimal().replace("https://tracker.example.com/hooks/replyd", "http://u:PASS@tracker.example.com/p?token=T0K"));

    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .isInstanceOfSatisfying(ConfigProblems.class, e -> assertThat(e.problems()).containsExactly(
            "replyd.callback.url: 'http://tracker.example.com/p?token=<redacted>' carries user info (user:password@),"
                + " which replyd never sends: it is not used as HTTP Basic authentication (expected: a URL without"
                + " user info; the main app authenticates replyd by the Replyd-Signature header made with"
                + " callback.secret)"))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("PASS").doesNotContain("T0K"));
  }

  @Test
  void problemsNeverQuoteSecretValues() throws Exception {
    String shortSecret = "tiny-secret";
    Path f = file("replyd { hostname = h.example, address.keys = [\"short-key-value\"], storage.root = x,"
        + " callback { url = \"http://h.example/\", secret = \"" + shortSecret + "\" } }");

    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .isInstanceOf(ConfigProblems.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(shortSecret).doesNotContain("short-key-value"));
  }

  @Test
  void environmentOverridesSecretsOfTheFile() throws Exception {
    String envKey = "env-key-0123456789abcdef0123456789";
    ReplydConfig c = ConfigLoader.load(file(minimal()), Map.of(
        ConfigLoader.ENV_ADDRESS_KEYS, envKey + ", " + KEY,
        ConfigLoader.ENV_CALLBACK_SECRET, "env-secret-0123456789"));

    assertThat(c.address().keys()).extracting(k -> new String(k, StandardCharsets.UTF_8)).containsExactly(envKey, KEY);
    assertThat(new String(c.callback().secret(), StandardCharsets.UTF_8)).isEqualTo("env-secret-0123456789");
  }

  @Test
  void secretsCanComeFromFilesAsSystemdCredentials() throws Exception {
    Path creds = Files.createDirectories(dir.resolve("creds"));
    Files.writeString(creds.resolve("address-keys"), "# rotated 2026-11\n" + KEY + "\n\nold-key-0123456789abcdef0123456789\n");
    Files.writeString(creds.resolve("callback-secret"), SECRET + "\n");
    Path f = file("replyd { hostname = tracker.example.com, storage.root = var,"
        + " address.keys-file = ${?CREDENTIALS_DIRECTORY}\"/address-keys\","
        + " callback { url = \"https://tracker.example.com/h\", secret-file = ${?CREDENTIALS_DIRECTORY}\"/callback-secret\" } }");

    ReplydConfig c = ConfigLoader.load(f, Map.of("CREDENTIALS_DIRECTORY", creds.toString()));

    assertThat(c.address().keys()).extracting(k -> new String(k, StandardCharsets.UTF_8))
        .containsExactly(KEY, "old-key-0123456789abcdef0123456789");
    assertThat(new String(c.callback().secret(), StandardCharsets.UTF_8)).isEqualTo(SECRET);
  }

  @Test
  void missingFileSaysWhichAndHowToFix() {
    Path missing = dir.resolve("nope.conf");

    assertThatThrownBy(() -> ConfigLoader.load(missing, Map.of()))
        .isInstanceOf(ConfigProblems.class)
        .hasMessage("config file " + missing + " does not exist or is not a regular file"
            + " (pass --config FILE; config/replyd.conf is a commented sample)");
  }

  @Test
  void syntaxErrorNamesFileAndLine() throws Exception {
    Path f = file("replyd {\n  hostname = \"x\n}\n");

    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .isInstanceOf(ConfigProblems.class)
        .hasMessageContaining(f.toString()).hasMessageContaining(": 2:");
  }

  @Test
  void tlsNeedsBothCertAndKey() throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
    Path f = file(minimal().replace("storage.root", "smtp.tls.cert = \"" + cert + "\", storage.root"));

    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .isInstanceOfSatisfying(ConfigProblems.class, e -> assertThat(e.problems()).containsExactly(
            "replyd.smtp.tls: only one of cert and key is set (expected: both, to offer STARTTLS, or neither)"));
  }

  @Test
  void shippedSampleAndDevConfigsAreValid() throws Exception {
    Path repo = Path.of("../..").toAbsolutePath().normalize();
    Path creds = Files.createDirectories(dir.resolve("creds"));
    Files.writeString(creds.resolve("address-keys"), KEY + "\n");
    Files.writeString(creds.resolve("callback-secret"), SECRET + "\n");

    ReplydConfig sample = ConfigLoader.load(repo.resolve("config/replyd.conf"), Map.of("CREDENTIALS_DIRECTORY", creds.toString()));
    ReplydConfig dev = ConfigLoader.load(repo.resolve("config/dev.conf"),
        Map.of(ConfigLoader.ENV_ADDRESS_KEYS, KEY, ConfigLoader.ENV_CALLBACK_SECRET, SECRET));

    assertThat(sample.smtp().port()).isEqualTo(25);
    assertThat(dev.smtp().port()).isEqualTo(2525);
    assertThat(dev.smtp().bind()).isEqualTo("127.0.0.1");
    assertThat(dev.storage().root()).isEqualTo(Path.of("var"));
  }
}
