package dev.replyd.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads {@code replyd.support}: where people get help with replying by mail, named in the SMTP refusals a sender
 * may read in a bounce and in the failure notices.
 *
 * <p>Contract: empty or null means none. Otherwise a {@code mailto:} URI with one plain address
 * ({@code local@domain}) or an {@code https://} URL with a host, at most {@value #MAX_LENGTH} characters of printable
 * ASCII (it goes into SMTP replies, which are ASCII lines: no spaces, no line breaks). A problem is recorded under
 * {@code support} with what was expected.
 *
 * <p>Thread-safety: stateless.
 */
final class SupportContactConfig {

  static final String KEY = "support";
  static final int MAX_LENGTH = 200;

  private static final Pattern PRINTABLE = Pattern.compile("[!-~]+");
  private static final Pattern MAILTO = Pattern.compile("(?i)mailto:[A-Za-z0-9.!#$%&'*+/=^_`{|}~-]+@[A-Za-z0-9.-]+"
      + "\\.[A-Za-z0-9-]+(\\?[!-~]*)?");
  private static final String EXPECTED = "(expected: \"mailto:<address>\" or \"https://<host>/...\", printable ASCII"
      + " without spaces, at most " + MAX_LENGTH + " characters, e.g. \"mailto:support@tracker.example.com\")";

  private SupportContactConfig() {}

  /** The support contact, or null when unset or invalid (then a problem is recorded). */
  static String read(Config c, ConfigProblems.Collector problems) {
    String value;
    try {
      value = !c.hasPath(KEY) ? null : c.getString(KEY).strip();
    } catch (ConfigException e) {
      problems.add(KEY, "is not a string " + EXPECTED);
      return null;
    }
    if (value == null || value.isEmpty()) {
      return null;
    }
    String shown = value.length() > 60 ? value.substring(0, 60) + "..." : value;
    if (value.length() > MAX_LENGTH || !PRINTABLE.matcher(value).matches()) {
      problems.add(KEY, "'" + shown.replaceAll("[^!-~]", "?") + "' is too long or has spaces or non-ASCII characters "
          + EXPECTED);
      return null;
    }
    String lower = value.toLowerCase(Locale.ROOT);
    if (lower.startsWith("mailto:")) {
      if (!MAILTO.matcher(value).matches()) {
        problems.add(KEY, "'" + shown + "' is not a mailto: URI with one address " + EXPECTED);
        return null;
      }
      return value;
    }
    if (lower.startsWith("https://")) {
      try {
        URI uri = new URI(value);
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
          problems.add(KEY, "'" + shown + "' has no host " + EXPECTED);
          return null;
        }
        return value;
      } catch (URISyntaxException e) {
        problems.add(KEY, "'" + shown + "' is not a URL (" + e.getReason() + ") " + EXPECTED);
        return null;
      }
    }
    problems.add(KEY, "'" + shown + "' is neither a mailto: nor an https:// URI " + EXPECTED);
    return null;
  }
}
