package dev.replyd.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValueType;
import dev.replyd.address.AddressPurpose;
import dev.replyd.outbound.NoticeSettings;
import dev.replyd.outbound.SmtpSubmission;
import jakarta.mail.internet.AddressException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Loads and validates replyd's configuration (contract 4).
 *
 * <p>Layers, highest first: environment overrides for secrets ({@code REPLYD_ADDRESS_KEYS},
 * {@code REPLYD_CALLBACK_SECRET}), the operator file, then {@code reference.conf}. Secrets may also
 * come from files ({@code address.keys-file}, {@code callback.secret-file}) so systemd credentials
 * work.
 *
 * <p>Failures: every problem is collected and thrown at once as {@link ConfigProblems}; each names
 * the key path, what was found and what is expected. Unknown keys in the operator file are errors
 * (a typo must not silently fall back to a default). Secret values are never quoted.
 *
 * <p>Thread-safety: stateless; each call works on its own objects.
 */
final class ConfigLoader {
  static final Path DEFAULT_FILE = Path.of("/etc/replyd/replyd.conf");
  static final String ENV_ADDRESS_KEYS = "REPLYD_ADDRESS_KEYS";
  static final String ENV_CALLBACK_SECRET = "REPLYD_CALLBACK_SECRET";
  static final String ENV_OUTBOUND_PASSWORD = "REPLYD_OUTBOUND_PASSWORD";

  private static final int MIN_KEY_BYTES = 32;
  private static final int MIN_SECRET_BYTES = 16;
  private static final Pattern KIND = Pattern.compile("[a-z]+");
  private static final Pattern HOSTNAME =
      Pattern.compile("(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]{1,32}");

  private ConfigLoader() {}

  /** Loads {@code file} (or the default path) with the process environment's overrides. */
  static ReplydConfig load(Path file, Map<String, String> env) throws ConfigProblems {
    Path source = file != null ? file : DEFAULT_FILE;
    Config reference = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "reference.conf");
    Config operator;
    if (!Files.isRegularFile(source)) {
      throw new ConfigProblems(List.of("config file " + source + " does not exist or is not a regular file"
          + " (pass --config FILE; config/replyd.conf is a commented sample)"));
    }
    if (!Files.isReadable(source)) {
      throw new ConfigProblems(List.of("config file " + source + " is not readable by this user"));
    }
    try {
      operator = ConfigFactory.parseFile(source.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new ConfigProblems(List.of("config file " + source + ": " + e.getMessage()));
    }
    ConfigProblems.Collector problems = new ConfigProblems.Collector();
    reportUnknownKeys(operator, reference, problems);

    Config merged;
    try {
      // The environment is the lowest layer so that ${?CREDENTIALS_DIRECTORY} and friends resolve
      // from the map given (the process environment in production, a fixed map in tests).
      merged = envOverrides(env).withFallback(operator).withFallback(reference).withFallback(envAsConfig(env))
          .resolve(ConfigResolveOptions.noSystem());
    } catch (ConfigException e) {
      problems.add("(resolve)", e.getMessage());
      problems.throwIfAny();
      throw new IllegalStateException("unreachable");
    }
    Reader r = new Reader(merged.getConfig("replyd"), problems);
    ReplydConfig config = r.read(source);
    problems.throwIfAny();
    return config;
  }

  private static Config envOverrides(Map<String, String> env) {
    Map<String, Object> values = new HashMap<>();
    String keys = env.get(ENV_ADDRESS_KEYS);
    if (keys != null && !keys.isBlank()) {
      values.put("replyd.address.keys", List.of(keys.trim().split("[,\\s]+")));
    }
    String secret = env.get(ENV_CALLBACK_SECRET);
    if (secret != null && !secret.isEmpty()) {
      values.put("replyd.callback.secret", secret);
    }
    String password = env.get(ENV_OUTBOUND_PASSWORD);
    if (password != null && !password.isEmpty()) {
      values.put("replyd.outbound.password", password);
    }
    return ConfigFactory.parseMap(values, "environment");
  }

  private static Config envAsConfig(Map<String, String> env) {
    return ConfigFactory.parseMap(env, "environment");
  }

  private static void reportUnknownKeys(Config operator, Config reference, ConfigProblems.Collector problems) {
    Set<String> unknown = new TreeSet<>();
    for (var entry : operator.entrySet()) {
      String path = entry.getKey();
      if (!path.startsWith("replyd.")) {
        unknown.add(path);
      } else if (!reference.hasPathOrNull(path) && !isInsideList(reference, path)) {
        unknown.add(path);
      }
    }
    for (String path : unknown) {
      String key = path.startsWith("replyd.") ? path.substring("replyd.".length()) : path;
      if (path.startsWith("replyd.")) {
        problems.add(key, "unknown key (expected one of the keys in reference.conf; check the spelling)");
      } else {
        problems.addTopLevel(path + ": unknown key outside the replyd { } block");
      }
    }
  }

  private static boolean isInsideList(Config reference, String path) {
    int dot = path.lastIndexOf('.');
    return dot > 0 && reference.hasPathOrNull(path.substring(0, dot))
        && !reference.getIsNull(path.substring(0, dot))
        && reference.getValue(path.substring(0, dot)).valueType() == ConfigValueType.LIST;
  }

  /** Reads typed values, recording a problem instead of throwing. Confined to one load. */
  private static final class Reader {
    private final Config c;
    private final ConfigProblems.Collector problems;

    Reader(Config c, ConfigProblems.Collector problems) {
      this.c = c;
      this.problems = problems;
    }

    ReplydConfig read(Path source) {
      String hostname = string("hostname");
      if (hostname != null) {
        if (hostname.isBlank()) {
          problems.add("hostname", "is not set (expected: the appliance's host name, e.g. tracker.example.com)");
        } else if (!HOSTNAME.matcher(hostname).matches()) {
          problems.add("hostname", "'" + hostname + "' is not a host name (expected: letters, digits, '-' and '.')");
        }
      }
      String host = hostname == null ? "" : hostname.toLowerCase(Locale.ROOT);
      String replyDomain = orDefault(string("reply-domain"), "reply." + host).toLowerCase(Locale.ROOT);
      if (!host.isBlank() && !HOSTNAME.matcher(replyDomain).matches()) {
        problems.add("reply-domain", "'" + replyDomain + "' is not a domain name");
      }

      String prefix = string("address.prefix");
      if (prefix != null && !PREFIX.matcher(prefix).matches()) {
        problems.add("address.prefix", "'" + prefix + "' is not a valid local-part prefix (expected: 1-32 letters, digits, '.', '_' or '-')");
      } else if (prefix != null && prefix.equalsIgnoreCase(AddressPurpose.UNSUBSCRIBE_PREFIX)) {
        problems.add("address.prefix", "'" + prefix + "' is the prefix of unsubscribe addresses (expected: another prefix, e.g. reply)");
      }
      List<String> kinds = stringList("address.kinds");
      if (kinds != null) {
        if (kinds.isEmpty()) {
          problems.add("address.kinds", "is empty (expected: at least one kind, e.g. [i, p, c, d])");
        }
        for (String kind : kinds) {
          if (!KIND.matcher(kind).matches()) {
            problems.add("address.kinds", "'" + kind + "' is not a kind (expected: lowercase letters only)");
          }
        }
      }
      List<byte[]> keys = addressKeys();

      String noreply = orDefault(string("noreply.address"), "noreply@" + host).toLowerCase(Locale.ROOT);
      if (!host.isBlank() && !noreply.matches("[^@\\s]+@[^@\\s]+")) {
        problems.add("noreply.address", "'" + noreply + "' is not an email address");
      }
      Boolean discard = bool("noreply.discard");

      ReplydConfig.Smtp smtp = new ReplydConfig.Smtp(
          string("smtp.bind"),
          port("smtp.port"),
          positiveBytes("smtp.max-message-size"),
          positiveInt("smtp.max-recipients"),
          positiveInt("smtp.max-connections"),
          positiveInt("smtp.max-connections-per-ip"),
          positiveDuration("smtp.idle-timeout"),
          positiveDuration("smtp.session-timeout"),
          positiveInt("smtp.max-errors"),
          nonNegativeInt("smtp.io-threads"),
          nonNegativeDuration("smtp.in-flow-delay"),
          positiveInt("smtp.in-flow-backlog"),
          readableFile("smtp.tls.cert"),
          readableFile("smtp.tls.key"));
      if (smtp.maxMessageSize() > Integer.MAX_VALUE) {
        // James Protocols counts message bytes in an int.
        problems.add("smtp.max-message-size", smtp.maxMessageSize() + " bytes is too large (expected: at most 2047MiB)");
      }
      if ((smtp.tlsCert() == null) != (smtp.tlsKey() == null) && c.hasPathOrNull("smtp.tls.cert")) {
        problems.add("smtp.tls", "only one of cert and key is set (expected: both, to offer STARTTLS, or neither)");
      }

      Path root = path("storage.root");
      ReplydConfig.Storage storage = new ReplydConfig.Storage(root, nonNegativeBytes("storage.min-free"),
          positiveDuration("storage.retention"));

      Integer threads = positiveInt("processor.threads");
      if (threads != null && threads > 256) {
        problems.add("processor.threads", threads + " is too many (expected: 1 to 256)");
      }
      Boolean enabled = bool("processor.enabled");
      ReplydConfig.Processor processor = new ReplydConfig.Processor(enabled == null || enabled, orZero(threads),
          positiveBytes("processor.max-message-size"), stringList("processor.markers"), senderChecks());

      byte[] secret = callbackSecret();
      CallbackSigningConfig.Signing signing = CallbackSigningConfig.read(c, problems, secret, MIN_SECRET_BYTES);
      ReplydConfig.Callback callback = new ReplydConfig.Callback(callbackUrl(),
          signing == null ? secret : signing.secrets().get(0),
          positiveDuration("callback.timeout"), positiveDuration("callback.max-age"),
          positiveDuration("callback.retry-base-delay"), positiveDuration("callback.retry-max-delay"),
          nonNegativeBytes("callback.max-attachment-bytes"), signing);

      ReplydConfig.Metrics metrics = new ReplydConfig.Metrics(string("metrics.bind"), port("metrics.port"));
      ReplydConfig.Outbound outbound = outbound(host, noreply);
      Duration grace = positiveDuration("shutdown.grace");

      return new ReplydConfig(source, host,
          new ReplydConfig.Address(prefix, replyDomain, kinds == null ? List.of() : List.copyOf(kinds), keys),
          new ReplydConfig.Noreply(noreply, discard != null && discard),
          smtp, storage, processor, callback, metrics, outbound, notices(outbound), diagnostics(), grace,
          SupportContactConfig.read(c, problems));
    }

    private List<byte[]> addressKeys() {
      List<String> inline = stringList("address.keys");
      List<String> all = new ArrayList<>(inline == null ? List.of() : inline);
      Path keysFile = readableFile("address.keys-file");
      if (keysFile != null) {
        try {
          for (String line : Files.readAllLines(keysFile, StandardCharsets.UTF_8)) {
            String key = line.strip();
            if (!key.isEmpty() && !key.startsWith("#")) {
              all.add(key);
            }
          }
        } catch (IOException e) {
          problems.add("address.keys-file", keysFile + " could not be read: " + e.getMessage());
        }
      }
      if (all.isEmpty()) {
        problems.add("address.keys", "no key configured (expected: at least one key of " + MIN_KEY_BYTES
            + "+ bytes in address.keys, address.keys-file or " + ENV_ADDRESS_KEYS
            + "; generate one with: openssl rand -hex 32)");
        return List.of();
      }
      List<byte[]> keys = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        byte[] key = all.get(i).getBytes(StandardCharsets.UTF_8);
        if (key.length < MIN_KEY_BYTES) {
          problems.add("address.keys", "key #" + (i + 1) + " is " + key.length + " bytes (expected: at least "
              + MIN_KEY_BYTES + " bytes; generate one with: openssl rand -hex 32)");
        }
        keys.add(key);
      }
      return List.copyOf(keys);
    }

    private ReplydConfig.Outbound outbound(String host, String noreply) {
      String security = oneOf("outbound.security", List.of("none", "starttls", "tls"));
      String auth = oneOf("outbound.auth", List.of("none", "plain", "login"));
      String username = string("outbound.username");
      byte[] password = null;
      String inline = c.getIsNull("outbound.password") ? null : string("outbound.password");
      Path passwordFile = readableFile("outbound.password-file");
      if (inline != null) {
        password = inline.getBytes(StandardCharsets.UTF_8);
      } else if (passwordFile != null) {
        try {
          password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
          problems.add("outbound.password-file", passwordFile + " could not be read: " + e.getMessage());
        }
      }
      if (auth != null && !auth.equals("none") && (username == null || username.isBlank() || password == null)) {
        problems.add("outbound.auth", auth + " needs outbound.username and a password (outbound.password,"
            + " outbound.password-file or " + ENV_OUTBOUND_PASSWORD + ")");
      }
      return new ReplydConfig.Outbound(string("outbound.host"), port("outbound.port"),
          orDefault(string("outbound.helo-domain"), host), security, auth, username, password,
          orDefault(string("outbound.from"), noreply));
    }

    private ReplydConfig.Notices notices(ReplydConfig.Outbound outbound) {
      Boolean enabled = bool("notices.enabled");
      List<String> reasons = stringList("notices.reasons");
      String expected = "expected: some of " + String.join(", ", NoticeSettings.NOTIFIABLE_REASONS);
      for (String reason : reasons == null ? List.<String>of() : reasons) {
        if (NoticeSettings.NEVER_REASONS.contains(reason)) {
          problems.add("notices.reasons", "'" + reason + "' never gets a notice: its sender is automatic or"
              + " unverified, so a notice would be backscatter or a mail loop (" + expected + ")");
        } else if (!NoticeSettings.NOTIFIABLE_REASONS.contains(reason)) {
          problems.add("notices.reasons", "'" + reason + "' is not a failure reason (" + expected + ")");
        }
      }
      Duration interval = positiveDuration("notices.per-sender-interval");
      Integer maxPerHour = positiveInt("notices.max-per-hour");
      boolean on = enabled != null && enabled;
      if (on) {
        if (reasons != null && reasons.isEmpty()) {
          problems.add("notices.reasons", "is empty while notices.enabled = true (" + expected
              + "; or set notices.enabled = false)");
        }
        String host = outbound.host();
        if (host == null || host.isBlank() || !HOSTNAME.matcher(host).matches() && !host.matches("[0-9a-fA-F:.\\[\\]]+")) {
          problems.add("notices.enabled", "true needs a relay, but outbound.host is '" + (host == null ? "" : host)
              + "' (expected: the relay's host name or IP address; or set notices.enabled = false)");
        }
        if (outbound.port() < 1) {
          problems.add("notices.enabled", "true needs a relay, but outbound.port is " + outbound.port()
              + " (expected: 1 to 65535, e.g. 25 or 587)");
        }
        if (!isSendable(outbound.from())) {
          problems.add("notices.enabled", "true needs a sender, but outbound.from is '" + outbound.from()
              + "' (expected: an address such as noreply@tracker.example.com)");
        }
      }
      return new ReplydConfig.Notices(on, reasons == null ? List.of() : List.copyOf(reasons), interval,
          orZero(maxPerHour));
    }

    /** The notices' sender as the SMTP client will parse it when it sends. */
    private static boolean isSendable(String from) {
      try {
        return from != null && SmtpSubmission.address(from, "outbound.from") != null;
      } catch (AddressException e) {
        return false;
      }
    }

    private ReplydConfig.SenderChecks senderChecks() {
      Boolean enabled = bool("processor.sender-checks.enabled");
      return new ReplydConfig.SenderChecks(enabled == null || enabled,
          oneOf("processor.sender-checks.require-dmarc", List.of("off", "quarantine", "reject")),
          dnsServers("processor.sender-checks.dns-servers"), positiveDuration("processor.sender-checks.timeout"));
    }

    private ReplydConfig.Diagnostics diagnostics() {
      return new ReplydConfig.Diagnostics(dnsServers("diagnostics.dns-servers"), positiveDuration("diagnostics.timeout"));
    }

    private List<java.net.InetSocketAddress> dnsServers(String key) {
      List<java.net.InetSocketAddress> servers = new ArrayList<>();
      List<String> listed = stringList(key);
      for (String s : listed == null ? List.<String>of() : listed) {
        int colon = s.lastIndexOf(':');
        try {
          String hostPart = colon > 0 ? s.substring(0, colon) : s;
          int portPart = colon > 0 ? Integer.parseInt(s.substring(colon + 1)) : 53;
          servers.add(new java.net.InetSocketAddress(hostPart, portPart));
        } catch (NumberFormatException e) {
          problems.add(key, "'" + s + "' is not host:port (expected e.g. 127.0.0.1:53)");
        }
      }
      return List.copyOf(servers);
    }

    private String oneOf(String key, List<String> allowed) {
      String v = string(key);
      if (v != null && !allowed.contains(v.toLowerCase(Locale.ROOT))) {
        problems.add(key, "'" + v + "' is not one of " + String.join(", ", allowed));
        return null;
      }
      return v == null ? null : v.toLowerCase(Locale.ROOT);
    }

    private URI callbackUrl() {
      String url = string("callback.url");
      if (url == null) {
        return null;
      }
      if (url.isBlank()) {
        problems.add("callback.url", "is not set (expected: the main app's webhook URL, e.g. https://tracker.example.com/hooks/replyd)");
        return null;
      }
      try {
        URI uri = new URI(url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
          problems.add("callback.url", "'" + url + "' is not an http(s) URL with a host");
          return null;
        }
        return uri;
      } catch (URISyntaxException e) {
        problems.add("callback.url", "'" + url + "' is not a URL (" + e.getReason() + ")");
        return null;
      }
    }

    private byte[] callbackSecret() {
      String secret = c.getIsNull("callback.secret") ? null : string("callback.secret");
      Path secretFile = readableFile("callback.secret-file");
      if (secret == null && secretFile != null) {
        try {
          secret = Files.readString(secretFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
          problems.add("callback.secret-file", secretFile + " could not be read: " + e.getMessage());
          return null;
        }
      }
      if ((secret == null || secret.isEmpty()) && CallbackSigningConfig.hasSecretList(c)) {
        return null;
      }
      if (secret == null || secret.isEmpty()) {
        problems.add("callback.secret", "is not set (expected: a secret of " + MIN_SECRET_BYTES
            + "+ bytes in callback.secret, callback.secret-file or " + ENV_CALLBACK_SECRET
            + "; generate one with: openssl rand -hex 32)");
        return null;
      }
      byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
      if (bytes.length < MIN_SECRET_BYTES) {
        problems.add("callback.secret", "is " + bytes.length + " bytes (expected: at least " + MIN_SECRET_BYTES + " bytes)");
      }
      return bytes;
    }

    private <T> T get(String key, String expected, Supplier<T> getter) {
      try {
        if (c.getIsNull(key)) {
          return null;
        }
        return getter.get();
      } catch (ConfigException.Missing e) {
        problems.add(key, "is missing (expected: " + expected + ")");
      } catch (ConfigException.WrongType | ConfigException.BadValue e) {
        problems.add(key, describe(key) + " is not valid (expected: " + expected + ")");
      }
      return null;
    }

    private String describe(String key) {
      if (key.contains("secret") || key.endsWith("keys") || key.contains("password")) {
        return "the value";
      }
      try {
        return "'" + c.getValue(key).unwrapped() + "'";
      } catch (ConfigException e) {
        return "the value";
      }
    }

    private String string(String key) {
      return get(key, "a string", () -> c.getString(key));
    }

    private List<String> stringList(String key) {
      return get(key, "a list of strings, e.g. [a, b]", () -> c.getStringList(key));
    }

    private Boolean bool(String key) {
      return get(key, "true or false", () -> c.getBoolean(key));
    }

    private Integer positiveInt(String key) {
      Integer v = get(key, "a whole number", () -> c.getInt(key));
      if (v != null && v <= 0) {
        problems.add(key, v + " (expected: > 0)");
      }
      return v;
    }

    private int nonNegativeInt(String key) {
      Integer v = get(key, "a whole number", () -> c.getInt(key));
      if (v != null && v < 0) {
        problems.add(key, v + " (expected: >= 0)");
      }
      return orZero(v);
    }

    private int port(String key) {
      Integer v = get(key, "a whole number", () -> c.getInt(key));
      if (v != null && (v < 0 || v > 65535)) {
        problems.add(key, v + " is not a TCP port (expected: 0 to 65535; 0 picks a free port)");
      }
      return orZero(v);
    }

    private long positiveBytes(String key) {
      Long v = get(key, "a size such as 25MiB or 512KiB", () -> c.getMemorySize(key).toBytes());
      if (v != null && v <= 0) {
        problems.add(key, v + " (expected: a size > 0, e.g. 25MiB)");
      }
      return v == null ? 0 : v;
    }

    private long nonNegativeBytes(String key) {
      Long v = get(key, "a size such as 25MiB or 512KiB", () -> c.getMemorySize(key).toBytes());
      return v == null ? 0 : v;
    }

    private Duration positiveDuration(String key) {
      Duration v = get(key, "a duration such as 30s, 5m or 2d", () -> c.getDuration(key));
      if (v != null && (v.isNegative() || v.isZero())) {
        problems.add(key, v + " (expected: a duration > 0, e.g. 30s, 5m, 2d)");
      }
      return v;
    }

    private Duration nonNegativeDuration(String key) {
      Duration v = get(key, "a duration such as 1s or 500ms (0s = off)", () -> c.getDuration(key));
      if (v != null && v.isNegative()) {
        problems.add(key, v + " (expected: a duration >= 0, e.g. 1s; 0s turns it off)");
      }
      return v == null ? Duration.ZERO : v;
    }

    private Path path(String key) {
      String v = string(key);
      if (v == null) {
        return null;
      }
      if (v.isBlank()) {
        problems.add(key, "is empty (expected: a directory path)");
        return null;
      }
      return Path.of(v);
    }

    private Path readableFile(String key) {
      Path p = path(key);
      if (p != null && !Files.isReadable(p)) {
        problems.add(key, p + " is not a readable file (expected: a file readable by the user replyd runs as)");
      }
      return p;
    }

    private static String orDefault(String value, String fallback) {
      return value == null || value.isBlank() ? fallback : value;
    }

    private static int orZero(Integer v) {
      return v == null ? 0 : v;
    }
  }
}
