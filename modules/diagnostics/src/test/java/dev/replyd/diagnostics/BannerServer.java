package dev.replyd.diagnostics;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * A fake SMTP listener on loopback that sends a fixed greeting to each client and records what it says back.
 *
 * <p>Thread-safety: one accept thread; {@link #received()} is safe to read from the test thread.
 */
final class BannerServer implements AutoCloseable {

    private final ServerSocket socket;
    private final Thread thread;
    private final List<String> received = new CopyOnWriteArrayList<>();

    BannerServer(String greeting) throws IOException {
        socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> serve(greeting), "banner-server");
        thread.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
    }

    List<String> received() {
        return received;
    }

    private void serve(String greeting) {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                OutputStream out = client.getOutputStream();
                out.write((greeting + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                        StandardCharsets.US_ASCII));
                String line = in.readLine();
                if (line != null) {
                    received.add(line);
                    out.write("221 bye\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException e) {
                // Closed by close(), or a client that hung up: either way the next accept decides.
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
