package dev.replyd.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** A raw SMTP client over a socket: writes lines, reads whole (multi-line) replies. */
final class SmtpSession implements AutoCloseable {
  private Socket socket;
  private BufferedReader in;
  private OutputStream out;
  final String greeting;

  SmtpSession(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(30_000);
    streams();
    greeting = reply();
  }

  private void streams() throws IOException {
    in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
    out = socket.getOutputStream();
  }

  /** Sends one command line and returns the complete reply (lines joined with \n). */
  String send(String line) throws IOException {
    write(line + "\r\n");
    return reply();
  }

  void write(String raw) throws IOException {
    out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  String reply() throws IOException {
    StringBuilder all = new StringBuilder();
    for (String line; (line = in.readLine()) != null; ) {
      all.append(all.length() == 0 ? "" : "\n").append(line);
      if (line.length() < 4 || line.charAt(3) != '-') {
        return all.toString();
      }
    }
    return all.length() == 0 ? null : all.toString();
  }

  /** STARTTLS, trusting any certificate; returns the certificate the server presented. */
  X509Certificate startTls() throws Exception {
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

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
