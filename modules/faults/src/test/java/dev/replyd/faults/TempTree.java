package dev.replyd.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * TempTree - a temporary directory for jqwik properties, which cannot use JUnit's {@code @TempDir};
 * {@link #close()} deletes the whole tree.
 *
 * <p>Thread-safety: confined to the test thread.
 */
final class TempTree implements AutoCloseable {
  final Path path;

  TempTree(String prefix) throws IOException {
    path = Files.createTempDirectory(prefix);
  }

  @Override
  public void close() throws IOException {
    try (Stream<Path> all = Files.walk(path)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
