package dev.replyd.maildir;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Givens shared by the Maildir tests: messages in a known state, and what a directory holds. */
final class MaildirFixtures {
  private MaildirFixtures() {}

  /** Delivers {@code content} with an empty prefix; returns its name in new/. */
  static String delivered(Maildir maildir, String content) throws IOException {
    return maildir.deliver(new ByteArrayInputStream(content.getBytes(US_ASCII)), new byte[0]);
  }

  /** Delivers and claims {@code content}; returns its name in cur/. */
  static String claimed(Maildir maildir, String content) throws IOException {
    String name = delivered(maildir, content);
    maildir.claim(name).orElseThrow();
    return name;
  }

  /** File names in {@code state} under {@code root}, including names replyd did not create. */
  static List<String> list(Path root, String state) throws IOException {
    try (Stream<Path> files = Files.list(root.resolve(state))) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }
}
