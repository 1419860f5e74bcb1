package dev.replyd.daemon;

import static dev.replyd.daemon.CommandLineRun.replyd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.LeakCheck;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Drives the {@code replyd} command line in-process, as an operator types it. */
class CommandLineTest {
  @RegisterExtension final LeakCheck leaks = LeakCheck.threads().listeningPorts();
  @TempDir Path dir;

  Path config() throws Exception {
    Path f = dir.resolve("replyd.conf");
    Files.writeString(f, "replyd { hostname = tracker.example.com, storage.root = \"" + dir.resolve("var") + "\","
        + " address.keys = [\"" + ConfigLoaderTest.KEY + "\"],"
        + " callback { url = \"https://tracker.example.com/hooks/replyd\", secret = \"" + ConfigLoaderTest.SECRET + "\" } }");
    return f;
  }

  @Test
  void mintedAddressVerifiesBackToItsIds() throws Exception {
    Path conf = config();

    CommandLineRun mint = replyd("address", "mint", "--config", conf.toString(), "--kind", "i", "--thread", "1", "--user", "5");
    CommandLineRun verify = replyd("address", "verify", "--config", conf.toString(), mint.out().strip());

    assertThat(mint.exit()).isZero();
    assertThat(mint.out().strip()).matches("reply\\+i-1-[0-9a-f]{40}-5@reply\\.tracker\\.example\\.com");
    assertThat(verify.exit()).isZero();
    assertThat(verify.out()).isEqualTo("valid: kind=i thread=1 user=5\n");
  }

  @Test
  void mintedUnsubscribeAddressVerifiesBackToItsIdsAsAnUnsubscribe() throws Exception {
    Path conf = config();

    CommandLineRun mint = replyd("address", "mint", "--config", conf.toString(), "--unsubscribe", "--kind", "i", "--thread", "1",
        "--user", "5");
    CommandLineRun verify = replyd("address", "verify", "--config", conf.toString(), mint.out().strip());
    CommandLineRun swapped = replyd("address", "verify", "--config", conf.toString(),
        mint.out().strip().replace("unsub+", "reply+"));

    assertThat(mint.exit()).isZero();
    assertThat(mint.out().strip()).matches("unsub\\+i-1-[0-9a-f]{40}-5@reply\\.tracker\\.example\\.com");
    assertThat(verify.exit()).isZero();
    assertThat(verify.out()).isEqualTo("valid: kind=i thread=1 user=5 (unsubscribe)\n");
    assertThat(swapped.exit()).isEqualTo(1);
    assertThat(swapped.out()).isEqualTo("invalid: bad_signature: signature does not match\n");
  }

  @Test
  void tamperedAddressIsRefusedWithItsReasonAndExitOne() throws Exception {
    Path conf = config();
    String minted = replyd("address", "mint", "--config", conf.toString(), "--kind", "i", "--thread", "1", "--user", "5").out().strip();

    CommandLineRun verify = replyd("address", "verify", "--config", conf.toString(), minted.replace("-5@", "-6@"));
    CommandLineRun foreign = replyd("address", "verify", "--config", conf.toString(), "someone@example.org");

    assertThat(verify.exit()).isEqualTo(1);
    assertThat(verify.out()).startsWith("invalid: bad_signature: ");
    assertThat(foreign.exit()).isEqualTo(1);
    assertThat(foreign.out()).startsWith("invalid: wrong_domain: ");
  }

  @Test
  void mintRefusesAnUnconfiguredKind() throws Exception {
    CommandLineRun r = replyd("address", "mint", "--config", config().toString(), "--kind", "x", "--thread", "1", "--user", "5");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("replyd: unknown kind 'x' (expected one of: c, d, i, p)\n");
  }

  @Test
  void checkConfigListsEveryProblemAndExitsOne() throws Exception {
    Path bad = dir.resolve("bad.conf");
    Files.writeString(bad, "replyd { hostname = \"\", smtp.port = -1, callback.url = nope }");

    CommandLineRun r = replyd("check-config", "--config", bad.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("config " + bad + " has 5 problem(s):\n")
        .contains("  replyd.hostname: is not set")
        .contains("  replyd.smtp.port: -1 is not a TCP port")
        .contains("  replyd.callback.url: nope (expected: an absolute http or https URL)")
        .contains("  replyd.address.keys: no key configured")
        .contains("  replyd.callback.secret: is not set");
  }

  /** A valid file with {@code setting} added inside replyd { }. */
  Path configWith(String setting) throws Exception {
    Path f = dir.resolve("with.conf");
    Files.writeString(f, Files.readString(config()).replaceFirst("}\\s*}$", "}, " + setting.replace("$", "\\$") + " }"));
    return f;
  }

  @Test
  void checkConfigReportsEveryConstraintTheModulesSettingsEnforce() throws Exception {
    String[][] cases = {
        {"callback.retry-max-delay = 10s",
            "replyd.callback.retry-max-delay: PT10S (expected: at least replyd.callback.retry-base-delay, PT30S)"},
        {"smtp.idle-timeout = 500ms", "replyd.smtp.idle-timeout: PT0.5S (expected: at least 1s)"},
        {"smtp.session-timeout = 500ms", "replyd.smtp.session-timeout: PT0.5S (expected: at least 1s)"},
        {"smtp.max-errors = 0", "replyd.smtp.max-errors: 0 (expected: >= 1)"},
        {"smtp.max-recipients = 0", "replyd.smtp.max-recipients: 0 (expected: >= 1)"},
        {"smtp.max-connections = -1", "replyd.smtp.max-connections: -1 (expected: >= 0, 0 = unlimited)"},
        {"smtp.max-connections-per-ip = -1", "replyd.smtp.max-connections-per-ip: -1 (expected: >= 0, 0 = unlimited)"},
        {"smtp.io-threads = -1", "replyd.smtp.io-threads: -1 (expected: >= 0, 0 = 4 per core)"},
        {"smtp.max-message-size = 3GiB", "replyd.smtp.max-message-size: 3221225472 (expected: 1 to 2147483647 bytes)"},
        {"hostname = \"tracker example\"", "replyd.hostname: \"tracker example\" (expected: a host name of"
            + " dot-separated labels of letters, digits and inner '-', at most 253 characters, e.g. tracker.example.com)"},
        {"reply-domain = \"reply..example.com\"", "replyd.reply-domain: \"reply..example.com\" (expected: a host name"
            + " of dot-separated labels of letters, digits and inner '-', at most 253 characters, e.g. tracker.example.com)"},
        {"noreply.address = noreply", "replyd.noreply.address: \"noreply\" (expected: local@domain, e.g."
            + " noreply@tracker.example.com)"},
        {"processor.threads = 0", "replyd.processor.threads: 0 (expected: 1 to 256)"},
        {"processor.threads = 300", "replyd.processor.threads: 300 (expected: 1 to 256)"},
        {"processor.max-message-size = 0", "replyd.processor.max-message-size: 0 (expected: > 0)"},
        {"callback.url = \"ftp://tracker.example.com/x\"",
            "replyd.callback.url: ftp://tracker.example.com/x (expected: an absolute http or https URL)"},
        {"callback.timeout = 0s", "replyd.callback.timeout: PT0S (expected: a positive duration)"},
        {"callback.max-age = 0s", "replyd.callback.max-age: PT0S (expected: a positive duration)"},
        {"callback.retry-base-delay = 0s", "replyd.callback.retry-base-delay: PT0S (expected: a positive duration)"},
        {"storage.retention = 0s", "replyd.storage.retention: PT0S (expected: a positive duration)"},
        {"notices.max-per-hour = 0", "replyd.notices.max-per-hour: 0 (expected: >= 1)"},
        {"notices.per-sender-interval = 0s", "replyd.notices.per-sender-interval: PT0S (expected: a duration > 0,"
            + " e.g. 1h)"},
        {"notices.reasons = [invalid_token]", "replyd.notices.reasons: 'invalid_token' never gets a notice (its sender"
            + " is unverified or automatic: a notice would be backscatter) (expected: some of empty_reply, too_large,"
            + " unparseable, callback_rejected, retries_exhausted, deadline_exceeded)"},
        {"address.prefix = \"re+ply\"", "replyd.address: address prefix 're+ply' is not valid (expected: letters,"
            + " digits, '_', '-' and inner dots, e.g. reply)"},
        {"address.kinds = [I]", "replyd.address: address kind 'I' is not lowercase letters (expected: one or more"
            + " of a-z, e.g. i)"},
        {"address.kinds = []", "replyd.address: address kinds are empty (expected: at least one kind, e.g. [i, p, c, d])"},
    };
    for (String[] c : cases) {
      Path conf = configWith(c[0]);

      CommandLineRun r = replyd("check-config", "--config", conf.toString());

      assertThat(r.exit()).as(c[0]).isEqualTo(1);
      assertThat(r.err()).as(c[0]).isEqualTo("config " + conf + " has 1 problem(s):\n  " + c[1] + "\n");
    }
  }

  @Test
  void runRefusesAConfigWithExactlyTheProblemsCheckConfigLists() throws Exception {
    Path conf = configWith("callback.retry-max-delay = 10s, smtp { idle-timeout = 500ms, port = 0 },"
        + " metrics.port = 0");

    CommandLineRun check = replyd("check-config", "--config", conf.toString());
    CommandLineRun run = replyd("run", "--config", conf.toString());

    assertThat(check.exit()).isEqualTo(1);
    assertThat(check.err()).isEqualTo("config " + conf + " has 2 problem(s):\n"
        + "  replyd.smtp.idle-timeout: PT0.5S (expected: at least 1s)\n"
        + "  replyd.callback.retry-max-delay: PT10S (expected: at least replyd.callback.retry-base-delay, PT30S)\n");
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("replyd: replyd.smtp.idle-timeout: PT0.5S (expected: at least 1s)\n"
        + "replyd.callback.retry-max-delay: PT10S (expected: at least replyd.callback.retry-base-delay, PT30S)\n");
  }

  @Test
  void zeroConnectionLimitsMeanUnlimitedAndAreAccepted() throws Exception {
    CommandLineRun r = replyd("check-config", "--config", configWith("smtp { max-connections = 0, max-connections-per-ip = 0 }")
        .toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("config OK: ");
  }

  @Test
  void checkConfigPrintsWhatItWouldServeWithoutSecrets() throws Exception {
    CommandLineRun r = replyd("check-config", "--config", config().toString());

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("smtp 0.0.0.0:25 (no TLS)").contains("callback https://tracker.example.com")
        .doesNotContain(ConfigLoaderTest.KEY).doesNotContain(ConfigLoaderTest.SECRET);
  }

  @Test
  void requeueOfAReasonFileIsRefusedAndMovesNothing() throws Exception {
    Path conf = config();
    String name = failedMessage();
    String reasonFile = name + MaildirLayout.REASON_SUFFIX;

    CommandLineRun r = replyd("requeue", "--config", conf.toString(), reasonFile);

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("replyd: " + reasonFile + ": not a message name (expected the name of a message file in"
        + " incoming-mail/failure, <secs>.M<usec>P<pid>Q<n>.<host>, without a suffix such as .reason.json)\n");
    assertThat(dir.resolve("var").resolve(MaildirLayout.FAILURE).resolve(reasonFile)).exists();
    assertThat(dir.resolve("var").resolve(MaildirLayout.FAILURE).resolve(name)).exists();
    assertThat(dir.resolve("var").resolve(MaildirLayout.NEW)).isEmptyDirectory();
  }

  @Test
  void requeueOfAFailedMessageMovesItBackToNewWithoutItsReason() throws Exception {
    Path conf = config();
    String name = failedMessage();

    CommandLineRun r = replyd("requeue", "--config", conf.toString(), name);

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("requeued " + name + "\n");
    assertThat(dir.resolve("var").resolve(MaildirLayout.NEW).resolve(name)).exists();
    assertThat(dir.resolve("var").resolve(MaildirLayout.FAILURE)).isEmptyDirectory();
  }

  @Test
  void supportBundleRedactsMisspelledSecretKeysAndCallbackUrlCredentials() throws Exception {
    Path conf = dir.resolve("typos.conf");
    Files.writeString(conf, "replyd { hostname = tracker.example.com, storage.root = \"" + dir.resolve("var") + "\",\n"
        + " address.keys = [\"" + ConfigLoaderTest.KEY + "\"], address.keyz = [\"misspelled-key-0123456789\"],\n"
        + " callback { url = \"https://hook:userinfo-Pw-4242@tracker.example.com/hooks/replyd?token=query-Tok-4242\",\n"
        + "   secret = \"" + ConfigLoaderTest.SECRET + "\", secrte = \"misspelled-secret-98765\" },\n"
        + " outbound.pasword = \"misspelled-password-555\", metrics.port = 1 }\n");

    String all = CommandLineRun.supportBundle(conf, dir);

    assertThat(all).contains("secrte=\"<redacted>\"", "pasword=\"<redacted>\"",
            "url=\"https://tracker.example.com/hooks/replyd?token=<redacted>\"")
        .doesNotContain("misspelled-key-0123456789").doesNotContain("misspelled-secret-98765")
        .doesNotContain("misspelled-password-555").doesNotContain("userinfo-Pw-4242").doesNotContain("query-Tok-4242")
        .doesNotContain(ConfigLoaderTest.KEY).doesNotContain(ConfigLoaderTest.SECRET);
  }

  /** A message filed in incoming-mail/failure with its reason file, as the processor leaves it. */
  private String failedMessage() throws Exception {
    Maildir maildir = Maildir.open(dir.resolve("var"));
    String name = maildir.deliver(new ByteArrayInputStream("Subject: x\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII)),
        new byte[0]);
    maildir.claim(name).orElseThrow();
    maildir.fail(name, "{\"reason\":\"callback_rejected\"}".getBytes(StandardCharsets.UTF_8));
    return name;
  }

  @Test
  void everyCommandHasHelp() {
    for (String[] cmd : new String[][] {{"--help"}, {"run", "--help"}, {"check-config", "--help"}, {"address", "mint", "--help"},
        {"address", "verify", "--help"}, {"extract", "--help"}, {"requeue", "--help"}, {"example-receiver", "--help"}}) {
      CommandLineRun r = replyd(cmd);
      assertThat(r.exit()).as(String.join(" ", cmd)).isZero();
      assertThat(r.out()).as(String.join(" ", cmd)).startsWith("Usage: replyd");
    }
  }

  @Test
  void unknownCommandIsAUsageError() {
    CommandLineRun r = replyd("frobnicate");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Unmatched argument at index 0: 'frobnicate'");
  }
}
