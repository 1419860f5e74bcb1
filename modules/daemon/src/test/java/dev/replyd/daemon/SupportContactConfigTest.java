package dev.replyd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replyd.support}: a mailto: or https: contact, checked and named by its key when wrong. */
class SupportContactConfigTest {
  @TempDir Path dir;

  Path file(String support) throws Exception {
    Path f = dir.resolve("replyd.conf");
    Files.writeString(f, "replyd { hostname = tracker.example.com, storage.root = \"" + dir.resolve("var") + "\","
        + " address.keys = [\"" + ConfigLoaderTest.KEY + "\"], support = \"" + support + "\","
        + " callback { url = \"https://tracker.example.com/hooks/replyd\", secret = \"" + ConfigLoaderTest.SECRET + "\" } }");
    return f;
  }

  @Test
  void mailtoAndHttpsContactsAreTakenAsWritten() throws Exception {
    assertThat(ConfigLoader.load(file("mailto:help@tracker.example.com"), Map.of()).support())
        .isEqualTo("mailto:help@tracker.example.com");
    assertThat(ConfigLoader.load(file("https://tracker.example.com/help/email"), Map.of()).support())
        .isEqualTo("https://tracker.example.com/help/email");
    assertThat(ConfigLoader.load(file(""), Map.of()).support()).isNull();
  }

  @Test
  void otherSchemesSpacesAndBadAddressesAreRefusedByKey() {
    String expected = "(expected: \"mailto:<address>\" or \"https://<host>/...\", printable ASCII without spaces,"
        + " at most 200 characters, e.g. \"mailto:support@tracker.example.com\")";
    assertThatThrownBy(() -> ConfigLoader.load(file("http://tracker.example.com/help"), Map.of()))
        .isInstanceOfSatisfying(ConfigProblems.class, e -> assertThat(e.problems()).containsExactly(
            "replyd.support: 'http://tracker.example.com/help' is neither a mailto: nor an https:// URI " + expected));
    assertThatThrownBy(() -> ConfigLoader.load(file("mailto:help desk@tracker.example.com"), Map.of()))
        .isInstanceOfSatisfying(ConfigProblems.class, e -> assertThat(e.problems()).containsExactly(
            "replyd.support: 'mailto:help?desk@tracker.example.com' is too long or has spaces or non-ASCII characters "
                + expected));
    assertThatThrownBy(() -> ConfigLoader.load(file("mailto:nobody"), Map.of()))
        .isInstanceOfSatisfying(ConfigProblems.class, e -> assertThat(e.problems()).containsExactly(
            "replyd.support: 'mailto:nobody' is not a mailto: URI with one address " + expected));
    assertThatThrownBy(() -> ConfigLoader.load(file("https:///help"), Map.of()))
        .isInstanceOfSatisfying(ConfigProblems.class, e -> assertThat(e.problems()).containsExactly(
            "replyd.support: 'https:///help' has no host " + expected));
  }
}
