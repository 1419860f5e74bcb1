package dev.replyd.faults;

import dev.replyd.smtp.TestServer;
import dev.replyd.smtp.TestServers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SmtpHarness - the given-block of the RCPT-time tests: replyd's SMTP server in this JVM on a
 * temporary Maildir, with no error limit (a test sends thousands of refused commands in one
 * session); stopped after each test by {@link TestServers}, which also fails the test if it leaked.
 *
 * <p>Thread-safety: confined to the test thread.
 */
abstract class SmtpHarness {
  @RegisterExtension final TestServers servers = new TestServers();
  TestServer smtp;

  @BeforeEach
  void startSmtp() throws Exception {
    smtp = servers.start(s -> s.withMaxErrors(Integer.MAX_VALUE));
  }
}
