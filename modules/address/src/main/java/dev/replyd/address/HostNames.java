package dev.replyd.address;

import java.util.regex.Pattern;

/**
 * The one host-name rule of replyd, used wherever a configured host name is checked
 * ({@code hostname}, {@code reply-domain}, the notices' relay): dot-separated LDH labels of 1 to 63
 * letters, digits and inner hyphens, at most 253 characters in all, no trailing dot (RFC 1035
 * section 2.3.1, RFC 1123 section 2.1).
 *
 * <p>Thread-safety: stateless.
 */
public final class HostNames {
    /** The longest host name, without the trailing dot (RFC 1035 section 2.3.4). */
    public static final int MAX_LENGTH = 253;

    /** What a valid host name is, for error messages: "(expected: " + EXPECTED + ")". */
    public static final String EXPECTED = "a host name of dot-separated labels of letters, digits and inner '-', at most "
            + MAX_LENGTH + " characters, e.g. tracker.example.com";

    private static final Pattern LDH =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    private HostNames() {
    }

    /** True when {@code name} is a host name by the rule above; false for null and the empty string. */
    public static boolean isHostName(String name) {
        return name != null && !name.isEmpty() && name.length() <= MAX_LENGTH && LDH.matcher(name).matches();
    }
}
