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
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The operator's configuration file as the support bundle shows it: parsed as HOCON (includes inlined), every
 * value that is not known to be harmless replaced by {@value #REDACTED}, rendered without comments.
 *
 * <p>Contract: redaction is by allow-list. A value is shown only when its key path is one of {@link #SHOWN_KEYS}
 * (the keys of {@code reference.conf} that hold no secret); every other value (the secrets of
 * {@link #SECRET_KEYS}, misspelled keys such as {@code callback.secrte}, keys outside {@code replyd { }}) is
 * replaced whole, whatever its type (a list keeps its length, an object its keys). Shown strings still go
 * through {@link UrlRedaction}, so URLs lose their user-info and query values. Keys ending in {@code -file} name
 * files whose contents are never read; their paths are shown. A substitution is shown only when it is a plain
 * {@code ${?NAME}} reference under a shown key, never resolved, so environment values never enter the bundle.
 * Comments are dropped: a commented-out secret is still a secret. The literal strings redacted are returned so
 * the bundle can scrub them from every other file.
 *
 * <p>Failures: a missing file or a syntax error yields a note instead of the content, naming the line but
 * quoting nothing from the file.
 *
 * <p>Thread-safety: stateless.
 */
final class ConfigRedaction {

    static final String REDACTED = "<redacted>";

    /** Keys whose values are secrets; with {@link #SHOWN_KEYS} they cover every key of reference.conf. */
    static final Set<String> SECRET_KEYS = Set.of("replyd.address.keys", "replyd.callback.secret",
            "replyd.callback.secrets", "replyd.outbound.password");

    /** Keys whose values the bundle shows (strings with URLs redacted). Any key not listed here is redacted. */
    static final Set<String> SHOWN_KEYS = Set.of(
            "replyd.hostname", "replyd.reply-domain", "replyd.node-name", "replyd.cluster.peers", "replyd.support",
            "replyd.address.prefix", "replyd.address.kinds", "replyd.address.keys-file",
            "replyd.noreply.address", "replyd.noreply.discard",
            "replyd.smtp.bind", "replyd.smtp.port", "replyd.smtp.max-message-size", "replyd.smtp.max-recipients",
            "replyd.smtp.max-connections", "replyd.smtp.max-connections-per-ip", "replyd.smtp.idle-timeout",
            "replyd.smtp.session-timeout", "replyd.smtp.max-errors", "replyd.smtp.io-threads",
            "replyd.smtp.in-flow-delay", "replyd.smtp.in-flow-backlog",
            "replyd.smtp.proxy-protocol.enabled", "replyd.smtp.proxy-protocol.trusted",
            "replyd.smtp.proxy-protocol.header-timeout", "replyd.smtp.tls.cert", "replyd.smtp.tls.key",
            "replyd.storage.root", "replyd.storage.min-free", "replyd.storage.retention",
            "replyd.processor.enabled", "replyd.processor.threads", "replyd.processor.max-message-size",
            "replyd.processor.markers", "replyd.processor.sender-checks.enabled",
            "replyd.processor.sender-checks.require-dmarc", "replyd.processor.sender-checks.dns-servers",
            "replyd.processor.sender-checks.timeout", "replyd.processor.message-deadline",
            "replyd.callback.url", "replyd.callback.secret-file", "replyd.callback.timeout", "replyd.callback.max-age",
            "replyd.callback.retry-base-delay", "replyd.callback.retry-max-delay",
            "replyd.callback.max-attachment-bytes", "replyd.callback.signature",
            "replyd.metrics.bind", "replyd.metrics.port",
            "replyd.console.enabled", "replyd.console.token-file", "replyd.console.allow-loopback-without-login",
            "replyd.outbound.host", "replyd.outbound.port", "replyd.outbound.helo-domain", "replyd.outbound.security",
            "replyd.outbound.auth", "replyd.outbound.username", "replyd.outbound.password-file", "replyd.outbound.from",
            "replyd.notices.enabled", "replyd.notices.reasons", "replyd.notices.per-sender-interval",
            "replyd.notices.max-per-hour",
            "replyd.diagnostics.dns-servers", "replyd.diagnostics.timeout",
            "replyd.shutdown.grace", "replyd.shutdown.drain-delay");

    private static final Pattern PLAIN_REFERENCE = Pattern.compile("\\$\\{\\??[A-Za-z0-9_.-]+\\}");

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
        ConfigObject redacted = redactObject(root, "", secrets);
        String rendered = redacted.render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(false)
                .setJson(false).setFormatted(true));
        return new Redacted("# " + file + ", only known non-secret keys shown, everything else " + REDACTED + "\n"
                + rendered + (rendered.endsWith("\n") ? "" : "\n"), List.copyOf(secrets));
    }

    private static ConfigObject redactObject(ConfigObject object, String prefix, List<String> secrets) {
        ConfigObject result = object;
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
            ConfigValue value = entry.getValue();
            // A quoted key with a dot in it ("smtp.port" = 25) is one unknown key, not a path.
            String path = entry.getKey().contains(".") ? null
                    : prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey();
            ConfigValue replacement;
            if (path != null && value instanceof ConfigObject inner && isContainer(path)) {
                replacement = redactObject(inner, path, secrets);
            } else if (path != null && SHOWN_KEYS.contains(path)) {
                replacement = shown(value, secrets);
            } else {
                replacement = redactAll(value, secrets);
            }
            result = result.withValue(entry.getKey(), replacement);
        }
        return result;
    }

    /** True for the objects that hold shown keys: replyd, replyd.smtp, replyd.smtp.tls, ... */
    private static boolean isContainer(String path) {
        String below = path + ".";
        return SHOWN_KEYS.stream().anyMatch(key -> key.startsWith(below));
    }

    /** The value of a shown key: strings lose URL secrets; objects (never valid here) and odd substitutions go. */
    private static ConfigValue shown(ConfigValue value, List<String> secrets) {
        if (value instanceof ConfigObject) {
            return redactAll(value, secrets);
        }
        if (value instanceof ConfigList list) {
            return eachItem(list, item -> shown(item, secrets));
        }
        ConfigValueType type = resolvedType(value);
        if (type == null) {
            // ${?NAME} is shown as written; a concatenation ("http://"${HOST}"?token=x") may hold literal secrets.
            return PLAIN_REFERENCE.matcher(value.render()).matches() ? value : redactAll(value, secrets);
        }
        if (type == ConfigValueType.STRING) {
            String text = (String) value.unwrapped();
            String cleaned = UrlRedaction.redact(text, secrets);
            return cleaned.equals(text) ? value : ConfigValueFactory.fromAnyRef(cleaned).withOrigin(value.origin());
        }
        return value;
    }

    /** Below a redacted key: every leaf becomes {@value #REDACTED}; literal strings are remembered for scrubbing. */
    private static ConfigValue redactAll(ConfigValue value, List<String> secrets) {
        if (value instanceof ConfigObject object) {
            ConfigObject result = object;
            for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
                result = result.withValue(entry.getKey(), redactAll(entry.getValue(), secrets));
            }
            return result;
        }
        if (value instanceof ConfigList list) {
            return eachItem(list, item -> redactAll(item, secrets));
        }
        ConfigValueType type = resolvedType(value);
        if (type == ConfigValueType.STRING || type == ConfigValueType.NUMBER) {
            secrets.add(String.valueOf(value.unwrapped()));
        }
        return ConfigValueFactory.fromAnyRef(REDACTED).withOrigin(value.origin());
    }

    /** The list with {@code change} applied to each item, at the list's origin. */
    private static ConfigValue eachItem(ConfigList list, UnaryOperator<ConfigValue> change) {
        List<ConfigValue> items = new ArrayList<>();
        for (ConfigValue item : list) {
            items.add(change.apply(item));
        }
        return ConfigValueFactory.fromIterable(items).withOrigin(list.origin());
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
