package dev.replyd.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * SmtpClient - the one byte-level SMTP client of the tests, over one loopback socket: writes exactly
 * the bytes given (so tests can send bare CR, bare LF, smuggling attempts, long lines or pipelined
 * batches), reads whole, possibly multi-line, replies, and can switch to TLS (trusting any
 * certificate) after STARTTLS. Two styles share it: {@link #send} writes a command and returns its
 * reply; {@link #writeLine}/{@link #write} then {@link #expect}/{@link #reply} let a test write
 * several things before reading, or read what it did not ask for.
 *
 * <p>Failures: IOException when the read times out; {@link #reply()} returns null at end of
 * stream; {@link #expect} throws AssertionError on any other reply. Thread-safety: confined to one
 * thread.
 */
public final class SmtpClient implements AutoCloseable {
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private static final int DEFAULT_READ_TIMEOUT_MILLIS = 30_000;

  /**
   * The server's first reply (220 greeting, or 421/554 when it turns the connection away); null
   * when opened {@link #beforeGreeting} (the test reads the greeting itself).
   */
  public final String greeting;

  /** Connects to 127.0.0.1:{@code port} with a 30 s read timeout and reads the greeting. */
  public SmtpClient(int port) throws IOException {
    this(port, DEFAULT_READ_TIMEOUT_MILLIS);
  }

  public SmtpClient(int port, int readTimeoutMillis) throws IOException {
    this(connect(port), readTimeoutMillis, true);
  }

  private SmtpClient(Socket connected, int readTimeoutMillis, boolean readGreeting) throws IOException {
    socket = connected;
    socket.setSoTimeout(readTimeoutMillis);
    streams();
    greeting = readGreeting ? reply() : null;
  }

  /**
   * Connects to 127.0.0.1:{@code port} without reading anything, for a test that writes first (a
   * PROXY header) or reads the greeting itself.
   */
  public static SmtpClient beforeGreeting(int port) throws IOException {
    return beforeGreeting(connect(port));
  }

  /** Over a socket already connected (e.g. from another local address); nothing read yet. */
  public static SmtpClient beforeGreeting(Socket connected) throws IOException {
    return new SmtpClient(connected, DEFAULT_READ_TIMEOUT_MILLIS, false);
  }

  /** Connects, expects a 220 greeting, sends "EHLO client.example.org" and expects its 250. */
  public static SmtpClient greeted(int port) throws IOException {
    SmtpClient smtp = beforeGreeting(port);
    smtp.expect("220");
    smtp.writeLine("EHLO client.example.org");
    smtp.expect("250");
    return smtp;
  }

  /**
   * Whether a connection to 127.0.0.1:{@code port} is refused now (nothing listens). A server that
   * closed its listening socket refuses only once its event loop has let go of it: until then the
   * kernel still completes connections into the old socket's backlog. Wait for this, never assert
   * it once.
   */
  public static boolean refused(int port) throws IOException {
    try (Socket socket = connect(port)) {
      return false;
    } catch (ConnectException refused) {
      return true;
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    return socket;
  }

  private void streams() throws IOException {
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** Sends one command line (CRLF added) and returns its complete reply. */
  public String send(String line) throws IOException {
    write(line + "\r\n");
    return reply();
  }

  /** Writes one command line (CRLF added) without reading its reply. */
  public void writeLine(String line) throws IOException {
    write(line + "\r\n");
  }

  public void write(String raw) throws IOException {
    write(raw.getBytes(StandardCharsets.ISO_8859_1));
  }

  public void write(byte[] raw) throws IOException {
    out.write(raw);
    out.flush();
  }

  /** Writes all commands in one segment (PIPELINING) and reads one reply per command. */
  public List<String> pipeline(List<String> commands) throws IOException {
    StringBuilder batch = new StringBuilder();
    commands.forEach(c -> batch.append(c).append("\r\n"));
    write(batch.toString());
    List<String> replies = new ArrayList<>();
    for (int i = 0; i < commands.size(); i++) {
      replies.add(reply());
    }
    return replies;
  }

  /** The next complete reply (lines joined with \n), or null when the server closed first. */
  public String reply() throws IOException {
    StringBuilder all = new StringBuilder();
    while (true) {
      String line = line();
      if (line == null) {
        return all.length() == 0 ? null : all.toString();
      }
      all.append(all.length() == 0 ? "" : "\n").append(line);
      if (line.length() < 4 || line.charAt(3) != '-') {
        return all.toString();
      }
    }
  }

  /** Reads one reply and checks it starts with {@code code}; returns it. */
  public String expect(String code) throws IOException {
    String reply = reply();
    if (reply == null || !reply.startsWith(code)) {
      throw new AssertionError("expected a " + code + " reply, got: " + reply);
    }
    return reply;
  }

  /**
   * Sends one command line (CRLF added) and checks its reply starts with {@code code}; returns it. For
   * the steps a test passes through on its way to what it checks.
   */
  public String sendExpecting(String line, String code) throws IOException {
    writeLine(line);
    return expect(code);
  }

  /** MAIL FROM:&lt;{@code from}&gt;, expected to get 250. */
  public void mailFrom(String from) throws IOException {
    sendExpecting("MAIL FROM:<" + from + ">", "250");
  }

  /** RCPT TO:&lt;{@code to}&gt;, expected to get 250. */
  public void rcptTo(String to) throws IOException {
    sendExpecting("RCPT TO:<" + to + ">", "250");
  }

  /** MAIL FROM and RCPT TO for one recipient, each expected to get 250: ready for DATA or BDAT. */
  public void beginTransaction(String from, String to) throws IOException {
    mailFrom(from);
    rcptTo(to);
  }

  /** {@link #beginTransaction} then DATA, expected to get 354: ready for the message's bytes. */
  public void beginData(String from, String to) throws IOException {
    beginTransaction(from, to);
    sendExpecting("DATA", "354");
  }

  /**
   * DATA in a transaction whose recipients were accepted, expected to get 354, then {@code message}
   * (CRLF-terminated lines, without the final dot; bytes as {@link #write(String)} writes them) and
   * the dot; returns the reply to the dot.
   */
  public String data(String message) throws IOException {
    return data(message.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** {@link #data(String)} for a message given as bytes (UTF-8 or 8-bit content). */
  public String data(byte[] message) throws IOException {
    sendExpecting("DATA", "354");
    byte[] withDot = Arrays.copyOf(message, message.length + 3);
    withDot[message.length] = '.';
    withDot[message.length + 1] = '\r';
    withDot[message.length + 2] = '\n';
    write(withDot); // one write, message and dot together, as a client that has the whole message sends it
    return reply();
  }

  /**
   * One CHUNKING chunk (RFC 3030): "BDAT n", with " LAST" when {@code last}, and the chunk's n bytes
   * (as {@link #write(String)} writes them); returns the reply to the chunk.
   */
  public String bdat(String chunk, boolean last) throws IOException {
    return bdat(chunk.getBytes(StandardCharsets.ISO_8859_1), last);
  }

  /** {@link #bdat(String, boolean)} for a chunk given as bytes. */
  public String bdat(byte[] chunk, boolean last) throws IOException {
    writeLine("BDAT " + chunk.length + (last ? " LAST" : ""));
    write(chunk);
    return reply();
  }

  /**
   * One transaction for one recipient ({@link #beginTransaction}), then {@link #data(String)} with
   * {@code body}; returns the reply to the dot.
   */
  public String sendMessage(String from, String to, String body) throws IOException {
    beginTransaction(from, to);
    return data(body);
  }

  /**
   * True when the server has closed the connection: reads (and drops) whatever it still sends until
   * end of stream or a reset; false when the read times out with the connection still open.
   */
  public boolean closedByServer() {
    try {
      while (true) {
        int b = in.read();
        if (b < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /**
   * True when the server sends nothing for {@code quiet} and keeps the connection open (a reply it is
   * holding back); false when a byte arrives or the connection ends. For a deliberately long hold, so
   * that the window is no timing target.
   */
  public boolean silentFor(java.time.Duration quiet) throws IOException {
    int before = socket.getSoTimeout();
    socket.setSoTimeout(Math.toIntExact(quiet.toMillis()));
    try {
      in.read(); // a byte, or the end of the stream: not silent either way
      return false;
    } catch (SocketTimeoutException nothingYet) {
      return true;
    } finally {
      socket.setSoTimeout(before);
    }
  }

  /** STARTTLS, trusting any certificate; returns the certificate the server presented. */
  public X509Certificate startTls() throws Exception {
    String ready = send("STARTTLS");
    if (!ready.startsWith("220")) {
      throw new AssertionError("STARTTLS refused: " + ready);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new X509TrustManager() {
      @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
      @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
      @Override public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
    tls.startHandshake();
    socket = tls;
    streams();
    return (X509Certificate) tls.getSession().getPeerCertificates()[0];
  }

  private String line() throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b; (b = in.read()) >= 0; ) {
      if (b == '\n') {
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
      }
      line.append((char) b);
    }
    return line.length() == 0 ? null : line.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
