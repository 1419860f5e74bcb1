package dev.replyd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Drives the {@code replyd} command line in-process, as an operator types it. */
class CommandLineTest {
  @TempDir Path dir;

  record Result(int exit, String out, String err) {}

  Result replyd(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

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

    Result mint = replyd("address", "mint", "--config", conf.toString(), "--kind", "i", "--thread", "1", "--user", "5");
    Result verify = replyd("address", "verify", "--config", conf.toString(), mint.out().strip());

    assertThat(mint.exit()).isZero();
    assertThat(mint.out().strip()).matches("reply\\+i-1-[0-9a-f]{40}-5@reply\\.tracker\\.example\\.com");
    assertThat(verify.exit()).isZero();
    assertThat(verify.out()).isEqualTo("valid: kind=i thread=1 user=5\n");
  }

  @Test
  void mintedUnsubscribeAddressVerifiesBackToItsIdsAsAnUnsubscribe() throws Exception {
    Path conf = config();

    Result mint = replyd("address", "mint", "--config", conf.toString(), "--unsubscribe", "--kind", "i", "--thread", "1",
        "--user", "5");
    Result verify = replyd("address", "verify", "--config", conf.toString(), mint.out().strip());
    Result swapped = replyd("address", "verify", "--config", conf.toString(),
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

    Result verify = replyd("address", "verify", "--config", conf.toString(), minted.replace("-5@", "-6@"));
    Result foreign = replyd("address", "verify", "--config", conf.toString(), "someone@example.org");

    assertThat(verify.exit()).isEqualTo(1);
    assertThat(verify.out()).startsWith("invalid: bad_signature: ");
    assertThat(foreign.exit()).isEqualTo(1);
    assertThat(foreign.out()).startsWith("invalid: wrong_domain: ");
  }

  @Test
  void mintRefusesAnUnconfiguredKind() throws Exception {
    Result r = replyd("address", "mint", "--config", config().toString(), "--kind", "x", "--thread", "1", "--user", "5");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("replyd: unknown kind 'x' (expected one of: c, d, i, p)\n");
  }

  @Test
  void checkConfigListsEveryProblemAndExitsOne() throws Exception {
    Path bad = dir.resolve("bad.conf");
    Files.writeString(bad, "replyd { hostname = \"\", smtp.port = -1, callback.url = nope }");

    Result r = replyd("check-config", "--config", bad.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("config " + bad + " has 5 problem(s):\n")
        .contains("  replyd.hostname: is not set")
        .contains("  replyd.smtp.port: -1 is not a TCP port")
        .contains("  replyd.callback.url: 'nope' is not an http(s) URL with a host")
        .contains("  replyd.address.keys: no key configured")
        .contains("  replyd.callback.secret: is not set");
  }

  @Test
  void checkConfigPrintsWhatItWouldServeWithoutSecrets() throws Exception {
    Result r = replyd("check-config", "--config", config().toString());

    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("smtp 0.0.0.0:25 (no TLS)").contains("callback https://tracker.example.com")
        .doesNotContain(ConfigLoaderTest.KEY).doesNotContain(ConfigLoaderTest.SECRET);
  }

  @Test
  void everyCommandHasHelp() {
    for (String[] cmd : new String[][] {{"--help"}, {"run", "--help"}, {"check-config", "--help"}, {"address", "mint", "--help"},
        {"address", "verify", "--help"}, {"extract", "--help"}, {"requeue", "--help"}, {"example-receiver", "--help"}}) {
      Result r = replyd(cmd);
      assertThat(r.exit()).as(String.join(" ", cmd)).isZero();
      assertThat(r.out()).as(String.join(" ", cmd)).startsWith("Usage: replyd");
    }
  }

  @Test
  void unknownCommandIsAUsageError() {
    Result r = replyd("frobnicate");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Unmatched argument at index 0: 'frobnicate'");
  }
}
