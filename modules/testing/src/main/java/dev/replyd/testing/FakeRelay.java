package dev.replyd.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The one fake SMTP server of the tests, on loopback: the relay replyd's own mail goes through (test email,
 * failure notices) and the peer diagnose's banner check greets. EHLO, optional STARTTLS, AUTH PLAIN/LOGIN
 * against one user and password (or always 535), relay only when authenticated (or always), DATA, SMTPUTF8
 * (RFC 6531) when asked, and any greeting (another mail server's, a 554) or none at all.
 *
 * <p>Like a real relay it refuses what a client may not send: with SMTPUTF8 offered, a non-ASCII address in a
 * transaction whose MAIL FROM lacks the parameter ({@code 553 5.6.7}); without it, the parameter
 * ({@code 555 5.5.4}) and any non-ASCII address ({@code 553 5.6.7}).
 *
 * <p>It records every command line it receives (AUTH payloads included, so tests can check what was really
 * sent), the parameters of each MAIL FROM and each message's content. One client at a time.
 *
 * <p>Thread-safety: one server thread writes the records; test threads read them (copy-on-write lists, or
 * under the relay's lock).
 */
public final class FakeRelay implements AutoCloseable {

    /** The greeting of the relay, unless {@link Behaviour#withGreeting} sets another. */
    public static final String GREETING = "220 relay.test ESMTP fake";

    /**
     * How the relay behaves. {@code tls} null: no STARTTLS. {@code greeting} null: accept and say nothing.
     * {@code smtpUtf8}: offer SMTPUTF8 in EHLO.
     */
    public record Behaviour(String user, String password, boolean rejectAllAuth, boolean relayWithoutAuth,
                            SSLContext tls, String greeting, boolean smtpUtf8) {

        /** A relay that takes any message without AUTH. */
        public static Behaviour open() {
            return new Behaviour("", "", false, true, null, GREETING, false);
        }

        /** A relay that relays only after AUTH (PLAIN or LOGIN) as {@code user} with {@code password}. */
        public static Behaviour authenticating(String user, String password) {
            return new Behaviour(user, password, false, false, null, GREETING, false);
        }

        /** The same relay, answering every AUTH with 535, the right credentials too. */
        public Behaviour rejectingEveryLogin() {
            return new Behaviour(user, password, true, relayWithoutAuth, tls, greeting, smtpUtf8);
        }

        /** The same relay, offering STARTTLS with {@code context}'s server certificate. */
        public Behaviour withStartTls(SSLContext context) {
            return new Behaviour(user, password, rejectAllAuth, relayWithoutAuth, context, greeting, smtpUtf8);
        }

        /** The same relay, offering SMTPUTF8. */
        public Behaviour withSmtpUtf8() {
            return new Behaviour(user, password, rejectAllAuth, relayWithoutAuth, tls, greeting, true);
        }

        /**
         * The same relay, greeting each client with {@code greeting} (a whole reply line, without CRLF),
         * or with null accepting connections and saying nothing until the client gives up.
         */
        public Behaviour withGreeting(String greeting) {
            return new Behaviour(user, password, rejectAllAuth, relayWithoutAuth, tls, greeting, smtpUtf8);
        }

        /** The same relay, accepting connections and never greeting. */
        public Behaviour silent() {
            return withGreeting(null);
        }
    }

    private final Behaviour behaviour;
    private final ServerSocket server;
    private final Thread thread;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<String> mailParameters = new CopyOnWriteArrayList<>();
    private final List<String> messages = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean authenticated;

    public FakeRelay(Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "fake-relay");
        thread.start();
    }

    /** A server that greets each client with {@code greeting} and otherwise acts as an {@link Behaviour#open} relay. */
    public static FakeRelay greeting(String greeting) throws IOException {
        return new FakeRelay(Behaviour.open().withGreeting(greeting));
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Where it listens: the loopback address and {@link #port()}. */
    public InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    /** Every line received outside DATA, in order, AUTH payloads included. */
    public List<String> commands() {
        return commands;
    }

    /** The parameters of each MAIL FROM received, in order: what follows its {@code >}, "" when none. */
    public List<String> mailParameters() {
        return mailParameters;
    }

    /** All messages received, one after the other (lines end in LF). */
    public synchronized String message() {
        return String.join("", messages);
    }

    /** Each message received, in order (lines end in LF, dot-stuffing removed). */
    public synchronized List<String> messages() {
        return List.copyOf(messages);
    }

    /** Waits until {@code count} messages arrived; false if they did not within {@code timeout}. */
    public synchronized boolean awaitMessages(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (messages.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    public boolean authenticated() {
        return authenticated;
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket client = server.accept()) {
                connections.incrementAndGet();
                client.setSoTimeout(10_000);
                if (behaviour.greeting() == null) {
                    // Hold the connection open without a greeting until the client gives up.
                    client.getInputStream().read();
                    continue;
                }
                session(client);
            } catch (IOException e) {
                // Closed by close(), or the client went away: wait for the next one.
            }
        }
    }

    private void session(Socket plain) throws IOException {
        Socket socket = plain;
        BufferedReader in = reader(socket);
        OutputStream out = socket.getOutputStream();
        send(out, behaviour.greeting());
        boolean tlsActive = false;
        boolean utf8Transaction = false;
        String line;
        while ((line = in.readLine()) != null) {
            commands.add(line);
            String upper = line.toUpperCase();
            if (upper.startsWith("EHLO")) {
                StringBuilder ehlo = new StringBuilder("250-relay.test\r\n");
                if (behaviour.tls() != null && !tlsActive) {
                    ehlo.append("250-STARTTLS\r\n");
                }
                if (behaviour.smtpUtf8()) {
                    ehlo.append("250-SMTPUTF8\r\n");
                }
                ehlo.append("250-AUTH PLAIN LOGIN\r\n250 8BITMIME");
                send(out, ehlo.toString());
            } else if (upper.equals("STARTTLS") && behaviour.tls() != null) {
                send(out, "220 2.0.0 Ready to start TLS");
                SSLSocket secure = (SSLSocket) behaviour.tls().getSocketFactory()
                        .createSocket(socket, null, socket.getPort(), true);
                secure.setUseClientMode(false);
                secure.startHandshake();
                socket = secure;
                in = reader(socket);
                out = socket.getOutputStream();
                tlsActive = true;
            } else if (upper.startsWith("AUTH PLAIN ")) {
                String[] parts = decode(line.substring(11)).split("\0", -1);
                auth(out, parts.length == 3 && parts[1].equals(behaviour.user()) && parts[2].equals(behaviour.password()));
            } else if (upper.equals("AUTH LOGIN")) {
                send(out, "334 VXNlcm5hbWU6");
                String user = in.readLine();
                commands.add(user);
                send(out, "334 UGFzc3dvcmQ6");
                String password = in.readLine();
                commands.add(password);
                auth(out, decode(user).equals(behaviour.user()) && decode(password).equals(behaviour.password()));
            } else if (upper.startsWith("MAIL FROM:")) {
                int close = line.indexOf('>');
                String parameters = close < 0 ? "" : line.substring(close + 1).strip();
                mailParameters.add(parameters);
                utf8Transaction = parameters.toUpperCase().contains("SMTPUTF8");
                if (utf8Transaction && !behaviour.smtpUtf8()) {
                    send(out, "555 5.5.4 Unsupported option: SMTPUTF8");
                } else if (!utf8Transaction && !isAscii(line)) {
                    send(out, "553 5.6.7 SMTPUTF8 is required, but was not offered");
                } else {
                    send(out, "250 2.1.0 Ok");
                }
            } else if (upper.startsWith("RCPT TO:")) {
                if (!utf8Transaction && !isAscii(line)) {
                    send(out, "553 5.6.7 SMTPUTF8 is required, but was not offered");
                    continue;
                }
                send(out, authenticated || behaviour.relayWithoutAuth() ? "250 2.1.5 Ok"
                        : "554 5.7.1 <" + line.substring(9).replaceAll("[<>]", "") + ">: Relay access denied");
            } else if (upper.equals("DATA")) {
                send(out, "354 End data with <CR><LF>.<CR><LF>");
                StringBuilder message = new StringBuilder();
                String data;
                while ((data = in.readLine()) != null && !data.equals(".")) {
                    message.append(data.startsWith("..") ? data.substring(1) : data).append('\n');
                }
                send(out, "250 2.0.0 Ok: queued as TEST1");
                synchronized (this) {
                    messages.add(message.toString());
                    notifyAll();
                }
            } else if (upper.equals("QUIT")) {
                send(out, "221 2.0.0 Bye");
                return;
            } else {
                send(out, "502 5.5.2 Error: command not recognized");
            }
        }
    }

    private void auth(OutputStream out, boolean good) throws IOException {
        if (good && !behaviour.rejectAllAuth()) {
            authenticated = true;
            send(out, "235 2.7.0 Authentication successful");
        } else {
            send(out, "535 5.7.8 Error: authentication failed: authentication failure");
        }
    }

    private static boolean isAscii(String text) {
        return text.chars().allMatch(c -> c < 0x80);
    }

    private static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void send(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
