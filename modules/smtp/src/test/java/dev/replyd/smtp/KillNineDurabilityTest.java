package dev.replyd.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.replyd.maildir.Maildir;
import dev.replyd.maildir.MaildirLayout;
import dev.replyd.testing.Await;
import dev.replyd.testing.SmtpClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the server JVM while clients stream messages: every message whose 250 a client received
 * is complete in new/, and new/ holds no partial file.
 */
class KillNineDurabilityTest {

    private static final int CLIENTS = 3;
    private static final int ACKS_BEFORE_KILL = 30;

    @TempDir
    Path storage;

    @Test
    void everyAcknowledgedMessageSurvivesKillNineCompleteAndNoPartialFileIsInNew() throws Exception {
        // given: the server in its own JVM
        Maildir.open(storage);
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), KillableServerMain.class.getName(),
                storage.toString())
                .redirectErrorStream(true).start();
        try {
            int port = readPort(server);
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicInteger acks = new AtomicInteger();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                Thread thread = new Thread(() -> stream(port, client, acknowledged, acks), "kill9-client-" + c);
                thread.start();
                clients.add(thread);
            }

            // when: SIGKILL while the clients are in the middle of their messages
            Await.within(Duration.ofSeconds(60), () -> acks.get() >= ACKS_BEFORE_KILL || !server.isAlive());
            Thread.sleep(7);
            server.destroyForcibly();
            assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
            for (Thread thread : clients) {
                thread.join(20_000);
            }

            // then
            assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
            Map<String, String> inNew = new HashMap<>();
            try (Stream<Path> files = Files.list(storage.resolve(MaildirLayout.NEW))) {
                for (Path file : files.toList()) {
                    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
                    String subject = subject(text);
                    assertThat(text).as("file %s in new/ is complete", file.getFileName())
                            .endsWith(body(subject));
                    inNew.put(subject, file.getFileName().toString());
                }
            }
            assertThat(inNew.keySet()).as("every message acknowledged with 250 is in new/").containsAll(acknowledged);
            System.out.printf("kill -9: %d messages acknowledged, %d complete files in new/, %d files left in tmp/%n",
                    acknowledged.size(), inNew.size(), count(storage.resolve(MaildirLayout.TMP)));
        } finally {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void stream(int port, int client, Set<String> acknowledged, AtomicInteger acks) {
        try (SmtpClient smtp = SmtpClient.greeted(port)) {
            String recipient = TestServer.codec().mint(new dev.replyd.address.ReplyToken("i", 1000 + client, 1));
            for (int i = 0; ; i++) {
                String subject = "msg-" + client + "-" + i;
                smtp.beginData("load@example.org", recipient);
                smtp.write("Subject: " + subject + "\r\n");
                String body = body(subject);
                for (int offset = 0; offset < body.length(); offset += 16 * 1024) {
                    smtp.write(body.substring(offset, Math.min(body.length(), offset + 16 * 1024)));
                }
                smtp.write(".\r\n");
                String reply = smtp.reply();
                if (reply.startsWith("250 ")) {
                    acknowledged.add(subject);
                    acks.incrementAndGet();
                }
            }
        } catch (IOException | AssertionError e) {
            // the server was killed: this client is done
        }
    }

    /** 64 KiB of numbered lines, then an end marker: any truncation shows. */
    private static String body(String subject) {
        StringBuilder body = new StringBuilder("\r\n");
        for (int line = 0; line < 800; line++) {
            body.append(subject).append(" line ").append(line).append(' ').append("p".repeat(60)).append("\r\n");
        }
        return body.append("END ").append(subject).append("\r\n").toString();
    }

    private static String subject(String text) {
        int start = text.indexOf("\r\nSubject: ") + 11;
        return text.substring(start, text.indexOf("\r\n", start));
    }

    private static int readPort(Process server) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("PORT ")) {
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException e) {
                        // the process is gone
                    }
                }, "kill9-server-output");
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(line.substring(5).trim());
            }
            seen.append(line).append('\n');
        }
        throw new IOException("server JVM ended before listening:\n" + seen);
    }

    private static long count(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.count();
        }
    }
}
