package dev.replyd.faults;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * SmtpClient - a raw SMTP client over one socket: writes exactly the bytes given (so tests can send
 * bare CR, bare LF or pipelined batches) and reads whole, possibly multi-line, replies.
 *
 * <p>Failures: IOException when the server closes or the read times out; {@link #reply()} returns
 * null at end of stream. Thread-safety: confined to one thread.
 */
final class SmtpClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  final String greeting;

  SmtpClient(int port, int readTimeoutMillis) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    socket.setSoTimeout(readTimeoutMillis);
    in = new BufferedInputStream(socket.getInputStream());
    out = socket.getOutputStream();
    greeting = reply();
  }

  /** Sends one command line (CRLF added) and returns its complete reply. */
  String send(String line) throws IOException {
    write(line + "\r\n");
    return reply();
  }

  void write(String raw) throws IOException {
    write(raw.getBytes(StandardCharsets.ISO_8859_1));
  }

  void write(byte[] raw) throws IOException {
    out.write(raw);
    out.flush();
  }

  /** Writes all commands in one segment (PIPELINING) and reads one reply per command. */
  List<String> pipeline(List<String> commands) throws IOException {
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
  String reply() throws IOException {
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
  boolean closedByServer() {
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
