package dev.replyd.faults;

import dev.replyd.maildir.MaildirLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * StoredFiles - reads what replyd left under a storage root: file counts per state directory and,
 * for the load client's messages, how many files of each message number sit in a state.
 *
 * <p>Thread-safety: stateless.
 */
final class StoredFiles {
  private static final Pattern LOAD_MESSAGE_ID =
      Pattern.compile("(?im)^Message-ID:\\s*<(\\d+)\\." + Pattern.quote(LoadClient.MESSAGE_ID_DOMAIN) + ">");

  private StoredFiles() {}

  /** Message files in {@code state} (companion .json files not counted); 0 when it does not exist. */
  static List<Path> messages(Path root, String state) throws IOException {
    Path dir = root.resolve(state);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> !f.getFileName().toString().endsWith(".json")).sorted().toList();
    }
  }

  static int count(Path root, String state) throws IOException {
    return messages(root, state).size();
  }

  /** Load-client message number to the number of its files in {@code state}. */
  static Map<Long, Integer> loadMessages(Path root, String state) throws IOException {
    Map<Long, Integer> counts = new HashMap<>();
    for (Path file : messages(root, state)) {
      byte[] head;
      try (InputStream in = Files.newInputStream(file)) {
        head = in.readNBytes(8192);
      }
      Matcher m = LOAD_MESSAGE_ID.matcher(new String(head, StandardCharsets.ISO_8859_1));
      if (m.find()) {
        counts.merge(Long.parseLong(m.group(1)), 1, Integer::sum);
      }
    }
    return counts;
  }

  /** "tmp=0 new=3 cur=0 ..." for failure messages. */
  static String summary(Path root) throws IOException {
    StringBuilder s = new StringBuilder();
    for (String state : MaildirLayout.STATES) {
      s.append(state).append('=').append(count(root, state)).append(' ');
    }
    return s.toString().trim();
  }
}
