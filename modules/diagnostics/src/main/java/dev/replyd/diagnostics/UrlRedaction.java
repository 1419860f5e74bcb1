package dev.replyd.diagnostics;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * URLs as replyd shows them to people (the support bundle, diagnose output): the user-info, every query value
 * and the fragment are replaced by {@value ConfigRedaction#REDACTED}; scheme, host, port, path and query
 * parameter names stay, so the reader still sees where the URL points and which parameters it carries.
 *
 * <p>Contract: every {@code scheme://} URL inside a text is rewritten, the rest of the text is kept as it is;
 * {@code https://u:pw@host/p?token=T&x} becomes {@code https://<redacted>@host/p?token=<redacted>&<redacted>}.
 * A URL ends at white space or a quote. Text without a URL comes back unchanged.
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
            out.append(url.group(1));
            if (url.group(2) != null) {
                removed.add(url.group(2));
                out.append(ConfigRedaction.REDACTED).append('@');
            }
            out.append(url.group(3)).append(url.group(4));
            if (url.group(5) != null) {
                out.append('?').append(redactQuery(url.group(5), removed));
            }
            if (url.group(6) != null) {
                removed.add(url.group(6));
                out.append('#').append(ConfigRedaction.REDACTED);
            }
            copied = url.end();
        }
        return out.append(text, copied, text.length()).toString();
    }

    private static String redactQuery(String query, List<String> removed) {
        if (query.isEmpty()) {
            return query;
        }
        StringBuilder out = new StringBuilder();
        for (String parameter : query.split("[&;]", -1)) {
            if (out.length() > 0) {
                out.append('&');
            }
            int equals = parameter.indexOf('=');
            if (parameter.isEmpty()) {
                continue;
            }
            if (equals < 0) {
                // A bare value (?0123abcd) is as likely a token as a flag.
                removed.add(parameter);
                out.append(ConfigRedaction.REDACTED);
            } else {
                removed.add(parameter.substring(equals + 1));
                out.append(parameter, 0, equals + 1).append(ConfigRedaction.REDACTED);
            }
        }
        return out.toString();
    }
}
