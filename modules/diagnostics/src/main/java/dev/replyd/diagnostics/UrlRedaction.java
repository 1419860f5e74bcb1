package dev.replyd.diagnostics;

import dev.replyd.address.LoggableUrl;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the URLs inside a text (a config value, diagnose output) and shows each as
 * {@link LoggableUrl} does, the project's one rule for showing a URL: scheme, host, port, path and
 * query parameter names stay; user info and the fragment go; query values become
 * {@value LoggableUrl#REDACTED}.
 *
 * <p>Contract: every {@code scheme://} URL inside a text is rewritten, the rest of the text is kept as it is;
 * {@code https://u:pw@host/p?token=T&x} becomes {@code https://host/p?token=<redacted>&<redacted>}. A URL
 * ends at white space or a quote; one that does not parse is replaced whole. The pieces removed are
 * handed back so the bundle can scrub them from every other file. Text without a URL comes back unchanged.
 *
 * <p>Failures: none; any text is accepted. Thread-safety: stateless.
 */
public final class UrlRedaction {

    // scheme :// [userinfo @] authority path [? query] [# fragment]; a URL ends at white space or a quote.
    private static final Pattern URL = Pattern.compile(
            "([A-Za-z][A-Za-z0-9+.-]*://)(?:([^/?#\\s\"'@]*)@)?([^/?#\\s\"']*)([^?#\\s\"']*)(?:\\?([^#\\s\"']*))?(?:#([^\\s\"']*))?");

    private UrlRedaction() {
    }

    /** {@code text} with every URL in it redacted. */
    public static String redact(String text) {
        return redact(text, new ArrayList<>());
    }

    /** {@link #redact(String)}, adding each removed piece (user-info, query value, fragment) to {@code removed}. */
    static String redact(String text, List<String> removed) {
        Matcher url = URL.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        while (url.find()) {
            out.append(text, copied, url.start());
            if (url.group(2) != null) {
                removed.add(url.group(2));
            }
            if (url.group(5) != null) {
                collectQueryValues(url.group(5), removed);
            }
            if (url.group(6) != null) {
                removed.add(url.group(6));
            }
            String shown = LoggableUrl.of(uriSafe(url.group()));
            out.append(LoggableUrl.UNPARSEABLE.equals(shown) ? LoggableUrl.REDACTED : shown);
            copied = url.end();
        }
        return out.append(text, copied, text.length()).toString();
    }

    /**
     * The matched text with the characters a URI may not hold percent-encoded, so that text already shown
     * ({@code ?key=<redacted>}) or a sloppy URL still parses, and redacting twice changes nothing.
     */
    private static String uriSafe(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c >= 0x7f || "\"<>\\^`{|}".indexOf(c) >= 0) {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }

    private static void collectQueryValues(String query, List<String> removed) {
        for (String parameter : query.split("[&;]", -1)) {
            int equals = parameter.indexOf('=');
            if (!parameter.isEmpty()) {
                // A bare value (?0123abcd) is as likely a token as a flag.
                removed.add(equals < 0 ? parameter : parameter.substring(equals + 1));
            }
        }
    }
}
