package dev.replyd.maildir;

import dev.replyd.testing.LeakCheck;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The given of most Maildir tests: a Maildir freshly opened under a real {@code @TempDir} for each
 * test, and a test that leaves a file in its {@code tmp/} fails (every delivery must end committed
 * or aborted). Thread-safety: one test at a time, as JUnit runs them.
 */
abstract class MaildirHarness {
  @RegisterExtension final LeakCheck leaks = LeakCheck.tmpFiles();
  @TempDir Path root;
  Maildir maildir;

  @BeforeEach
  void open() throws IOException {
    maildir = Maildir.open(root);
    leaks.watchTmp(maildir.root().resolve(MaildirLayout.TMP));
  }
}
