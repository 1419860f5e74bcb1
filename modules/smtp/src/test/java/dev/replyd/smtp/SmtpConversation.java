package dev.replyd.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A raw SMTP client over a plain socket, for the cases a well-behaved client never shows (smuggling,
 * long lines, pipelining): writes exactly the bytes given, reads replies as the server sent them.
 */
final class SmtpConversation implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    SmtpConversation(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    /** Over a socket already connected (e.g. from another local address, or wrapped in TLS). */
    SmtpConversation(Socket connected) throws IOException {
        socket = connected;
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Connects, reads the greeting, sends EHLO and reads its reply. */
    static SmtpConversation greeted(int port) throws IOException {
        SmtpConversation smtp = new SmtpConversation(port);
        smtp.expect("220");
        smtp.send("EHLO client.example.org");
        smtp.expect("250");
        return smtp;
    }

    void send(String line) throws IOException {
        raw(line + "\r\n");
    }

    void raw(String bytes) throws IOException {
        raw(bytes.getBytes(StandardCharsets.ISO_8859_1));
    }

    void raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** One complete reply, all its lines joined with "\n" (e.g. "250-a\n250 b"). */
    String reply() throws IOException {
        StringBuilder reply = new StringBuilder();
        while (true) {
            String line = line();
            if (line == null) {
                throw new IOException("connection closed while reading a reply; got so far: " + reply);
            }
            reply.append(reply.length() == 0 ? "" : "\n").append(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return reply.toString();
            }
        }
    }

    /** Reads one reply and checks it starts with {@code code}; returns it. */
    String expect(String code) throws IOException {
        String reply = reply();
        if (!reply.startsWith(code)) {
            throw new AssertionError("expected a " + code + " reply, got: " + reply);
        }
        return reply;
    }

    /** True when the server closed the connection (EOF within the socket timeout). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** A full transaction for one recipient with the given body (already CRLF-terminated lines, no dot). */
    String sendMessage(String from, String to, String body) throws IOException {
        send("MAIL FROM:<" + from + ">");
        expect("250");
        send("RCPT TO:<" + to + ">");
        expect("250");
        send("DATA");
        expect("354");
        raw(body + ".\r\n");
        return reply();
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
