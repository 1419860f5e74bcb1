package dev.replyd.diagnostics;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Diagnose check {@code "smtp banner"}: something listens on the SMTP port and greets with a {@code 220}
 * that names our host, so it is replyd and not another mail server holding the port.
 *
 * <p>Contract: connects to the configured address (a wildcard bind address such as {@code 0.0.0.0} is probed
 * on loopback), reads the whole greeting (multi-line {@code 220-} replies included), then says {@code QUIT}.
 * PASS for a 220 naming the expected host and replyd (case-insensitive: {@code 220 <hostname> ESMTP replyd});
 * FAIL for a refused connection, a timeout, a greeting other than 220 (e.g. 554: the server refuses us), or a
 * 220 from another server (not naming the host, or naming it without replyd: a Postfix still running).
 *
 * <p>Standards: RFC 5321 section 4.2 (reply lines), 4.3.1 (the greeting).
 *
 * <p>Thread-safety: stateless.
 */
final class SmtpBannerCheck {

    static final String NAME = "smtp banner";

    /** replyd's greeting is {@code 220 <hostname> ESMTP replyd}. */
    private static final String PRODUCT = "replyd";

    /** A greeting longer than this is not an SMTP server. */
    private static final int MAX_GREETING_LINES = 20;

    private SmtpBannerCheck() {
    }

    static Check run(InetSocketAddress configured, String expectedHost, Duration timeout) {
        if (configured == null) {
            return Check.fail(NAME, "not checked: replyd.smtp.bind/port are not set", "set replyd.smtp.port");
        }
        InetSocketAddress target = probeAddress(configured);
        String where = target.getAddress().getHostAddress() + ":" + target.getPort();
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        try (Socket socket = new Socket()) {
            socket.connect(target, millis);
            socket.setSoTimeout(millis);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            StringBuilder greeting = new StringBuilder();
            String line;
            int lines = 0;
            do {
                line = in.readLine();
                if (line == null) {
                    return Check.fail(NAME, where + " closed the connection before a complete greeting"
                            + (greeting.length() > 0 ? " (got \"" + greeting + "\")" : ""),
                            "check the mail log: the server may be refusing connections from this address");
                }
                greeting.append(greeting.length() > 0 ? " | " : "").append(line);
                lines++;
            } while (line.length() > 3 && line.charAt(3) == '-' && lines < MAX_GREETING_LINES);
            quit(socket.getOutputStream());
            String text = greeting.toString();
            if (!text.startsWith("220")) {
                return Check.fail(NAME, where + " greeted with \"" + text + "\" instead of 220",
                        "check the mail log for why replyd refuses sessions (e.g. shutting down, limits)");
            }
            String lower = text.toLowerCase(Locale.ROOT);
            String stopOther = "stop the other server (e.g. systemctl disable --now postfix) and restart replyd";
            if (expectedHost != null && !lower.contains(expectedHost.toLowerCase(Locale.ROOT))) {
                return Check.fail(NAME, where + " answers \"" + text + "\", which does not name " + expectedHost
                        + ": another mail server holds the port", stopOther);
            }
            // A Postfix left running from the classic setup greets with the same host name: look for our product.
            if (!lower.contains(PRODUCT)) {
                return Check.fail(NAME, where + " answers \"" + text + "\", which is not replyd's greeting: "
                        + "another mail server holds the port", stopOther);
            }
            return Check.pass(NAME, where + " answers \"" + text + "\"");
        } catch (ConnectException e) {
            return Check.fail(NAME, "nothing listens on " + where + " (connection refused)",
                    "start replyd (systemctl start replyd) and check replyd.smtp.bind/port; binding port 25 needs "
                            + "CAP_NET_BIND_SERVICE");
        } catch (SocketTimeoutException e) {
            return Check.fail(NAME, where + " did not greet within " + timeout.toMillis() + " ms",
                    "check that replyd is not overloaded and that no firewall drops port " + target.getPort());
        } catch (IOException e) {
            return Check.fail(NAME, "connecting to " + where + " failed: " + e.getMessage(),
                    "check replyd.smtp.bind/port and the firewall");
        }
    }

    private static InetSocketAddress probeAddress(InetSocketAddress configured) {
        InetAddress address = configured.getAddress();
        if (address == null || address.isAnyLocalAddress()) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), configured.getPort());
        }
        return configured;
    }

    private static void quit(OutputStream out) {
        try {
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            // The greeting is what was checked; a server that hung up first is no less healthy.
        }
    }
}
