package dev.replyd.diagnostics;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's configuration file as the support bundle shows it: parsed as HOCON (includes inlined), every
 * secret replaced by {@value #REDACTED}, rendered without comments.
 *
 * <p>Contract: a value is secret when the last element of its key path, lower-cased, ends in one of
 * {@link #SECRET_KEY_SUFFIXES} ({@code keys}, {@code key}, {@code secrets}, {@code secret}, {@code password}, {@code passwd},
 * {@code token}); the whole value goes, whatever its type (a list keeps its length, an object its keys).
 * Keys ending in {@code -file} name files whose contents are never read; their paths are kept. The password
 * in a URL's user-info ({@code https://user:pw@host}) is redacted in any string. Substitutions
 * ({@code ${?ENV}}) are shown unresolved, so environment values never enter the bundle. Comments are dropped:
 * a commented-out secret is still a secret. The literal secret strings found are returned so the bundle can
 * scrub them from every other file.
 *
 * <p>Failures: a missing file or a syntax error yields a note instead of the content, naming the line but
 * quoting nothing from the file.
 *
 * <p>Thread-safety: stateless.
 */
final class ConfigRedaction {

    static final String REDACTED = "<redacted>";
    static final List<String> SECRET_KEY_SUFFIXES = List.of("keys", "key", "secrets", "secret", "password", "passwd", "token");

    private static final Pattern URL_PASSWORD = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^/\\s:@]*:)([^@\\s/]+)@");

    /** The redacted text (or a note when it could not be parsed) and the secret strings it held. */
    record Redacted(String text, List<String> secrets) {
    }

    private ConfigRedaction() {
    }

    static Redacted of(Path file) {
        if (file == null) {
            return new Redacted("# no configuration file was given\n", List.of());
        }
        if (!Files.isRegularFile(file)) {
            return new Redacted("# " + file + " does not exist or is not a file\n", List.of());
        }
        ConfigObject root;
        try {
            root = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults()
                    .setSyntax(ConfigSyntax.CONF).setAllowMissing(false)).root();
        } catch (ConfigException e) {
            int line = e.origin() == null ? -1 : e.origin().lineNumber();
            return new Redacted("# " + file + " could not be parsed" + (line > 0 ? " (error near line " + line + ")" : "")
                    + "; its content is left out because it cannot be redacted safely.\n"
                    + "# Run `replyd check-config --config " + file + "` for the full error.\n", List.of());
        }
        List<String> secrets = new ArrayList<>();
        ConfigObject redacted = redactObject(root, secrets);
        String rendered = redacted.render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(false)
                .setJson(false).setFormatted(true));
        return new Redacted("# " + file + ", secrets redacted\n" + rendered + (rendered.endsWith("\n") ? "" : "\n"),
                List.copyOf(secrets));
    }

    static boolean isSecretKey(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return SECRET_KEY_SUFFIXES.stream().anyMatch(lower::endsWith);
    }

    private static ConfigObject redactObject(ConfigObject object, List<String> secrets) {
        ConfigObject result = object;
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
            ConfigValue value = entry.getValue();
            ConfigValue replacement = isSecretKey(entry.getKey())
                    ? redactAll(value, secrets)
                    : redactNested(value, secrets);
            result = result.withValue(entry.getKey(), replacement);
        }
        return result;
    }

    /** Below a non-secret key: recurse into objects and lists, redact URL passwords in strings. */
    private static ConfigValue redactNested(ConfigValue value, List<String> secrets) {
        if (value instanceof ConfigObject object) {
            return redactObject(object, secrets);
        }
        if (value instanceof ConfigList list) {
            List<ConfigValue> items = new ArrayList<>();
            for (ConfigValue item : list) {
                items.add(redactNested(item, secrets));
            }
            return ConfigValueFactory.fromIterable(items).withOrigin(list.origin());
        }
        if (resolvedType(value) == ConfigValueType.STRING) {
            String text = (String) value.unwrapped();
            Matcher password = URL_PASSWORD.matcher(text);
            StringBuilder cleaned = new StringBuilder();
            boolean found = false;
            while (password.find()) {
                found = true;
                secrets.add(password.group(2));
                password.appendReplacement(cleaned, Matcher.quoteReplacement(password.group(1) + REDACTED + "@"));
            }
            if (found) {
                password.appendTail(cleaned);
                return ConfigValueFactory.fromAnyRef(cleaned.toString()).withOrigin(value.origin());
            }
        }
        return value;
    }

    /** Below a secret key: every leaf becomes {@value #REDACTED}; literal strings are remembered for scrubbing. */
    private static ConfigValue redactAll(ConfigValue value, List<String> secrets) {
        if (value instanceof ConfigObject object) {
            ConfigObject result = object;
            for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
                result = result.withValue(entry.getKey(), redactAll(entry.getValue(), secrets));
            }
            return result;
        }
        if (value instanceof ConfigList list) {
            List<ConfigValue> items = new ArrayList<>();
            for (ConfigValue item : list) {
                items.add(redactAll(item, secrets));
            }
            return ConfigValueFactory.fromIterable(items).withOrigin(list.origin());
        }
        ConfigValueType type = resolvedType(value);
        if (type == ConfigValueType.STRING || type == ConfigValueType.NUMBER) {
            secrets.add(String.valueOf(value.unwrapped()));
        }
        return ConfigValueFactory.fromAnyRef(REDACTED).withOrigin(value.origin());
    }

    /** The value's type, or null for a substitution not resolved (we never resolve: no environment leaks in). */
    private static ConfigValueType resolvedType(ConfigValue value) {
        try {
            return value.valueType();
        } catch (ConfigException.NotResolved e) {
            return null;
        }
    }
}
