package dev.replyd.processor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The ordinary main app as a real process on loopback: {@code main-app/main_app.py} (Python's
 * {@code http.server}), in one of its connection modes, recording the delivery id of every POST
 * it answered. Closing it kills the process it started (by its handle).
 */
final class PythonMainApp implements AutoCloseable {

  private final Process process;
  private final Path record;
  private final int port;

  PythonMainApp(Path dir, String mode, String... extra) throws IOException, URISyntaxException {
    Path script = Path.of(PythonMainApp.class.getResource("/main-app/main_app.py").toURI());
    this.record = dir.resolve("main-app-" + mode + ".posts");
    List<String> command = new java.util.ArrayList<>(
        List.of("python3", script.toString(), "--mode", mode, "--record", record.toString()));
    command.addAll(List.of(extra));
    this.process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    String first = out.readLine();
    if (first == null || !first.startsWith("listening ")) {
      process.destroyForcibly();
      throw new IOException("main_app.py did not start: " + first);
    }
    this.port = Integer.parseInt(first.substring("listening ".length()).trim());
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + port + "/hooks/replyd");
  }

  /** Delivery ids of the POSTs answered 200, in arrival order. */
  List<String> answered() throws IOException {
    if (!Files.exists(record)) {
      return List.of();
    }
    return Files.readAllLines(record, StandardCharsets.UTF_8).stream()
        .map(line -> line.split(" "))
        .filter(fields -> fields.length >= 2)
        .map(fields -> fields[1])
        .toList();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
