package dev.replyd.address;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The form in which a configured URL (the callback URL) may appear in a log line, an error message,
 * {@code check-config} or {@code diagnose} output, or a support bundle: without its credentials.
 *
 * <p>Contract: {@link #of(URI)} keeps the scheme, host, port and path; it drops the user info
 * ({@code user:password@}) and the fragment, and replaces every query value with
 * {@value #REDACTED} while keeping the parameter names, in order ({@code ?token=T&x} becomes
 * {@code ?token=<redacted>&<redacted>}: a parameter without {@code =} may itself be a token). A URI
 * without a host (opaque, or relative) keeps only its scheme. {@link #of(String)} does the same for
 * configured text that may not even parse as a URI, which then shows as {@value #UNPARSEABLE}.
 *
 * <p>Security: the path is kept (operators need it to find a wrong route); a secret placed in a
 * path segment is therefore shown. Query values and user info never are.
 *
 * <p>Thread-safety: stateless.
 */
public final class LoggableUrl {

    /** What stands in place of a query value. */
    public static final String REDACTED = "<redacted>";

    /** What stands in place of a configured value that is not a URI at all. */
    public static final String UNPARSEABLE = "(not a URL; not shown)";

    private LoggableUrl() {
    }

    /** {@code url} without user info, fragment and query values; null stays null. */
    public static String of(URI url) {
        if (url == null) {
            return null;
        }
        StringBuilder shown = new StringBuilder();
        if (url.getScheme() != null) {
            shown.append(url.getScheme()).append(':');
        }
        if (url.getHost() == null) {
            return shown.append(url.isOpaque() || url.getRawPath() == null ? REDACTED : url.getRawPath()).toString();
        }
        shown.append("//").append(url.getHost());
        if (url.getPort() != -1) {
            shown.append(':').append(url.getPort());
        }
        if (url.getRawPath() != null) {
            shown.append(url.getRawPath());
        }
        String query = url.getRawQuery();
        if (query != null) {
            shown.append('?');
            String[] parameters = query.split("&", -1);
            for (int i = 0; i < parameters.length; i++) {
                if (i > 0) {
                    shown.append('&');
                }
                int equals = parameters[i].indexOf('=');
                if (equals >= 0) {
                    shown.append(parameters[i], 0, equals + 1);
                }
                shown.append(REDACTED);
            }
        }
        return shown.toString();
    }

    /** As {@link #of(URI)} for configured text; {@value #UNPARSEABLE} when it is not a URI. */
    public static String of(String url) {
        if (url == null) {
            return null;
        }
        try {
            return of(new URI(url));
        } catch (URISyntaxException notAUri) {
            return UNPARSEABLE;
        }
    }
}
