package dev.replyd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.replyd.processor.ProcessorSettings;
import dev.replyd.smtp.SmtpSettings;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  /** The minimal config with {@code settings} (HOCON fields inside {@code replyd}) added. */
  String minimalWith(String settings) {
    return minimal().replace("storage.root", settings + ", storage.root");
  }

  /** What loading {@code hocon} refuses it with; fails the test when it loads. */
  ConfigProblems refusalLoading(String hocon) throws IOException {
    Path f = file(hocon);
    Throwable thrown = catchThrowable(() -> ConfigLoader.load(f, Map.of()));
    assertThat(thrown).isInstanceOf(ConfigProblems.class);
    return (ConfigProblems) thrown;
  }

  /** The problems, one a key, that loading {@code hocon} reports. */
  List<String> problemsLoading(String hocon) throws IOException {
    return refusalLoading(hocon).problems();
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
    assertThat(c.processor().messageDeadline()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.modules().processor().messageDeadline()).isEqualTo(Duration.ofSeconds(60));
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
    assertThat(problemsLoading(minimalWith("smtp { in-flow-delay = -1s, in-flow-backlog = 0 }")))
        .containsExactlyInAnyOrder(
            "replyd.smtp.in-flow-delay: PT-1S (expected: a duration >= 0, e.g. 1s; 0s turns it off)",
            "replyd.smtp.in-flow-backlog: 0 (expected: > 0)");
    assertThat(ConfigLoader.load(file(minimalWith("smtp.in-flow-delay = 0s")),
        Map.of()).smtp().inFlowDelay()).isZero();
  }

  @Test
  void choicesAndAuthNeedsAreCheckedByKey() throws Exception {
    assertThat(problemsLoading(minimalWith("processor.sender-checks.require-dmarc = maybe,"
        + " outbound { auth = plain }, diagnostics.dns-servers = [\"127.0.0.1:x\"]")))
        .containsExactlyInAnyOrder(
            "replyd.processor.sender-checks.require-dmarc: 'maybe' is not one of off, quarantine, reject",
            "replyd.outbound.auth: plain needs outbound.username and a password (outbound.password,"
                + " outbound.password-file or REPLYD_OUTBOUND_PASSWORD)",
            "replyd.diagnostics.dns-servers: '127.0.0.1:x' is not host:port (expected e.g. 127.0.0.1:53)");
  }

  @Test
  void theMessageDeadlineMustBePositiveAndLongerThanOneDnsTimeout() throws Exception {
    assertThat(problemsLoading(minimalWith("processor.message-deadline = 0s")))
        .containsExactly(
            "replyd.processor.message-deadline: PT0S (expected: a positive duration)");

    assertThat(problemsLoading(minimalWith("processor { message-deadline = 2s, sender-checks.timeout = 3s }")))
        .containsExactly(
            "replyd.processor.message-deadline: PT2S is not longer than processor.sender-checks.timeout PT3S"
                + " (expected: well above it, e.g. 60s; otherwise one slow DNS answer files every message as"
                + " deadline_exceeded)");
    assertThat(ConfigLoader.load(file(minimalWith("processor.message-deadline = 2m")), Map.of())
        .processor().messageDeadline()).isEqualTo(Duration.ofMinutes(2));
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
    assertThat(problemsLoading(minimalWith("notices { enabled = true,"
        + " reasons = [callback_rejected, auto_reply, bounced], max-per-hour = 0, per-sender-interval = soon },"
        + " outbound { host = \"\", port = 0 }")))
        .containsExactlyInAnyOrder(
            "replyd.notices.reasons: 'auto_reply' never gets a notice (its sender is unverified or automatic: a"
                + " notice would be backscatter) (expected: some of empty_reply, too_large,"
                + " unparseable, callback_rejected, retries_exhausted, deadline_exceeded)",
            "replyd.notices.reasons: 'bounced' is not a failure reason (expected: some of empty_reply, too_large,"
                + " unparseable, callback_rejected, retries_exhausted, deadline_exceeded)",
            "replyd.notices.max-per-hour: 0 (expected: >= 1)",
            "replyd.notices.per-sender-interval: 'soon' is not valid (expected: a duration such as 30s, 5m or 2d)",
            "replyd.notices.enabled: true needs a relay, but outbound.host is '' (expected: the relay's host name"
                + " or IP address; or set notices.enabled = false)",
            "replyd.notices.enabled: true needs a relay, but outbound.port is 0 (expected: 1 to 65535, e.g. 25"
                + " or 587)");
  }

  @Test
  void noticesSwitchedOnWithNoReasonSayHowToFixIt() throws Exception {
    assertThat(problemsLoading(minimalWith("notices { enabled = true, reasons = [] }")))
        .containsExactly(
            "replyd.notices.reasons: is empty while notices.enabled = true (expected: some of empty_reply,"
                + " too_large, unparseable, callback_rejected, retries_exhausted, deadline_exceeded; or set"
                + " notices.enabled = false)");
  }

  @Test
  void everyProblemIsReportedAtOnceWithItsKey() throws Exception {
    assertThat(problemsLoading("replyd { hostname = \"\", address { keys = [\"short\"], kinds = [I] },"
        + " smtp { port = 70000, max-message-szie = 1MiB, max-recipients = 0 },"
        + " callback { url = \"ftp://x\", secret = \"s\", timeout = soon } }"))
        .containsExactlyInAnyOrder(
            "replyd.smtp.max-message-szie: unknown key (expected one of the keys in reference.conf; check the spelling)",
            "replyd.hostname: is not set (expected: the appliance's host name, e.g. tracker.example.com)",
            "replyd.address: address kind 'I' is not lowercase letters (expected: one or more of a-z, e.g. i)",
            "replyd.address.keys: key #1 is 5 bytes (expected: at least 32 bytes; generate one with: openssl rand -hex 32)",
            "replyd.smtp.port: 70000 is not a TCP port (expected: 0 to 65535; 0 picks a free port)",
            "replyd.smtp.max-recipients: 0 (expected: >= 1)",
            "replyd.callback.url: ftp://x (expected: an absolute http or https URL)",
            "replyd.callback.secret: is 1 bytes (expected: at least 16 bytes)",
            "replyd.callback.timeout: 'soon' is not valid (expected: a duration such as 30s, 5m or 2d)");
  }

  @Test
  void aCallbackUrlWithUserInfoIsRefusedByKeyWithoutShowingItsCredentials() throws Exception {
    ConfigProblems refusal = refusalLoading(minimal().replace("https://tracker.example.com/hooks/replyd",
        "http://u:PASS@tracker.example.com/p?token=T0K"));

    assertThat(refusal.problems()).containsExactly(
        "replyd.callback.url: http://tracker.example.com/p?token=<redacted> carries user info (user:password@),"
            + " which replyd never sends: it is not used as HTTP Basic authentication (expected: a URL without"
            + " user info; the main app authenticates replyd by the Replyd-Signature header made with"
            + " callback.secret)");
    assertThat(refusal.getMessage()).doesNotContain("PASS").doesNotContain("T0K");
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
    assertThat(problemsLoading(minimalWith("smtp.tls.cert = \"" + cert + "\"")))
        .containsExactly(
            "replyd.smtp.tls: cert = " + cert + ", key = null (expected: both PEM files set to offer STARTTLS, or both"
                + " null)");
  }

  @Test
  void everyShippedConfigLoadsThroughThePathRunUses() throws Exception {
    Path repo = Path.of("../..").toAbsolutePath().normalize();
    Path creds = Files.createDirectories(dir.resolve("creds"));
    Files.writeString(creds.resolve("address-keys"), KEY + "\n");
    Files.writeString(creds.resolve("callback-secret"), SECRET + "\n");
    Map<String, String> env = Map.of("CREDENTIALS_DIRECTORY", creds.toString(),
        ConfigLoader.ENV_ADDRESS_KEYS, KEY, ConfigLoader.ENV_CALLBACK_SECRET, SECRET);
    List<Path> shipped;
    try (var files = Files.list(repo.resolve("config"))) {
      shipped = files.filter(f -> f.toString().endsWith(".conf")).sorted().toList();
    }

    for (Path conf : shipped) {
      ReplydConfig c = ConfigLoader.load(conf, env);
      assertThat(c.modules().smtp()).as(conf.toString()).isNotNull();
      assertThat(c.modules().processor()).as(conf.toString()).isNotNull();
    }

    assertThat(shipped).extracting(p -> p.getFileName().toString()).contains("replyd.conf", "dev.conf");
    ReplydConfig sample = ConfigLoader.load(repo.resolve("config/replyd.conf"), env);
    ReplydConfig dev = ConfigLoader.load(repo.resolve("config/dev.conf"), env);
    assertThat(sample.smtp().port()).isEqualTo(25);
    assertThat(dev.smtp().port()).isEqualTo(2525);
    assertThat(dev.smtp().bind()).isEqualTo("127.0.0.1");
    assertThat(dev.storage().root()).isEqualTo(Path.of("var"));
  }

  @Test
  void everyConfigBlockInTheReadmeLoadsThroughThePathRunUses() throws Exception {
    String readme = Files.readString(Path.of("../../README.md").toAbsolutePath().normalize());
    // Unlabelled code blocks that open with "<key> {" are fragments of the replyd { } block.
    Matcher block = Pattern.compile("(?m)^```\\n([a-z-]+ \\{\\n(?:.*\\n)*?)```$").matcher(readme);
    List<String> fragments = new ArrayList<>();
    while (block.find()) {
      fragments.add(block.group(1));
    }

    assertThat(fragments).isNotEmpty();
    // Blocks that read systemd credentials get a credentials directory, as the unit gives the daemon.
    Path credentials = Files.createDirectories(dir.resolve("credentials"));
    Files.writeString(credentials.resolve("console-token"), "0123456789abcdef0123456789abcdef\n");
    for (String fragment : fragments) {
      String withCredentials = fragment.replace("${?CREDENTIALS_DIRECTORY}", "\"" + credentials + "\"");
      ReplydConfig c = ConfigLoader.load(file(minimal().replaceFirst("}$", "\n" + withCredentials.replace("$", "\\$") + "}")),
          Map.of());
      assertThat(c.modules()).as(fragment).isNotNull();
    }
  }

  @Test
  void theModulesDefaultsAreThoseOfReferenceConf() throws Exception {
    ReplydConfig c = ConfigLoader.load(file(minimal()), Map.of());
    URI url = URI.create("https://tracker.example.com/hooks/replyd");

    assertThat(c.modules().smtp()).isEqualTo(SmtpSettings.defaults("tracker.example.com", "reply.tracker.example.com")
        .withMinFreeBytes(c.storage().minFree()));
    assertThat(c.modules().smtp().minFreeBytes()).isEqualTo(SmtpSettings.DEFAULT_MIN_FREE_BYTES);
    assertThat(c.modules().processor()).isEqualTo(ProcessorSettings.defaults(url, SECRET.getBytes(StandardCharsets.UTF_8)));
    assertThat(c.modules().smtp().maxConnections()).isEqualTo(200);
    assertThat(c.modules().smtp().maxConnectionsPerIp()).isEqualTo(20);
    assertThat(c.modules().smtp().maxErrors()).isEqualTo(10);
    assertThat(c.modules().processor().maxAttachmentBytes()).isEqualTo(10L << 20);
  }

  @Test
  void keyNamesInMessagesOfTheMainSourcesAreKeysOfReferenceConf() throws Exception {
    Config reference = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "reference.conf");
    // Only names under a section of reference.conf are key names; replyd.conf (a file) and session
    // attribute names such as replyd.transaction are not. Texts name keys with or without "replyd.".
    java.util.Set<String> sections = reference.getConfig("replyd").root().keySet();
    Pattern keyInText = Pattern.compile("(?<![\\w.])(replyd\\.)?(" + String.join("|", sections)
        + ")((?:\\.[a-z][a-z0-9-]*)+)");
    Pattern literal = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    // Meter names share the prefix; they are the first argument of a meter builder, not configuration.
    Pattern meterName = Pattern.compile("(builder|gauge|counter|timer)\\((registry, [a-z]+, )?\"replyd\\.",
        Pattern.CASE_INSENSITIVE);
    Pattern fileName = Pattern.compile(".*\\.(txt|conf|json|log|xml|yml|css)");
    List<String> unknown = new ArrayList<>();
    int checked = 0;
    List<Path> sources;
    try (var walk = Files.walk(Path.of("../..").toAbsolutePath().normalize().resolve("modules"))) {
      sources = walk.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/java/")).toList();
    }
    for (Path source : sources) {
      for (String line : Files.readAllLines(source, StandardCharsets.UTF_8)) {
        if (meterName.matcher(line).find()) {
          continue;
        }
        Matcher text = literal.matcher(line);
        while (text.find()) {
          Matcher key = keyInText.matcher(text.group(1));
          while (key.find()) {
            String found = "replyd." + key.group(2) + key.group(3).replaceAll("[.-]+$", "");
            if (fileName.matcher(found).matches()) {
              continue;
            }
            checked++;
            if (!reference.hasPathOrNull(found)) {
              unknown.add(source.getFileName() + ": " + key.group());
            }
          }
        }
      }
    }

    assertThat(checked).isGreaterThan(80);
    assertThat(unknown).isEmpty();
  }
}
