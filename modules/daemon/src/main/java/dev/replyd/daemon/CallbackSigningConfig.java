package dev.replyd.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.replyd.address.StandardWebhookSignature;
import dev.replyd.address.WebhookSigner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads how callbacks are signed: {@code callback.signature} ({@code replyd} or {@code standard-webhooks}) and
 * the secrets that sign, {@code callback.secret} (or its file or environment variable) followed by the
 * {@code callback.secrets} list (secret rotation: every one signs each request).
 *
 * <p>Contract: at least one secret in all; each is at least {@code minBytes} bytes, counted for
 * {@code standard-webhooks} after decoding a {@code whsec_<base64>} secret (which must decode). Problems are
 * recorded on the loader's collector under the key at fault and never quote a secret.
 *
 * <p>Thread-safety: stateless; each call is confined to one configuration load.
 */
final class CallbackSigningConfig {

  static final String SIGNATURE = "callback.signature";
  static final String SECRETS = "callback.secrets";

  /** The scheme and every secret (as configured, UTF-8 bytes), the single {@code callback.secret} first. */
  record Signing(WebhookSigner.Scheme scheme, List<byte[]> secrets) {}

  private CallbackSigningConfig() {}

  /** True when {@code callback.secrets} lists at least one secret (then {@code callback.secret} may be unset). */
  static boolean hasSecretList(Config c) {
    try {
      return c.hasPath(SECRETS) && !c.getStringList(SECRETS).isEmpty();
    } catch (ConfigException wrongType) {
      return false; // reported by read()
    }
  }

  /**
   * The signing settings, or null (with problems recorded) when they are not usable.
   *
   * @param secret the single {@code callback.secret} as read by the loader, or null when unset or invalid
   */
  static Signing read(Config c, ConfigProblems.Collector problems, byte[] secret, int minBytes) {
    WebhookSigner.Scheme scheme = null;
    try {
      scheme = WebhookSigner.Scheme.parse(c.getString(SIGNATURE));
    } catch (ConfigException e) {
      problems.add(SIGNATURE, "is not a string (expected: replyd or standard-webhooks)");
    } catch (IllegalArgumentException e) {
      problems.add(SIGNATURE, e.getMessage());
    }
    List<byte[]> secrets = new ArrayList<>();
    if (secret != null) {
      secrets.add(secret);
    }
    List<String> more = List.of();
    try {
      more = c.getIsNull(SECRETS) ? List.of() : c.getStringList(SECRETS);
    } catch (ConfigException e) {
      problems.add(SECRETS, "the value is not valid (expected: a list of secrets, e.g. [${?NEW_SECRET}, ${?OLD_SECRET}])");
      return null;
    }
    boolean usable = true;
    for (int i = 0; i < more.size(); i++) {
      byte[] bytes = more.get(i).getBytes(StandardCharsets.UTF_8);
      boolean decodedLater = scheme == WebhookSigner.Scheme.STANDARD_WEBHOOKS
          && more.get(i).startsWith(StandardWebhookSignature.SECRET_PREFIX);
      if (bytes.length < minBytes && !decodedLater) {
        problems.add(SECRETS, "secret #" + (i + 1) + " is " + bytes.length + " bytes (expected: at least " + minBytes
            + " bytes; generate one with: openssl rand -hex 32)");
        usable = false;
      }
      secrets.add(bytes);
    }
    if (scheme == WebhookSigner.Scheme.STANDARD_WEBHOOKS) {
      for (int i = 0; i < secrets.size(); i++) {
        String key = secret != null && i == 0 ? "callback.secret" : SECRETS;
        String which = key.equals(SECRETS) ? "secret #" + (i + (secret != null ? 0 : 1)) + ": " : "";
        try {
          int decoded = StandardWebhookSignature.key(new String(secrets.get(i), StandardCharsets.UTF_8)).length;
          if (decoded < minBytes) {
            problems.add(key, which + "the whsec_ key is " + decoded + " bytes once decoded (expected: at least "
                + minBytes + " bytes)");
            usable = false;
          }
        } catch (IllegalArgumentException e) {
          problems.add(key, which + e.getMessage());
          usable = false;
        }
      }
    }
    return scheme == null || secrets.isEmpty() || !usable ? null : new Signing(scheme, List.copyOf(secrets));
  }
}
