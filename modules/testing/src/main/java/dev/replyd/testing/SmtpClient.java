package dev.replyd.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * SmtpClient - a byte-level SMTP client over one loopback socket: writes exactly the bytes given
 * (so tests can send bare CR, bare LF or pipelined batches), reads whole, possibly multi-line,
 * replies, and can switch to TLS (trusting any certificate) after STARTTLS.
 *
 * <p>Failures: IOException when the server closes or the read times out; {@link #reply()} returns
 * null at end of stream. Thread-safety: confined to one thread.
 */
public final class SmtpClient implements AutoCloseable {
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  /** The server's first reply (220 greeting, or 421/554 when it turns the connection away). */
  public final String greeting;

  /** Connects to 127.0.0.1:{@code port} with a 30 s read timeout and reads the greeting. */
  public SmtpClient(int port) throws IOException {
    this(port, 30_000);
  }

  public SmtpClient(int port, int readTimeoutMillis) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    socket.setSoTimeout(readTimeoutMillis);
    streams();
    greeting = reply();
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

  /** True when the server has closed the connection (reads end of stream within the timeout). */
  public boolean closedByServer() {
    try {
      while (true) {
        int b = in.read();
        if (b < 0) {
          return true;
        }
      }
    } catch (IOException e) {
      return e.getMessage() != null && e.getMessage().contains("reset");
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
