package dev.replyd.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.replyd.maildir.FailureReason;
import dev.replyd.maildir.FailureRecord;
import dev.replyd.maildir.RetryState;
import dev.replyd.testing.LoopbackPorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The support bundle, built from real files and a real metrics endpoint, then unpacked with the real tar. */
class SupportBundleTest {

    /** Every secret the test's config, key file and environment hold: each distinct, so a leak names its source. */
    private enum Secret {
        ADDRESS_KEY_1("addrkey-one-7f3a9c1e5b2d4f6a8c0e"),
        ADDRESS_KEY_2("addrkey-two-0d9e8f7a6b5c4d3e2f1a"),
        CALLBACK_SECRET("callback-secret-Zq8wX1vB7nM4kL2j"),
        OUTBOUND_PASSWORD("outbound-password-Hy6tR5eW3qA9sD"),
        API_TOKEN("api-token-Pl0oK9iJ8uH7yG6t"),
        URL_PASSWORD("urlpass-Vb5nM3xZ1cQ7"),
        COMMENTED_SECRET("commented-old-secret-Ee4rT6yU8i"),
        FILE_SECRET("credential-file-secret-Aa1sS2dD3f"),
        ENV_ONLY_SECRET("env-only-secret-Gg5hH6jJ7kK8");

        final String text;

        Secret(String text) {
            this.text = text;
        }
    }

    @TempDir
    Path dir;

    @Test
    void bundleHoldsEveryExpectedFileAndNoConfiguredSecretAnywhere() throws Exception {
        Path config = writeConfig();
        Path storage = storageWithFailures();
        Path mailLog = log("mail.log", 500, 250, "smtp: client 127.0.0.1 AUTH leaked " + Secret.CALLBACK_SECRET.text);
        Path repliesLog = log("replies.log", 20, 19, "posted with env secret " + Secret.ENV_ONLY_SECRET.text
                + " and password " + Secret.OUTBOUND_PASSWORD.text);
        HttpServer metrics = metricsServer("replyd_smtp_connections_total{result=\"accepted\",} 3.0\n");
        try {
            URI metricsUrl = URI.create("http://127.0.0.1:" + metrics.getAddress().getPort() + "/metrics");
            SupportBundle.Inputs inputs = new SupportBundle.Inputs(config,
                    List.of(bytes(Secret.ENV_ONLY_SECRET.text), bytes(Secret.FILE_SECRET.text),
                            bytes(Secret.CALLBACK_SECRET.text)),
                    "PASS  config  configuration loaded without errors\n",
                    List.of(mailLog, repliesLog, dir.resolve("absent.log")), 100, metricsUrl, storage, 2,
                    "0.1.0-test", Duration.ofSeconds(5));
            Path bundle = dir.resolve("out/bundle.tar.gz");
            Files.createDirectories(bundle.getParent());

            SupportBundle.write(bundle, inputs);

            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bundle))).isEqualTo("rw-------");
            Map<String, String> files = untar(bundle);
            assertThat(files.keySet()).containsExactly("README.txt", "config/replyd.conf", "diagnose.txt",
                    "logs/mail.log", "logs/replies.log", "metrics.txt", "storage.txt",
                    "failures/1700000300.M3P1Q1.host.reason.json", "versions.txt");
            for (Map.Entry<String, String> file : files.entrySet()) {
                for (Secret secret : Secret.values()) {
                    assertThat(file.getValue()).as("%s must not contain %s", file.getKey(), secret)
                            .doesNotContain(secret.text);
                }
            }

            String conf = files.get("config/replyd.conf");
            assertThat(conf).contains("hostname=\"tracker.test\"", "keys-file=\"" + dir.resolve("address-keys") + "\"",
                    "url=\"https://tracker.test/hooks/replyd\"", "username=bob",
                    "bind=${?REPLYD_TEST_METRICS_BIND}", "env-secret=\"<redacted>\"");
            assertThat(conf).containsPattern("keys=\\[\\s*\"<redacted>\",\\s*\"<redacted>\"\\s*\\]");
            assertThat(conf).contains("secret=\"<redacted>\"", "password=\"<redacted>\"", "api-token=\"<redacted>\"");
            assertThat(conf).doesNotContain("#  old");

            List<String> mailLines = files.get("logs/mail.log").lines().collect(Collectors.toList());
            assertThat(mailLines).hasSize(100);
            assertThat(mailLines.get(0)).isEqualTo("line 401 of mail.log");
            assertThat(mailLines.get(99)).isEqualTo("line 500 of mail.log");
            assertThat(files.get("logs/mail.log")).contains("AUTH leaked <redacted>");
            assertThat(files.get("logs/replies.log")).contains("posted with env secret <redacted> and password <redacted>");

            assertThat(files.get("metrics.txt")).isEqualTo("replyd_smtp_connections_total{result=\"accepted\",} 3.0\n");
            assertThat(files.get("diagnose.txt")).isEqualTo("PASS  config  configuration loaded without errors\n");
            assertThat(files.get("storage.txt")).contains(
                    String.format("%-26s %d%n", "mail/reply/new", 2),
                    String.format("%-26s %d (+3 reason/retry files)%n", "incoming-mail/failure", 3),
                    String.format("%-26s missing%n", "incoming-mail/postmaster"));
            FailureRecord kept = FailureRecord.fromJson(
                    files.get("failures/1700000300.M3P1Q1.host.reason.json").getBytes(StandardCharsets.UTF_8));
            assertThat(kept.reason()).isEqualTo("callback_rejected");
            assertThat(kept.detail()).isEqualTo("401 body echoed <redacted>");
            assertThat(kept.envelopeSender()).isEqualTo("alice@example.org");
            assertThat(kept.messageId()).isEqualTo("<a1@example.org>");
            assertThat(kept.subject()).isNull();
            assertThat(files.values()).noneMatch(content -> content.contains("my private words"));
            assertThat(files.get("README.txt")).contains("  - failures/1700000200.M2P1Q1.host.reason.json: not a reason "
                    + "file replyd can read, left out (");
            assertThat(files.get("versions.txt")).startsWith("replyd 0.1.0-test\njava 17").contains("# uname -a\nLinux");
            assertThat(files.get("README.txt")).contains("  - logs/absent.log: not included, "
                    + dir.resolve("absent.log") + " does not exist\n");
        } finally {
            metrics.stop(0);
        }
    }

    @Test
    void valuesUnderMisspelledKeysAndTokensInTheCallbackUrlAreRedacted() throws Exception {
        Path config = Files.writeString(dir.resolve("typos.conf"), String.join("\n",
                "replyd {",
                "  hostname = tracker.test",
                "  callback.secrte = \"typo-secret-Qw3eR5tY7u\"",
                "  address.keyz = [\"typo-key-Zx1cV3bN5m\"]",
                "  outbound { host = smtp.test, pasword = \"typo-pass-Lk9jH7gF5d\" }",
                "  callback.url = \"https://hook-user:userinfo-pw-Mn2bV4@tracker.test/hooks/replyd?token=query-token-Po8iU6&v=2\"",
                "  smtp { port = 25, tls.cert = /etc/replyd/tls/fullchain.pem }",
                "  outbound.from = ${?REPLYD_TEST_FROM}",
                "  processor.markers = [\"--\"${?MARK}\"--\"]",
                "  \"smtp.port\" = \"quoted-dotted-Rt5yU7\"",
                "}",
                "other { thing = \"outside-block-Gh4jK6\" }", ""));
        Path bundle = dir.resolve("bundle.tar.gz");

        SupportBundle.write(bundle, new SupportBundle.Inputs(config, List.of(), "callback ping https://tracker.test"
                + "/hooks/replyd?token=query-token-Po8iU6 answered 200\n", List.of(), 10, null, null, 0, "0.1.0-test",
                Duration.ofSeconds(2)));

        Map<String, String> files = untar(bundle);
        String conf = files.get("config/replyd.conf");
        for (String secret : List.of("typo-secret-Qw3eR5tY7u", "typo-key-Zx1cV3bN5m", "typo-pass-Lk9jH7gF5d",
                "hook-user", "userinfo-pw-Mn2bV4", "query-token-Po8iU6", "quoted-dotted-Rt5yU7", "outside-block-Gh4jK6",
                "MARK")) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                assertThat(file.getValue()).as("%s must not contain %s", file.getKey(), secret).doesNotContain(secret);
            }
        }
        assertThat(conf).startsWith("# " + config + ", only known non-secret keys shown, everything else <redacted>\n");
        assertThat(conf).contains("secrte=\"<redacted>\"", "pasword=\"<redacted>\"", "host=\"smtp.test\"",
                "url=\"https://tracker.test/hooks/replyd?token=<redacted>&v=<redacted>\"",
                "port=25", "cert=\"/etc/replyd/tls/fullchain.pem\"", "from=${?REPLYD_TEST_FROM}",
                "\"smtp.port\"=\"<redacted>\"", "thing=\"<redacted>\"");
        assertThat(conf).containsPattern("keyz=\\[\\s*\"<redacted>\"\\s*\\]");
        assertThat(conf).containsPattern("markers=\\[\\s*\"<redacted>\"\\s*\\]");
        assertThat(files.get("diagnose.txt")).isEqualTo(
                "callback ping https://tracker.test/hooks/replyd?token=<redacted> answered 200\n");
    }

    @Test
    void everyKeyOfTheReferenceConfigurationIsEitherShownOrSecret() {
        Config reference = ConfigFactory.parseFile(Path.of("../daemon/src/main/resources/reference.conf").toFile(),
                ConfigParseOptions.defaults().setAllowMissing(false));
        Set<String> keys = new java.util.TreeSet<>();
        leafPaths(reference.root(), "", keys);
        Set<String> listed = new java.util.HashSet<>(ConfigRedaction.SHOWN_KEYS);
        listed.addAll(ConfigRedaction.SECRET_KEYS);

        assertThat(ConfigRedaction.SHOWN_KEYS).doesNotContainAnyElementsOf(ConfigRedaction.SECRET_KEYS);
        assertThat(keys).hasSizeGreaterThan(50).contains("replyd.smtp.tls.key", "replyd.callback.secret");
        assertThat(listed).containsExactlyInAnyOrderElementsOf(keys);
    }

    /** Every leaf key path below {@code object}, null-valued ones included (Config.entrySet() skips those). */
    private static void leafPaths(com.typesafe.config.ConfigObject object, String prefix, Set<String> into) {
        for (Map.Entry<String, com.typesafe.config.ConfigValue> entry : object.entrySet()) {
            String path = prefix + entry.getKey();
            if (entry.getValue() instanceof com.typesafe.config.ConfigObject inner) {
                leafPaths(inner, path + ".", into);
            } else {
                into.add(path);
            }
        }
    }

    @Test
    void urlRedactionKeepsWhereTheUrlPointsAndDropsWhatAuthenticates() {
        assertThat(UrlRedaction.redact("POST http://u:PASS@host:8080/p?token=T&flag done"))
                .isEqualTo("POST http://host:8080/p?token=<redacted>&<redacted> done");
        assertThat(UrlRedaction.redact("see https://tracker.test/hooks/replyd#frag, then \"http://a/b?x=1\""))
                .isEqualTo("see https://tracker.test/hooks/replyd then \"http://a/b?x=<redacted>\"");
        assertThat(UrlRedaction.redact("no url here: user:pw@host")).isEqualTo("no url here: user:pw@host");
        String once = UrlRedaction.redact("ping https://u:pw@tracker.test/hooks?key=K answered 200");
        assertThat(once).isEqualTo("ping https://tracker.test/hooks?key=<redacted> answered 200");
        assertThat(UrlRedaction.redact(once)).as("redacting twice changes nothing").isEqualTo(once);
    }

    @Test
    void metricsEndpointThatIsDownIsNotedAndTheBundleIsStillWritten() throws Exception {
        int closed = LoopbackPorts.free();
        URI down = URI.create("http://127.0.0.1:" + closed + "/metrics");
        Path bundle = dir.resolve("bundle.tar.gz");

        SupportBundle.write(bundle, new SupportBundle.Inputs(null, List.of(), null, List.of(), 10, down, null, 5,
                "0.1.0-test", Duration.ofSeconds(2)));

        Map<String, String> files = untar(bundle);
        assertThat(files.get("metrics.txt")).startsWith("# " + down + " could not be read (ConnectException")
                .endsWith("is replyd running?\n");
        assertThat(files.get("README.txt")).contains("  - metrics.txt: " + down + " could not be read");
        assertThat(files.get("config/replyd.conf")).isEqualTo("# no configuration file was given\n");
        assertThat(files.get("diagnose.txt")).isEqualTo("diagnose was not run\n");
    }

    @Test
    void configThatDoesNotParseIsLeftOutAndOnlyItsLineIsNamed() throws Exception {
        Path config = Files.writeString(dir.resolve("broken.conf"),
                "replyd {\n  callback {\n    secret = \"" + Secret.CALLBACK_SECRET.text + "\" ]\n  }\n}\n");
        Path bundle = dir.resolve("bundle.tar.gz");

        SupportBundle.write(bundle, new SupportBundle.Inputs(config, List.of(), "", List.of(), 10, null, null, 0,
                "0.1.0-test", Duration.ofSeconds(2)));

        String conf = untar(bundle).get("config/replyd.conf");
        assertThat(conf).isEqualTo("# " + config + " could not be parsed (error near line 3); its content is left "
                + "out because it cannot be redacted safely.\n# Run `replyd check-config --config " + config
                + "` for the full error.\n");
    }

    @Test
    void bundleInADirectoryThatDoesNotExistFailsNamingThePath() {
        Path bundle = dir.resolve("no/such/dir/bundle.tar.gz");

        assertThatThrownBy(() -> SupportBundle.write(bundle, new SupportBundle.Inputs(null, List.of(), "",
                List.of(), 1, null, null, 0, "x", Duration.ofSeconds(1))))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("support bundle " + bundle + ": NoSuchFileException");
    }

    @Test
    void scrubbingReplacesTheLongestSecretWholeAndCountsEachOccurrence() {
        byte[] text = bytes("a=LONGSECRET b=SECRET c=LONGSECRETLONGSECRET");

        SupportBundle.Scrubbed scrubbed = SupportBundle.scrub(text, List.of(bytes("LONGSECRET"), bytes("SECRET")));

        assertThat(new String(scrubbed.bytes(), StandardCharsets.UTF_8))
                .isEqualTo("a=<redacted> b=<redacted> c=<redacted><redacted>");
        assertThat(scrubbed.count()).isEqualTo(4);
    }

    @Test
    void logTailKeepsTheLastLinesWithOrWithoutATrailingNewline() throws IOException {
        Path withNewline = Files.writeString(dir.resolve("a.log"), "one\ntwo\nthree\n");
        Path without = Files.writeString(dir.resolve("b.log"), "one\ntwo\nthree");

        assertThat(new String(LogTail.of(withNewline, 2, 1 << 20), StandardCharsets.UTF_8)).isEqualTo("two\nthree\n");
        assertThat(new String(LogTail.of(without, 2, 1 << 20), StandardCharsets.UTF_8)).isEqualTo("two\nthree");
        assertThat(new String(LogTail.of(without, 10, 1 << 20), StandardCharsets.UTF_8)).isEqualTo("one\ntwo\nthree");
        // A byte limit that cuts "two" drops it rather than keeping half a line.
        assertThat(new String(LogTail.of(withNewline, 10, 8), StandardCharsets.UTF_8)).isEqualTo("three\n");
    }

    @Test
    void logTailOfALongLogReadsAcrossChunks() throws IOException {
        String content = IntStream.rangeClosed(1, 20_000).mapToObj(i -> "entry " + i + " " + "x".repeat(i % 97))
                .collect(Collectors.joining("\n", "", "\n"));
        Path log = Files.writeString(dir.resolve("big.log"), content);

        List<String> tail = new String(LogTail.of(log, 1000, 1 << 22), StandardCharsets.UTF_8).lines().toList();

        assertThat(tail).hasSize(1000);
        assertThat(tail.get(0)).startsWith("entry 19001 ");
        assertThat(tail.get(999)).startsWith("entry 20000 ");
    }

    private Path writeConfig() throws IOException {
        Path keysFile = Files.writeString(dir.resolve("address-keys"), Secret.FILE_SECRET.text + "\n");
        String hocon = String.join("\n",
                "# /etc/replyd/replyd.conf",
                "replyd {",
                "  hostname = \"tracker.test\"",
                "  address {",
                "    keys = [\"" + Secret.ADDRESS_KEY_1.text + "\", \"" + Secret.ADDRESS_KEY_2.text + "\"]",
                "    keys-file = \"" + keysFile + "\"",
                "  }",
                "  #  old secret = \"" + Secret.COMMENTED_SECRET.text + "\"",
                "  smtp.tls { cert = \"/etc/replyd/tls/fullchain.pem\", key = \"/etc/replyd/tls/privkey.pem\" }",
                "  callback {",
                "    url = \"https://hooks:" + Secret.URL_PASSWORD.text + "@tracker.test/hooks/replyd\"",
                "    secret = \"" + Secret.CALLBACK_SECRET.text + "\"",
                "  }",
                "  outbound { host = smtp.test, port = 587, username = bob, password = \"" + Secret.OUTBOUND_PASSWORD.text
                        + "\" }",
                "  api-token = \"" + Secret.API_TOKEN.text + "\"",
                "  env-secret = ${?REPLYD_TEST_ENV_SECRET}",
                "  metrics.bind = ${?REPLYD_TEST_METRICS_BIND}",
                "}", "");
        return Files.writeString(dir.resolve("replyd.conf"), hocon);
    }

    private Path storageWithFailures() throws IOException {
        Path root = dir.resolve("storage");
        Files.createDirectories(root.resolve("mail/reply/new"));
        Files.writeString(root.resolve("mail/reply/new/1700000001.M1P1Q1.host"), "x");
        Files.writeString(root.resolve("mail/reply/new/1700000002.M1P1Q2.host"), "x");
        Path failure = Files.createDirectories(root.resolve("incoming-mail/failure"));
        for (int i = 1; i <= 3; i++) {
            String name = "1700000" + i + "00.M" + i + "P1Q1.host";
            Files.writeString(failure.resolve(name), "message " + i);
            Path reason = failure.resolve(name + ".reason.json");
            if (i == 3) {
                Files.write(reason, FailureRecord.of(FailureReason.CALLBACK_REJECTED,
                        "401 body echoed " + Secret.CALLBACK_SECRET.text, Instant.ofEpochSecond(1_700_000_300L), name, RetryState.none(), "alice@example.org",
                        "<a1@example.org>", "Re: my private words").toJson());
            } else {
                Files.writeString(reason, i == 2 ? "{\"reason\": \"empty_reply\", \"detail\": " : "{\"reason\":\"empty_reply\"}");
            }
            Files.setLastModifiedTime(reason, FileTime.from(Instant.ofEpochSecond(1_700_000_000L + i * 100L)));
        }
        return root;
    }

    private Path log(String name, int lines, int leakAt, String leak) throws IOException {
        List<String> content = new ArrayList<>();
        for (int i = 1; i <= lines; i++) {
            content.add(i == leakAt ? leak : "line " + i + " of " + name);
        }
        // Put the leak inside the kept tail too, so scrubbing (not the tail cut) is what removes it.
        content.set(lines - 5, leak);
        content.set(lines - 1, "line " + lines + " of " + name);
        return Files.write(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static HttpServer metricsServer(String body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/metrics", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server;
    }

    /** Unpacks with the system's tar (an independent reader of our format) and returns path → text, in tar order. */
    private Map<String, String> untar(Path bundle) throws IOException, InterruptedException {
        Path out = Files.createTempDirectory(dir, "untar");
        Process list = new ProcessBuilder("tar", "-tzf", bundle.toString()).redirectErrorStream(true).start();
        List<String> order = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(list.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(list.exitValue()).as(String.join("\n", order)).isZero();
        Process tar = new ProcessBuilder("tar", "-xzf", bundle.toString(), "-C", out.toString())
                .redirectErrorStream(true).start();
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as(output).isZero();
        String top = order.get(0).substring(0, order.get(0).indexOf('/') + 1);
        assertThat(top).matches("replyd-support-\\d{8}T\\d{6}Z/");
        Map<String, String> files = new LinkedHashMap<>();
        for (String entry : order) {
            files.put(entry.substring(top.length()), Files.readString(out.resolve(entry), StandardCharsets.UTF_8));
        }
        try (Stream<Path> all = Files.walk(out)) {
            assertThat(all.filter(Files::isRegularFile).count()).isEqualTo(files.size());
        }
        return files;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
