package dev.replyd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code console.*} keys: off by default, and every way to get them wrong named by key. */
class ConsoleConfigTest {
  @TempDir Path dir;

  private Path file(String console) throws Exception {
    Path f = dir.resolve("replyd.conf");
    Files.writeString(f, "replyd { hostname = \"tracker.example.com\", address.keys = [\"" + ConfigLoaderTest.KEY + "\"],"
        + " storage.root = \"" + dir.resolve("var") + "\","
        + " callback { url = \"https://tracker.example.com/hooks/replyd\", secret = \"" + ConfigLoaderTest.SECRET + "\" }"
        + console + " }");
    return f;
  }

  @Test
  void consoleIsOffByDefault() throws Exception {
    ReplydConfig c = ConfigLoader.load(file(""), Map.of());

    assertThat(c.console().enabled()).isFalse();
    assertThat(c.console().token()).isNull();
    assertThat(c.console().allowLoopbackWithoutLogin()).isFalse();
  }

  @Test
  void enabledConsoleNeedsATokenFileOrLoopbackWithoutLogin() throws Exception {
    Path f = file(", console.enabled = true");

    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .isInstanceOfSatisfying(ConfigProblems.class, e -> assertThat(e.problems()).containsExactly(
            "replyd.console.token-file: is not set, and console.enabled = true needs it (expected: a file holding the"
                + " console token, e.g. ${?CREDENTIALS_DIRECTORY}\"/console-token\"; or"
                + " console.allow-loopback-without-login = true with metrics.bind on loopback)"));
    assertThat(ConfigLoader.load(file(", console { enabled = true, allow-loopback-without-login = true }"), Map.of())
        .console().allowLoopbackWithoutLogin()).isTrue();
  }

  @Test
  void loopbackWithoutLoginIsRefusedOnAPublicListenerAndShortTokensAreRefused() throws Exception {
    Path token = dir.resolve("console-token");
    Files.writeString(token, "short\n");
    Path f = file(", metrics.bind = \"0.0.0.0\", console { enabled = true, allow-loopback-without-login = true,"
        + " token-file = \"" + token + "\" }");

    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .isInstanceOfSatisfying(ConfigProblems.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
            "replyd.console.allow-loopback-without-login: true needs metrics.bind on loopback, but it is 0.0.0.0"
                + " (expected: metrics.bind = 127.0.0.1, or a console.token-file instead)",
            "replyd.console.token-file: " + token + " holds 5 bytes (expected: at least 16 bytes; generate one with:"
                + " openssl rand -hex 32)"));
  }

  @Test
  void tokenFileComesFromTheCredentialsDirectoryAndIsNeverPrinted() throws Exception {
    Path creds = Files.createDirectories(dir.resolve("creds"));
    Files.writeString(creds.resolve("console-token"), "0123456789abcdef0123456789abcdef\n");
    Path f = file(", console { enabled = true, token-file = ${?CREDENTIALS_DIRECTORY}\"/console-token\" }");

    ReplydConfig c = ConfigLoader.load(f, Map.of("CREDENTIALS_DIRECTORY", creds.toString()));

    assertThat(new String(c.console().token(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(c.toString()).doesNotContain("0123456789abcdef0123456789abcdef").contains("token=<redacted>");
    assertThat(ConsoleWiring.settings(c, new java.net.InetSocketAddress("127.0.0.1", 25),
        new java.net.InetSocketAddress("127.0.0.1", 9465)).toString())
        .doesNotContain("0123456789abcdef0123456789abcdef", ConfigLoaderTest.SECRET, ConfigLoaderTest.KEY);
  }
}
