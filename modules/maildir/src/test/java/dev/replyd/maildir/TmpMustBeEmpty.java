package dev.replyd.maildir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves files in the tmp/ of a watched Maildir, the way OkHttpClientTestRule
 * fails a test that leaks connections: every delivery must end committed (file moved to new/)
 * or aborted (file removed).
 *
 * <pre>
 * &#64;RegisterExtension final TmpMustBeEmpty tmpMustBeEmpty = new TmpMustBeEmpty();
 * &#64;BeforeEach void open() throws IOException { maildir = tmpMustBeEmpty.watch(Maildir.open(root)); }
 * </pre>
 *
 * Runs after the test and before JUnit removes its {@code @TempDir}. Confined to one test.
 */
final class TmpMustBeEmpty implements AfterEachCallback {
  private final List<Maildir> watched = new ArrayList<>();

  Maildir watch(Maildir maildir) {
    watched.add(maildir);
    return maildir;
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    List<Path> left = new ArrayList<>();
    for (Maildir maildir : watched) {
      Path tmp = maildir.root().resolve(MaildirLayout.TMP);
      try (Stream<Path> files = Files.list(tmp)) {
        files.forEach(left::add);
      }
    }
    watched.clear();
    if (!left.isEmpty()) {
      throw new AssertionError(context.getDisplayName() + " left " + left.size()
          + " file(s) in tmp/ (expected: every delivery committed or closed): " + left);
    }
  }
}
