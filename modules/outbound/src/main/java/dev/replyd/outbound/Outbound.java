package dev.replyd.outbound;

import java.util.Objects;

/**
 * The {@code replyd.outbound} settings: the relay replyd hands its own mail to (test email, failure notices).
 *
 * <p>Contract: {@code host}, {@code heloDomain}, {@code security}, {@code auth} and {@code from} are required;
 * a null password means none. The password is copied in and out, so no caller can change or clear the copy
 * held here.
 *
 * <p>Security: {@link #toString()} never prints the password.
 *
 * <p>Thread-safety: immutable.
 *
 * @param host relay host name
 * @param port relay port (25, 587 for STARTTLS submission, 465 for implicit TLS)
 * @param heloDomain the name sent with EHLO (normally {@code replyd.hostname})
 * @param security none, starttls or tls
 * @param auth none, plain or login
 * @param username AUTH user name (ignored for {@link Auth#NONE})
 * @param password AUTH password bytes (ignored for {@link Auth#NONE}); copied, never printed
 * @param from the From header of replyd's own mail (normally the noreply address)
 */
public record Outbound(String host, int port, String heloDomain, Security security, Auth auth, String username,
                       byte[] password, String from) {

    /** How the connection is protected: none, upgraded with STARTTLS, or TLS from the first byte (port 465). */
    public enum Security { NONE, STARTTLS, TLS }

    /** How to authenticate to the relay. */
    public enum Auth { NONE, PLAIN, LOGIN }

    public Outbound {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(heloDomain, "heloDomain");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(from, "from");
        password = password == null ? new byte[0] : password.clone();
    }

    /** A copy of the password bytes (empty when none). */
    @Override
    public byte[] password() {
        return password.clone();
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "Outbound[host=" + host + ", port=" + port + ", heloDomain=" + heloDomain + ", security="
                + security + ", auth=" + auth + ", username=" + username + ", from=" + from + "]";
    }
}
