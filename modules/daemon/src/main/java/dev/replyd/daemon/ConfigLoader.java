package dev.replyd.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValueType;
import dev.replyd.address.HostNames;
import dev.replyd.address.ReplyAddressCodec;
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

/**
 * Loads and validates replyd's configuration (contract 4).
 *
 * <p>Layers, highest first: environment overrides for secrets ({@code REPLYD_ADDRESS_KEYS},
 * {@code REPLYD_CALLBACK_SECRET}), the operator file, then {@code reference.conf}. Secrets may also
 * come from files ({@code address.keys-file}, {@code callback.secret-file}) so systemd credentials
 * work.
 *
 * <p>Two steps, both on every load ({@code run}, {@code check-config}, SIGHUP): bind every key to
 * its type (and check what only the loader knows: required values, secrets and their sources,
 * what {@code notices.enabled} needs), then {@link ModuleSettings#build} constructs each module's
 * settings object, whose constructor checks the keys it owns. {@code run} starts the modules from
 * exactly those objects, so what {@code check-config} approves, {@code run} accepts.
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

  private static final int MIN_KEY_BYTES = ReplyAddressCodec.MIN_KEY_BYTES;
  private static final int MIN_SECRET_BYTES = 16;

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
    ReplydConfig values = r.read(source);
    // The modules' own checks, by constructing their settings exactly as run does.
    ModuleSettings modules = ModuleSettings.build(values, problems);
    problems.throwIfAny();
    return values.withModules(modules);
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
      // Presence here; what a valid host name, prefix, kind or noreply address is, the modules'
      // settings decide (ModuleSettings.build runs their checks).
      String hostname = string("hostname");
      if (hostname != null && hostname.isBlank()) {
        problems.add("hostname", "is not set (expected: the appliance's host name, e.g. tracker.example.com)");
      }
      String host = hostname == null ? "" : hostname.strip().toLowerCase(Locale.ROOT);
      String replyDomain = orDerived("reply-domain", "reply." + host, "hostname").strip().toLowerCase(Locale.ROOT);
      String prefix = string("address.prefix");
      List<String> kinds = stringList("address.kinds");
      List<byte[]> keys = addressKeys();
      String noreply = orDerived("noreply.address", "noreply@" + host, "hostname").toLowerCase(Locale.ROOT);
      Boolean discard = bool("noreply.discard");

      // Keys bound by type only are checked by the settings type that owns them (SmtpSettings,
      // ProcessorSettings, NoticeSettings), through ModuleSettings.build.
      ReplydConfig.Smtp smtp = new ReplydConfig.Smtp(
          string("smtp.bind"),
          port("smtp.port"),
          bytes("smtp.max-message-size"),
          integer("smtp.max-recipients"),
          integer("smtp.max-connections"),
          integer("smtp.max-connections-per-ip"),
          duration("smtp.idle-timeout"),
          duration("smtp.session-timeout"),
          integer("smtp.max-errors"),
          integer("smtp.io-threads"),
          nonNegativeDuration("smtp.in-flow-delay"),
          positiveInt("smtp.in-flow-backlog"),
          readableFile("smtp.tls.cert"),
          readableFile("smtp.tls.key"));

      Path root = path("storage.root");
      ReplydConfig.Storage storage = new ReplydConfig.Storage(root, bytes("storage.min-free"),
          duration("storage.retention"));

      Boolean enabled = bool("processor.enabled");
      ReplydConfig.SenderChecks senderChecks = senderChecks();
      Duration messageDeadline = duration("processor.message-deadline");
      if (messageDeadline != null && !messageDeadline.isNegative() && !messageDeadline.isZero()
          && senderChecks.enabled()
          && senderChecks.timeout() != null && messageDeadline.compareTo(senderChecks.timeout()) <= 0) {
        problems.add("processor.message-deadline", messageDeadline + " is not longer than"
            + " processor.sender-checks.timeout " + senderChecks.timeout() + " (expected: well above it, e.g. 60s;"
            + " otherwise one slow DNS answer files every message as deadline_exceeded)");
      }
      ReplydConfig.Processor processor = new ReplydConfig.Processor(enabled == null || enabled,
          integer("processor.threads"), bytes("processor.max-message-size"), stringList("processor.markers"),
          senderChecks, messageDeadline);

      byte[] secret = callbackSecret();
      CallbackSigningConfig.Signing signing = CallbackSigningConfig.read(c, problems, secret, MIN_SECRET_BYTES);
      ReplydConfig.Callback callback = new ReplydConfig.Callback(callbackUrl(),
          signing == null ? secret : signing.secrets().get(0),
          duration("callback.timeout"), duration("callback.max-age"),
          duration("callback.retry-base-delay"), duration("callback.retry-max-delay"),
          bytes("callback.max-attachment-bytes"), signing);

      ReplydConfig.Metrics metrics = new ReplydConfig.Metrics(string("metrics.bind"), port("metrics.port"));
      ReplydConfig.Outbound outbound = outbound(host, noreply);
      Duration grace = positiveDuration("shutdown.grace");

      return new ReplydConfig(source, host,
          new ReplydConfig.Address(prefix, replyDomain, kinds == null ? List.of() : List.copyOf(kinds), keys),
          new ReplydConfig.Noreply(noreply, discard != null && discard),
          smtp, storage, processor, callback, metrics, console(metrics), outbound, notices(outbound), diagnostics(), grace,
          ClusterConfig.read(c, problems), SupportContactConfig.read(c, problems), null);
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
      // Which reasons and limits are valid, NoticeSettings decides; here only what "enabled" needs.
      Boolean enabled = bool("notices.enabled");
      List<String> reasons = stringList("notices.reasons");
      String expected = "expected: some of " + String.join(", ", NoticeSettings.NOTIFIABLE_REASONS);
      Duration interval = duration("notices.per-sender-interval");
      Integer maxPerHour = integer("notices.max-per-hour");
      boolean on = enabled != null && enabled;
      if (on) {
        if (reasons != null && reasons.isEmpty()) {
          problems.add("notices.reasons", "is empty while notices.enabled = true (" + expected
              + "; or set notices.enabled = false)");
        }
        String host = outbound.host();
        if (host == null || !HostNames.isHostName(host) && !host.matches("[0-9a-fA-F:.\\[\\]]+")) {
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

    /**
     * {@code console.*}: off unless enabled; when on it needs a token file (16+ bytes) or loopback without
     * login, which is only accepted on a loopback metrics listener.
     */
    private ReplydConfig.Console console(ReplydConfig.Metrics metrics) {
      Boolean enabled = bool("console.enabled");
      Boolean loopback = bool("console.allow-loopback-without-login");
      Path tokenFile = readableFile("console.token-file");
      byte[] token = null;
      if (tokenFile != null && Files.isReadable(tokenFile)) {
        try {
          String text = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
          token = text.getBytes(StandardCharsets.UTF_8);
          if (token.length < MIN_SECRET_BYTES) {
            problems.add("console.token-file", tokenFile + " holds " + token.length + " bytes (expected: at least "
                + MIN_SECRET_BYTES + " bytes; generate one with: openssl rand -hex 32)");
          }
        } catch (IOException e) {
          problems.add("console.token-file", tokenFile + " could not be read: " + e.getMessage());
        }
      }
      boolean on = enabled != null && enabled;
      boolean withoutLogin = loopback != null && loopback;
      if (on && withoutLogin && metrics.bind() != null && !isLoopback(metrics.bind())) {
        problems.add("console.allow-loopback-without-login", "true needs metrics.bind on loopback, but it is "
            + metrics.bind() + " (expected: metrics.bind = 127.0.0.1, or a console.token-file instead)");
      }
      if (on && tokenFile == null && !withoutLogin) {
        problems.add("console.token-file", "is not set, and console.enabled = true needs it (expected: a file holding"
            + " the console token, e.g. ${?CREDENTIALS_DIRECTORY}\"/console-token\"; or"
            + " console.allow-loopback-without-login = true with metrics.bind on loopback)");
      }
      return new ReplydConfig.Console(on, token, withoutLogin);
    }

    private static boolean isLoopback(String bind) {
      try {
        return java.net.InetAddress.getByName(bind).isLoopbackAddress();
      } catch (java.net.UnknownHostException e) {
        return false;
      }
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
        // Whether it is an http(s) URL with a host and without user info, ProcessorSettings decides.
        return new URI(url);
      } catch (URISyntaxException e) {
        problems.add("callback.url", "is not a URL (" + e.getReason() + " at index " + e.getIndex()
            + "; the value is not shown, as it may carry credentials)");
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
        // The processor's secret is then the list's first; a problem of the list is reported on
        // callback.secrets, not a second time as a missing callback.secret.
        problems.derived("callback.secret", CallbackSigningConfig.SECRETS);
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

    /** A whole number, range unchecked (its settings type checks it); 0 when it is not one. */
    private int integer(String key) {
      return orZero(get(key, "a whole number", () -> c.getInt(key)));
    }

    /** A port; out of range is reported here and gives 0, so nothing downstream trips over it. */
    private int port(String key) {
      Integer v = get(key, "a whole number", () -> c.getInt(key));
      if (v != null && (v < 0 || v > 65535)) {
        problems.add(key, v + " is not a TCP port (expected: 0 to 65535; 0 picks a free port)");
        return 0;
      }
      return orZero(v);
    }

    /** A size, range unchecked (its settings type checks it); 0 when it is not one. */
    private long bytes(String key) {
      Long v = get(key, "a size such as 25MiB or 512KiB", () -> c.getMemorySize(key).toBytes());
      return v == null ? 0 : v;
    }

    /** A duration, range unchecked (its settings type checks it); null when it is not one. */
    private Duration duration(String key) {
      return get(key, "a duration such as 30s, 5m or 2d", () -> c.getDuration(key));
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

    /** The value of {@code key}, or when it is empty one derived from {@code source} (recorded as such). */
    private String orDerived(String key, String derived, String source) {
      String value = string(key);
      if (value == null || value.isBlank()) {
        problems.derived(key, source);
        return derived;
      }
      return value;
    }

    private static String orDefault(String value, String fallback) {
      return value == null || value.isBlank() ? fallback : value;
    }

    private static int orZero(Integer v) {
      return v == null ? 0 : v;
    }
  }
}
