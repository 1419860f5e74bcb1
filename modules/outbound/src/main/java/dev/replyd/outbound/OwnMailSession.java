package dev.replyd.outbound;

import jakarta.mail.Session;
import java.util.Objects;
import java.util.Properties;

/**
 * OwnMailSession - the Jakarta Mail session in which replyd composes its own mail (failure notices, the test
 * email), so that both write their addresses the same way.
 *
 * <p>Contract: {@link #of} returns a new session with {@code mail.from} set to {@code from} (the Message-ID is
 * built from it; without it Jakarta Mail asks DNS for the local host name) and, when {@code from} or any of
 * {@code addresses} is not ASCII (an SMTPUTF8 address such as {@code josé@correo.example}),
 * {@code mail.mime.allowutf8}, so that the address fields are written as UTF-8 (RFC 6532). Without it Jakarta
 * Mail writes each character of such an address as one truncated byte. A message composed with all-ASCII
 * addresses is written exactly as before; one with UTF-8 fields needs SMTPUTF8, which {@link SmtpSubmission}
 * finds in its header section by itself.
 *
 * <p>Failures: a null argument is a {@link NullPointerException}.
 *
 * <p>Thread-safety: stateless; each call returns a new session.
 */
public final class OwnMailSession {

    private OwnMailSession() {
    }

    /** A session for a message from {@code from} whose header fields hold {@code addresses}. */
    public static Session of(String from, String... addresses) {
        Objects.requireNonNull(from, "from");
        Properties properties = new Properties();
        properties.setProperty("mail.from", from);
        boolean utf8 = !isAscii(from);
        for (String address : addresses) {
            utf8 |= !isAscii(Objects.requireNonNull(address, "address"));
        }
        if (utf8) {
            properties.setProperty("mail.mime.allowutf8", "true");
        }
        return Session.getInstance(properties);
    }

    private static boolean isAscii(String text) {
        return text.chars().allMatch(c -> c < 0x80);
    }
}
