package dev.replyd.outbound;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One SMTP client connection that writes every line it sends ({@code "-> "}) and receives ({@code "<- "}) to a
 * transcript, plus {@code "*  "} notes for connection and TLS events.
 *
 * <p>Contract: {@link #command} sends one line and returns the complete (possibly multi-line) reply;
 * {@link #secretCommand} does the same but shows the given mask instead of the line, which is how AUTH
 * credentials stay out of the transcript. {@link #startTls} upgrades the socket in place, verifying the server
 * certificate against {@code host} (endpoint identification "HTTPS", i.e. RFC 6125 host name rules).
 * {@link #data} sends a message dot-stuffed, with CRLF line ends, and the terminating dot.
 *
 * <p>Failures: I/O errors, timeouts included, propagate as {@link IOException}; a reply that is not SMTP
 * (no three-digit code) is an {@link IOException} naming the line.
 *
 * <p>Standards: RFC 5321 sections 4.1.1.4 (DATA), 4.2 (replies), 4.5.2 (transparency); RFC 3207 (STARTTLS).
 *
 * <p>Thread-safety: confined to one caller.
 */
final class SmtpConversation implements AutoCloseable {

    /** A reply: its code and its lines as received (without CRLF). */
    record Reply(int code, List<String> lines) {
        boolean positive() {
            return code >= 200 && code < 400;
        }

        /** All lines joined with " / ", for a one-line diagnosis. */
        String text() {
            return String.join(" / ", lines);
        }
    }

    private static final int MAX_LINE = 4096;
    private static final int MAX_REPLY_LINES = 100;

    private final PrintStream transcript;
    private final String host;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private SmtpConversation(Socket socket, String host, PrintStream transcript) throws IOException {
        this.transcript = transcript;
        this.host = host;
        use(socket);
    }

    /** Connects (and for implicit TLS, handshakes) within {@code timeout}; every read is bounded by it too. */
    static SmtpConversation open(String host, int port, boolean implicitTls, SSLSocketFactory tls, Duration timeout,
                                 PrintStream transcript) throws IOException {
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new UnknownHostException(host);
        }
        Socket plain = new Socket();
        try {
            plain.connect(address, millis);
            plain.setSoTimeout(millis);
            transcript.println("*  connected to " + address.getAddress().getHostAddress() + ":" + port);
            SmtpConversation conversation = new SmtpConversation(plain, host, transcript);
            if (implicitTls) {
                conversation.handshake(tls);
            }
            return conversation;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    Reply read() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine();
            transcript.println("<- " + line);
            lines.add(line);
            if (line.length() < 3 || !isCode(line)) {
                throw new IOException("not an SMTP reply: \"" + line + "\"");
            }
            boolean more = line.length() > 3 && line.charAt(3) == '-';
            if (!more || lines.size() >= MAX_REPLY_LINES) {
                return new Reply(Integer.parseInt(line.substring(0, 3)), List.copyOf(lines));
            }
        }
    }

    Reply command(String line) throws IOException {
        transcript.println("-> " + line);
        write(line);
        return read();
    }

    Reply secretCommand(String line, String shown) throws IOException {
        transcript.println("-> " + shown);
        write(line);
        return read();
    }

    void startTls(SSLSocketFactory tls) throws IOException {
        handshake(tls);
    }

    /** Sends the message body (any line ends) as DATA content, then the lone dot; returns the final reply. */
    Reply data(byte[] message) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream(message.length + 64);
        int i = 0;
        while (i < message.length) {
            int end = i;
            while (end < message.length && message[end] != '\n' && message[end] != '\r') {
                end++;
            }
            String text = new String(message, i, end - i, StandardCharsets.ISO_8859_1);
            String stuffed = text.startsWith(".") ? "." + text : text;
            wire.writeBytes(stuffed.getBytes(StandardCharsets.ISO_8859_1));
            wire.writeBytes(new byte[] {'\r', '\n'});
            // The wire keeps the bytes; the transcript shows them as the UTF-8 text (RFC 6532) they normally are.
            transcript.println("-> " + new String(stuffed.getBytes(StandardCharsets.ISO_8859_1),
                    StandardCharsets.UTF_8));
            if (end < message.length && message[end] == '\r' && end + 1 < message.length && message[end + 1] == '\n') {
                end++;
            }
            i = end + 1;
        }
        wire.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
        transcript.println("-> .");
        out.write(wire.toByteArray());
        out.flush();
        return read();
    }

    private void handshake(SSLSocketFactory tls) throws IOException {
        transcript.println("*  starting TLS with " + host);
        SSLSocket secure = (SSLSocket) tls.createSocket(socket, host, socket.getPort(), true);
        SSLParameters parameters = secure.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        secure.setSSLParameters(parameters);
        secure.setUseClientMode(true);
        secure.setSoTimeout(socket.getSoTimeout());
        secure.startHandshake();
        SSLSession session = secure.getSession();
        String peer;
        try {
            peer = session.getPeerPrincipal().getName();
        } catch (SSLPeerUnverifiedException e) {
            peer = "unverified";
        }
        transcript.println("*  TLS started: " + session.getProtocol() + " " + session.getCipherSuite()
                + ", server certificate " + peer);
        use(secure);
    }

    private void use(Socket next) throws IOException {
        socket = next;
        in = new BufferedInputStream(next.getInputStream());
        out = next.getOutputStream();
    }

    private void write(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed the connection");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            if (line.size() < MAX_LINE) {
                line.write(b);
            }
        }
    }

    private static boolean isCode(String line) {
        return Character.isDigit(line.charAt(0)) && Character.isDigit(line.charAt(1)) && Character.isDigit(line.charAt(2));
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing after the conversation: nothing left to report.
        }
    }
}
