package dev.replyd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replyd.address.WebhookSigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code callback.signature} and {@code callback.secrets}: read, checked, and every problem named by its key. */
class CallbackSigningConfigTest {
  @TempDir Path dir;

  Path file(String callback) throws Exception {
    Path f = dir.resolve("replyd.conf");
    Files.writeString(f, "replyd { hostname = tracker.example.com, storage.root = \"" + dir.resolve("var") + "\","
        + " address.keys = [\"" + ConfigLoaderTest.KEY + "\"],"
        + " callback { url = \"https://tracker.example.com/hooks/replyd\", " + callback + " } }");
    return f;
  }

  @Test
  void defaultSchemeIsReplydWithTheOneSecret() throws Exception {
    ReplydConfig c = ConfigLoader.load(file("secret = \"" + ConfigLoaderTest.SECRET + "\""), Map.of());

    assertThat(c.callback().signing().scheme()).isEqualTo(WebhookSigner.Scheme.REPLYD);
    assertThat(c.callback().signing().secrets()).hasSize(1);
    assertThat(c.modules().callbackSigner().headers("d", 1, new byte[0])).containsKey("Replyd-Signature");
  }

  @Test
  void secretsListAloneSignsWithEveryEntryTheFirstServingThePing() throws Exception {
    ReplydConfig c = ConfigLoader.load(file("signature = standard-webhooks,"
        + " secrets = [\"new-secret-0123456789abcdef\", \"whsec_b2xkLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm\"]"), Map.of());

    assertThat(c.callback().signing().scheme()).isEqualTo(WebhookSigner.Scheme.STANDARD_WEBHOOKS);
    assertThat(c.callback().signing().secrets()).hasSize(2);
    assertThat(new String(c.callback().secret(), StandardCharsets.UTF_8)).isEqualTo("new-secret-0123456789abcdef");
    assertThat(c.modules().callbackSigner().headers("d", 1, new byte[0]).get("webhook-signature")).contains(" v1,");
  }

  @Test
  void secretFromTheEnvironmentSignsFirstAndTheListAfterIt() throws Exception {
    ReplydConfig c = ConfigLoader.load(file("secrets = [\"old-secret-0123456789abcdef\"]"),
        Map.of(ConfigLoader.ENV_CALLBACK_SECRET, "env-secret-0123456789"));

    assertThat(c.callback().signing().secrets()).extracting(b -> new String(b, StandardCharsets.UTF_8))
        .containsExactly("env-secret-0123456789", "old-secret-0123456789abcdef");
  }

  @Test
  void badSchemeShortListedSecretAndUndecodableWhsecAreEachNamedByKey() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(file("signature = svix, secret = \"" + ConfigLoaderTest.SECRET + "\","
        + " secrets = [\"short\"]"), Map.of()))
        .isInstanceOfSatisfying(ConfigProblems.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
            "replyd.callback.signature: 'svix' is not a signature scheme (expected: replyd or standard-webhooks)",
            "replyd.callback.secrets: secret #1 is 5 bytes (expected: at least 16 bytes; generate one with: openssl rand -hex 32)"));
    assertThatThrownBy(() -> ConfigLoader.load(file("signature = standard-webhooks,"
        + " secret = \"whsec_not-base64!!0123456789\", secrets = [\"whsec_c2hvcnQ=\"]"), Map.of()))
        .isInstanceOfSatisfying(ConfigProblems.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
            "replyd.callback.secret: webhook secret starts with whsec_ but the rest is not base64 (expected:"
                + " whsec_<base64 of the key bytes>, e.g. from: printf 'whsec_%s' \"$(openssl rand -base64 32)\")",
            "replyd.callback.secrets: secret #1: the whsec_ key is 5 bytes once decoded (expected: at least 16 bytes)"));
  }

  @Test
  void aShortSecretInTheListAloneIsReportedOnceOnCallbackSecrets() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(file("secrets = [\"short\"]"), Map.of()))
        .isInstanceOfSatisfying(ConfigProblems.class, e -> assertThat(e.problems()).containsExactly(
            "replyd.callback.secrets: secret #1 is 5 bytes (expected: at least 16 bytes; generate one with: openssl rand -hex 32)"));
  }

  @Test
  void noSecretAtAllIsStillReportedOnCallbackSecret() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(file("secrets = []"), Map.of()))
        .isInstanceOfSatisfying(ConfigProblems.class, e -> assertThat(e.problems()).anySatisfy(
            p -> assertThat(p).startsWith("replyd.callback.secret: is not set")));
  }

  @Test
  void unsubscribePrefixCannotBeTheReplyPrefix() throws Exception {
    Path f = dir.resolve("prefix.conf");
    Files.writeString(f, "replyd { hostname = tracker.example.com, storage.root = x, address { prefix = unsub, keys = [\""
        + ConfigLoaderTest.KEY + "\"] }, callback { url = \"https://h.example/\", secret = \"" + ConfigLoaderTest.SECRET
        + "\" } }");

    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of()))
        .isInstanceOfSatisfying(ConfigProblems.class, e -> assertThat(e.problems()).containsExactly(
            "replyd.address: address prefix 'unsub' is the prefix of unsubscribe addresses (expected: another prefix, e.g. reply)"));
  }
}
