package dev.replyd.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds many idle SMTP connections open, as slow or stalled clients do: each connects, reads the
 * 220 banner, sends EHLO, reads the reply and then stays silent.
 *
 * <p>Usage: {@code IdleConnections HOST:PORT COUNT}. Prints {@code open=N} once every connection
 * has got its EHLO reply (or failed), then waits until stdin is closed or a line is read, then
 * closes every connection and prints {@code closed}. A connection refused or answered with
 * something other than 220/250 is counted as failed and reported on stderr.
 *
 * <p>Thread-safety: single-threaded tool.
 */
public final class IdleConnections {
  private IdleConnections() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: IdleConnections HOST:PORT COUNT");
      System.exit(2);
    }
    int colon = args[0].lastIndexOf(':');
    InetSocketAddress server = new InetSocketAddress(args[0].substring(0, colon), Integer.parseInt(args[0].substring(colon + 1)));
    int count = Integer.parseInt(args[1]);
    List<Socket> open = new ArrayList<>();
    int failed = 0;
    for (int i = 0; i < count; i++) {
      Socket socket = new Socket();
      try {
        socket.setSoTimeout(30_000);
        socket.connect(server, 10_000);
        InputStream in = socket.getInputStream();
        expect(in, "220");
        socket.getOutputStream().write("EHLO idle.client.test\r\n".getBytes(StandardCharsets.US_ASCII));
        expect(in, "250");
        open.add(socket);
      } catch (IOException e) {
        failed++;
        if (failed <= 5) {
          System.err.println("idle connection " + i + ": " + e.getMessage());
        }
        socket.close();
      }
    }
    System.out.println("open=" + open.size() + " failed=" + failed);
    System.out.flush();
    System.in.read();
    for (Socket socket : open) {
      socket.close();
    }
    System.out.println("closed");
  }

  /** Reads one (possibly multi-line) reply and checks its code. */
  private static void expect(InputStream in, String code) throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c == -1) {
        throw new IOException("closed by the server, expected " + code + " (got: " + line + ")");
      }
      if (c != '\n') {
        line.append((char) c);
        continue;
      }
      String text = line.toString().strip();
      if (!text.startsWith(code)) {
        throw new IOException("expected " + code + ", got: " + text);
      }
      if (text.length() < 4 || text.charAt(3) == ' ') {
        return;
      }
      line.setLength(0);
    }
  }
}
