package dev.replyd.outbound;

import dev.replyd.maildir.ClientText;
import dev.replyd.outbound.Outbound.Auth;
import dev.replyd.outbound.Outbound.Security;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocketFactory;

/**
 * SmtpSubmission - hands one message to the outbound relay ({@code replyd.outbound}) for one recipient and
 * records the whole SMTP conversation: the client behind {@code replyd test-email} and the failure notices.
 *
 * <p>Contract: {@link #send} connects (implicit TLS for {@link Security#TLS}), reads the greeting, says EHLO,
 * upgrades with STARTTLS for {@link Security#STARTTLS} (refusing to go on in clear text when the server does
 * not offer it), authenticates with AUTH PLAIN or LOGIN when asked, then {@code MAIL FROM:<reverse-path>}
 * ({@code <>}, the null reverse-path, when it is empty), {@code RCPT TO}, DATA with the given bytes (dot-stuffed,
 * CRLF line ends) and QUIT. A message that needs SMTPUTF8 (RFC 6531: a non-ASCII envelope address, or a non-ASCII
 * byte in its header section, as an RFC 6532 UTF-8 To or From field) is sent with {@code MAIL FROM:<...> SMTPUTF8}
 * when the relay's EHLO (the one after STARTTLS) offers SMTPUTF8; when it does not, nothing is sent (the session
 * ends with QUIT before AUTH) and the result is {@link Problem#SMTPUTF8_NOT_OFFERED}, whose diagnosis is
 * {@code "relay <host>:<port> does not offer SMTPUTF8, needed for <address>"} and advice. Everything else is sent
 * exactly as without SMTPUTF8. The transcript gets {@code "-> "} for each line sent, {@code "<- "} for each line
 * received, and {@code "*  "} notes (connecting, TLS started, and last the result: {@code "*  sent: ..."} or
 * {@code "*  not sent: ..."}). The {@link Result} names the {@link Problem} and says in plain language what it
 * means and what to change; {@link Result#finalReply()} is the server's last reply (the one to the final dot on
 * success).
 *
 * <p>Failures: never throws for network or server trouble, and never retries (the caller decides); an address
 * with CR, LF or angle brackets is {@link Problem#INVALID_ADDRESS} before anything is sent, so nothing can be
 * smuggled into the envelope. Addresses quoted in a diagnosis are escaped ({@link ClientText}): they come from
 * senders, and a diagnosis is logged. A null argument is a {@link NullPointerException}. The server certificate is
 * verified against the JVM trust store (or the given factory) and the host name.
 *
 * <p>Security: AUTH credentials never reach the transcript or the diagnosis: the AUTH PLAIN argument and both
 * AUTH LOGIN answers are shown as {@code ********}; the password is only base64-encoded onto the socket.
 *
 * <p>Standards: RFC 5321 (section 4.5.5: the null reverse-path), RFC 3207 (STARTTLS), RFC 8314 (implicit TLS),
 * RFC 4954 (AUTH), RFC 4616 (PLAIN), RFC 6531 (SMTPUTF8), RFC 6532 (UTF-8 header fields).
 *
 * <p>Thread-safety: stateless; each call has its own connection.
 */
public final class SmtpSubmission {

    /** What went wrong, if anything; {@link #NONE} means the relay accepted the message. */
    public enum Problem {
        NONE, INVALID_ADDRESS, UNKNOWN_HOST, CONNECTION_REFUSED, TIMEOUT, TLS_HANDSHAKE, STARTTLS_NOT_OFFERED,
        AUTH_NOT_OFFERED, AUTH_REJECTED, AUTH_REQUIRED, SENDER_REJECTED, RELAY_DENIED, RECIPIENT_REJECTED,
        MESSAGE_REJECTED, TEMPORARY_FAILURE, CONNECTION_LOST, PROTOCOL_ERROR, SMTPUTF8_NOT_OFFERED
    }

    /** The outcome: {@code problem} is {@link Problem#NONE} on success; {@code finalReply} may be empty. */
    public record Result(Problem problem, String diagnosis, String finalReply) {

        public boolean success() {
            return problem == Problem.NONE;
        }
    }

    /** The bound on the connect and on each reply that operators get unless they say otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final String MASK = "********";

    private SmtpSubmission() {
    }

    /**
     * Sends {@code message} (a complete RFC 5322 message, any line ends) from {@code reversePath} to
     * {@code recipient}, with {@code timeout} bounding the connect and each reply.
     *
     * @param reversePath the envelope sender; empty for the null reverse-path {@code MAIL FROM:<>}
     * @param recipient the one envelope recipient
     */
    public static Result send(Outbound outbound, String reversePath, String recipient, byte[] message,
                              PrintStream transcript, Duration timeout) {
        return send(outbound, reversePath, recipient, message, transcript, timeout,
                (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** As above, trusting what {@code tls} trusts instead of the JVM trust store (a private CA, tests). */
    public static Result send(Outbound outbound, String reversePath, String recipient, byte[] message,
                              PrintStream transcript, Duration timeout, SSLSocketFactory tls) {
        Objects.requireNonNull(outbound, "outbound");
        Objects.requireNonNull(reversePath, "reversePath");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(transcript, "transcript");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(tls, "tls");
        Result result = attempt(outbound, reversePath, recipient, message, transcript, timeout, tls);
        note(transcript, result);
        return result;
    }

    /** Writes the closing {@code "*  sent: ..."} or {@code "*  not sent: ..."} note for {@code result}. */
    public static void note(PrintStream transcript, Result result) {
        transcript.println("*  " + (result.success() ? "sent: " : "not sent: ") + result.diagnosis());
    }

    /**
     * {@code text} as a plain envelope address, or {@link AddressException} naming {@code key}: no CR, LF or
     * angle brackets, a local part and a domain.
     */
    public static InternetAddress address(String text, String key) throws AddressException {
        if (text.chars().anyMatch(c -> c == '\r' || c == '\n' || c == '<' || c == '>')) {
            throw new AddressException(key + ": \"" + ClientText.escape(text.strip()) + "\" is not a plain mail "
                    + "address (expected: local@domain)");
        }
        try {
            InternetAddress parsed = new InternetAddress(text, true);
            if (parsed.getAddress().indexOf('@') < 1) {
                throw new AddressException("no domain");
            }
            return parsed;
        } catch (AddressException e) {
            throw new AddressException(key + ": \"" + ClientText.escape(text) + "\" is not a mail address "
                    + "(expected: local@domain)");
        }
    }

    private static Result attempt(Outbound o, String reversePath, String to, byte[] message, PrintStream transcript,
                                  Duration timeout, SSLSocketFactory tls) {
        InternetAddress recipient;
        String sender;
        try {
            recipient = address(to, "recipient");
            sender = reversePath.isEmpty() ? "" : address(reversePath, "envelope sender").getAddress();
            if (!o.heloDomain().matches("[A-Za-z0-9.\\-\\[\\]:]+")) {
                throw new AddressException("replyd.outbound.helo-domain: \"" + o.heloDomain()
                        + "\" is not a domain name (expected: e.g. tracker.example.com)");
            }
        } catch (AddressException e) {
            return new Result(Problem.INVALID_ADDRESS, e.getMessage(), "");
        }
        String needsUtf8 = needsSmtpUtf8(recipient.getAddress(), sender, message);
        String where = o.host() + ":" + o.port();
        transcript.println("*  connecting to " + where + " (security " + o.security().name().toLowerCase(Locale.ROOT)
                + ", auth " + o.auth().name().toLowerCase(Locale.ROOT) + ")");
        String stage = "connect";
        SmtpConversation.Reply last = null;
        try (SmtpConversation smtp = SmtpConversation.open(o.host(), o.port(), o.security() == Security.TLS, tls,
                timeout, transcript)) {
            stage = "greeting";
            last = smtp.read();
            if (last.code() != 220) {
                return refused(Problem.PROTOCOL_ERROR, "the server at " + where + " refused the session", last);
            }
            stage = "EHLO";
            last = smtp.command("EHLO " + o.heloDomain());
            if (!last.positive()) {
                last = smtp.command("HELO " + o.heloDomain());
                if (!last.positive()) {
                    return refused(Problem.PROTOCOL_ERROR, "the server refused our greeting", last);
                }
            }
            Map<String, String> extensions = extensions(last);
            if (o.security() == Security.STARTTLS) {
                if (!extensions.containsKey("STARTTLS")) {
                    return new Result(Problem.STARTTLS_NOT_OFFERED, where + " does not offer STARTTLS, so nothing "
                            + "was sent in clear text; set replyd.outbound.security = none only if the relay is on a "
                            + "trusted network, or use the relay's submission port (587) or tls on 465", last.text());
                }
                stage = "STARTTLS";
                last = smtp.command("STARTTLS");
                if (last.code() != 220) {
                    return refused(Problem.TLS_HANDSHAKE, "the server refused STARTTLS", last);
                }
                stage = "TLS handshake";
                smtp.startTls(tls);
                stage = "EHLO";
                last = smtp.command("EHLO " + o.heloDomain());
                if (!last.positive()) {
                    return refused(Problem.PROTOCOL_ERROR, "the server refused EHLO after STARTTLS", last);
                }
                extensions = extensions(last);
            }
            if (needsUtf8 != null && !extensions.containsKey("SMTPUTF8")) {
                Result notOffered = new Result(Problem.SMTPUTF8_NOT_OFFERED, "relay " + where + " does not offer "
                        + "SMTPUTF8, needed for " + ClientText.escape(needsUtf8) + " (RFC 6531; nothing was sent: "
                        + "use a relay that offers it, such as Postfix 3.0 or later with smtputf8_enable = yes)",
                        last.text());
                try {
                    smtp.command("QUIT");
                } catch (IOException e) {
                    // Nothing was sent; a server that hangs up before answering QUIT changes nothing.
                }
                return notOffered;
            }
            if (o.auth() != Auth.NONE) {
                stage = "AUTH";
                Result authFailure = authenticate(smtp, o, extensions, where);
                if (authFailure != null) {
                    return authFailure;
                }
            }
            stage = "MAIL FROM";
            last = smtp.command("MAIL FROM:<" + sender + ">" + (needsUtf8 == null ? "" : " SMTPUTF8"));
            if (!last.positive()) {
                if (last.code() == 530) {
                    return refused(Problem.AUTH_REQUIRED, "the relay requires authentication: set "
                            + "replyd.outbound.auth (plain or login), username and password", last);
                }
                return refused(classifyTemporary(last, Problem.SENDER_REJECTED), sender.isEmpty()
                        ? "the relay refused the null sender <> (RFC 5321 requires accepting it; ask the relay's "
                        + "administrator to allow it for this client)"
                        : "the relay refused the sender " + ClientText.escape(sender) + "; it may only accept senders "
                        + "of its own domains (check replyd.outbound.from)", last);
            }
            stage = "RCPT TO";
            last = smtp.command("RCPT TO:<" + recipient.getAddress() + ">");
            if (!last.positive()) {
                return recipientRefused(last, ClientText.escape(recipient.getAddress()), o.auth());
            }
            stage = "DATA";
            last = smtp.command("DATA");
            if (last.code() != 354) {
                return refused(classifyTemporary(last, Problem.MESSAGE_REJECTED), "the relay refused DATA", last);
            }
            stage = "message";
            last = smtp.data(message);
            if (!last.positive()) {
                return refused(classifyTemporary(last, Problem.MESSAGE_REJECTED),
                        "the relay refused the message after its content", last);
            }
            SmtpConversation.Reply accepted = last;
            stage = "QUIT";
            try {
                smtp.command("QUIT");
            } catch (IOException e) {
                // The message is accepted; a server that hangs up before answering QUIT changes nothing.
            }
            return new Result(Problem.NONE, "the relay accepted the message for "
                    + ClientText.escape(recipient.getAddress())
                    + " (check that inbox; if it never arrives, read the relay's log for this queue id)",
                    accepted.text());
        } catch (UnknownHostException e) {
            return new Result(Problem.UNKNOWN_HOST, "the relay host name " + o.host() + " does not resolve; "
                    + "check replyd.outbound.host and DNS", "");
        } catch (ConnectException | NoRouteToHostException e) {
            return new Result(Problem.CONNECTION_REFUSED, "connection to " + where + " refused: no mail server "
                    + "listens there (check replyd.outbound.host and port) or a firewall rejects it", "");
        } catch (SocketTimeoutException e) {
            return new Result(Problem.TIMEOUT, "no answer from " + where + " during " + stage + " within "
                    + timeout.toSeconds() + " s; a firewall may be dropping the traffic (outbound port " + o.port()
                    + " is often blocked by hosting providers)", last == null ? "" : last.text());
        } catch (SSLHandshakeException e) {
            return new Result(Problem.TLS_HANDSHAKE, "the TLS handshake with " + where + " failed: "
                    + tlsAdvice(e), "");
        } catch (SSLException e) {
            return new Result(Problem.TLS_HANDSHAKE, "TLS with " + where + " failed (" + e.getMessage() + "): "
                    + (o.security() == Security.TLS ? "the server does not speak TLS on this port; use security = "
                    + "starttls for ports 25/587, tls only for 465" : "check the relay's TLS setup"), "");
        } catch (EOFException e) {
            return new Result(Problem.CONNECTION_LOST, "the server closed the connection during " + stage
                    + (o.security() == Security.NONE && stage.equals("greeting")
                    ? "; it may expect TLS from the first byte (security = tls on port 465)" : ""),
                    last == null ? "" : last.text());
        } catch (IOException e) {
            return new Result(Problem.CONNECTION_LOST, "the conversation with " + where + " broke during " + stage
                    + ": " + e.getMessage(), last == null ? "" : last.text());
        }
    }

    /**
     * What makes the message need SMTPUTF8: the first non-ASCII envelope address, else {@code "a header field"}
     * when its header section (up to the first empty line) holds a non-ASCII byte; null when it is all ASCII.
     */
    private static String needsSmtpUtf8(String recipient, String sender, byte[] message) {
        if (!isAscii(recipient)) {
            return recipient;
        }
        if (!isAscii(sender)) {
            return sender;
        }
        boolean lineStart = true;
        for (byte b : message) {
            if (b < 0) {
                return "a header field";
            }
            if (b == '\n') {
                if (lineStart) {
                    return null;
                }
                lineStart = true;
            } else if (b != '\r') {
                lineStart = false;
            }
        }
        return null;
    }

    private static boolean isAscii(String text) {
        return text.chars().allMatch(c -> c < 0x80);
    }

    /** Runs AUTH; null when authenticated, else the failure. */
    private static Result authenticate(SmtpConversation smtp, Outbound o, Map<String, String> extensions,
                                       String where) throws IOException {
        String mechanism = o.auth().name();
        String offered = extensions.getOrDefault("AUTH", null);
        if (offered == null || !Arrays.asList(offered.toUpperCase(Locale.ROOT).split("\\s+")).contains(mechanism)) {
            return new Result(Problem.AUTH_NOT_OFFERED, offered == null
                    ? where + " offers no AUTH" + (o.security() == Security.NONE
                    ? "; most relays offer it only after STARTTLS: set replyd.outbound.security = starttls" : "")
                    : where + " offers AUTH " + offered + " but not " + mechanism
                    + ": set replyd.outbound.auth to one of those", "");
        }
        String user = o.username() == null ? "" : o.username();
        SmtpConversation.Reply reply;
        if (o.auth() == Auth.PLAIN) {
            byte[] userBytes = user.getBytes(StandardCharsets.UTF_8);
            byte[] password = o.password();
            ByteBuffer plain = ByteBuffer.allocate(2 + userBytes.length + password.length);
            plain.put((byte) 0).put(userBytes).put((byte) 0).put(password);
            String encoded = Base64.getEncoder().encodeToString(plain.array());
            Arrays.fill(plain.array(), (byte) 0);
            Arrays.fill(password, (byte) 0);
            reply = smtp.secretCommand("AUTH PLAIN " + encoded, "AUTH PLAIN " + MASK + " (user name and password)");
        } else {
            reply = smtp.command("AUTH LOGIN");
            if (reply.code() == 334) {
                reply = smtp.secretCommand(Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)),
                        MASK + " (user name)");
            }
            if (reply.code() == 334) {
                byte[] password = o.password();
                String encoded = Base64.getEncoder().encodeToString(password);
                Arrays.fill(password, (byte) 0);
                reply = smtp.secretCommand(encoded, MASK + " (password)");
            }
        }
        if (reply.code() == 235) {
            return null;
        }
        if (reply.code() == 535 || reply.code() == 454 && reply.text().contains("4.7.8")) {
            return refused(Problem.AUTH_REJECTED, "the relay rejected the credentials for user \"" + user
                    + "\": check replyd.outbound.username and password (some providers need an app password)", reply);
        }
        if (reply.code() == 534 || reply.code() == 538) {
            return refused(Problem.AUTH_REJECTED, "the relay wants a stronger mechanism or encryption before AUTH: "
                    + "use security = starttls or tls", reply);
        }
        return refused(classifyTemporary(reply, Problem.AUTH_REJECTED), "AUTH " + mechanism + " failed", reply);
    }

    private static Result recipientRefused(SmtpConversation.Reply reply, String to, Auth auth) {
        String text = reply.text().toLowerCase(Locale.ROOT);
        if (reply.code() >= 400 && reply.code() < 500) {
            return refused(Problem.TEMPORARY_FAILURE, "the relay deferred the recipient (greylisting or a "
                    + "temporary problem); try again in a few minutes", reply);
        }
        if (reply.code() == 530) {
            return refused(Problem.AUTH_REQUIRED, "the relay requires authentication before relaying: set "
                    + "replyd.outbound.auth, username and password", reply);
        }
        if (text.contains("relay") || text.contains("5.7.1") || reply.code() == 554) {
            return refused(Problem.RELAY_DENIED, "the relay refuses to relay to " + to + " for us"
                    + (auth == Auth.NONE ? ": it needs authentication (replyd.outbound.auth) or this machine's "
                    + "address in its trusted networks" : ": this account may not send to outside domains"), reply);
        }
        return refused(Problem.RECIPIENT_REJECTED, "the relay refused the recipient " + to
                + "; check the address", reply);
    }

    private static Problem classifyTemporary(SmtpConversation.Reply reply, Problem permanent) {
        return reply.code() >= 400 && reply.code() < 500 ? Problem.TEMPORARY_FAILURE : permanent;
    }

    private static Result refused(Problem problem, String diagnosis, SmtpConversation.Reply reply) {
        return new Result(problem, diagnosis + " (server said: " + reply.text() + ")", reply.text());
    }

    private static String tlsAdvice(SSLHandshakeException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("PKIX") || message.contains("unable to find valid certification path")) {
            return "the server's certificate is not trusted by this JVM (self-signed, or an intermediate "
                    + "certificate is missing on the server)";
        }
        if (message.contains("No subject alternative") || message.contains("doesn't match")) {
            return "the server's certificate does not name the host; set replyd.outbound.host to the name on "
                    + "the certificate";
        }
        if (message.contains("expired") || message.contains("NotAfter")) {
            return "the server's certificate has expired";
        }
        return message;
    }

    /** EHLO keywords (upper case) mapped to their parameters, from every line after the first. */
    private static Map<String, String> extensions(SmtpConversation.Reply ehlo) {
        Map<String, String> extensions = new LinkedHashMap<>();
        for (int i = 1; i < ehlo.lines().size(); i++) {
            String line = ehlo.lines().get(i);
            String rest = line.length() > 4 ? line.substring(4).strip() : "";
            if (rest.isEmpty()) {
                continue;
            }
            int space = rest.indexOf(' ');
            String keyword = (space < 0 ? rest : rest.substring(0, space)).toUpperCase(Locale.ROOT);
            // "AUTH=LOGIN" is an old form some servers still send next to the standard one.
            if (keyword.startsWith("AUTH=")) {
                extensions.merge("AUTH", rest.substring(5), (a, b) -> a + " " + b);
                continue;
            }
            extensions.merge(keyword, space < 0 ? "" : rest.substring(space + 1).strip(), (a, b) -> a + " " + b);
        }
        return extensions;
    }
}
