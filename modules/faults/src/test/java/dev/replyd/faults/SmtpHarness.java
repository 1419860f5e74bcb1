package dev.replyd.faults;

import dev.replyd.smtp.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * SmtpHarness - the given-block of the RCPT-time tests: replyd's SMTP server in this JVM on a
 * temporary Maildir, with no error limit (a test sends thousands of refused commands in one
 * session); stopped after each test.
 *
 * <p>Thread-safety: confined to the test thread.
 */
abstract class SmtpHarness {
  @TempDir Path root;
  TestServer smtp;

  @BeforeEach
  void startSmtp() throws Exception {
    smtp = TestServer.start(root, s -> s.withMaxErrors(Integer.MAX_VALUE));
  }

  @AfterEach
  void stopSmtp() {
    smtp.close();
  }
}
