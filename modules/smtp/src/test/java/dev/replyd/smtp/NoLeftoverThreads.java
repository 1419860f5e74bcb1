package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaves replyd SMTP threads running after its {@code @AfterEach} methods (a server
 * not stopped, or a stop that does not end its event loops). Runs after the test's own clean-up.
 */
final class NoLeftoverThreads implements AfterEachCallback {

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        // an event loop completes its termination future just before its thread returns
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("replyd-smtp")) {
                thread.join(2000);
            }
        }
        assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(thread -> thread.getName().startsWith("replyd-smtp") && thread.isAlive())
                .as("threads left behind by the SMTP server").isEmpty();
    }
}
