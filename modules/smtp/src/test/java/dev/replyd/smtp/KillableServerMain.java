package dev.replyd.smtp;

import java.nio.file.Path;

/**
 * Runs a replyd SMTP server in its own JVM for {@link KillNineDurabilityTest}: prints "PORT n" once
 * listening, then serves until the process is killed.
 */
public final class KillableServerMain {

    private KillableServerMain() {
    }

    public static void main(String[] args) throws Exception {
        TestServer server = TestServer.start(Path.of(args[0]));
        System.out.println("PORT " + server.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
