package dev.replyd.diagnostics;

import dev.replyd.maildir.FailureRecord;
import dev.replyd.maildir.MaildirLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code replyd support-bundle}: one {@code .tar.gz} an operator can attach to a support request, with every
 * secret removed.
 *
 * <p>Contract: {@link #write} creates {@code outTarGz} (mode 0600 where POSIX permissions exist; written to a
 * temporary file beside it and renamed, so a half-written bundle never appears) holding, under
 * {@code replyd-support-<UTC time>/}: {@code README.txt} (what each file is, what was unavailable and why),
 * {@code config/replyd.conf} (see {@link ConfigRedaction}), {@code diagnose.txt}, {@code logs/<name>} (the last
 * {@code logLines} lines of each log file, at most 4 MiB each), {@code metrics.txt} (a GET of the metrics
 * URL, or why it failed), {@code storage.txt} (file counts per Maildir and outcome directory),
 * {@code failures/<name>.reason.json} (the newest {@code failureReasons} reason files, read as
 * {@link FailureRecord}s and written without the sender's subject; a file that does not read as one is left out
 * and noted) and {@code versions.txt}
 * (replyd, Java, {@code /etc/os-release}, {@code uname -a}). A missing log, a metrics endpoint that is down or
 * an unreadable directory is noted, never fatal.
 *
 * <p>Security: secrets leave in three layers. The configuration shows only known non-secret keys; files named
 * by {@code *-file} keys are never read; and, last, every occurrence of each secret in {@link Inputs#secrets()}
 * and of each literal secret found in the configuration is replaced by {@code <redacted>} in every file of the
 * bundle, logs and reason files included.
 *
 * <p>Failures: {@link IOException} only when the bundle itself cannot be written (the message names the path).
 *
 * <p>Thread-safety: stateless.
 */
public final class SupportBundle {

    /**
     * What goes into the bundle.
     *
     * @param configFile the operator's configuration file as given to {@code --config} (null: none)
     * @param secrets secret values to scrub from every file (address keys, callback secret, outbound password,
     *     also those that came from the environment or credential files); copied
     * @param diagnoseReport the rendered {@link Report} (null: diagnose was not run)
     * @param logFiles the {@code mail} and {@code replies} log files (missing ones are noted)
     * @param logLines how many lines to keep from the end of each log
     * @param metricsUrl the {@code /metrics} URL (null: not configured)
     * @param storageRoot {@code replyd.storage.root}
     * @param failureReasons how many of the newest failure reason files to include
     * @param replydVersion the running replyd's version
     * @param timeout bound for the metrics request and {@code uname}
     */
    public record Inputs(Path configFile, List<byte[]> secrets, String diagnoseReport, List<Path> logFiles,
                         int logLines, URI metricsUrl, Path storageRoot, int failureReasons, String replydVersion,
                         Duration timeout) {

        public Inputs {
            List<byte[]> copies = new ArrayList<>();
            if (secrets != null) {
                for (byte[] secret : secrets) {
                    if (secret != null && secret.length > 0) {
                        copies.add(secret.clone());
                    }
                }
            }
            secrets = List.copyOf(copies);
            logFiles = logFiles == null ? List.of() : List.copyOf(logFiles);
            timeout = timeout == null || timeout.isNegative() || timeout.isZero() ? Duration.ofSeconds(5) : timeout;
        }

        /** Never prints the secrets. */
        @Override
        public String toString() {
            return "Inputs[configFile=" + configFile + ", secrets=" + secrets.size() + " values, logFiles=" + logFiles
                    + ", logLines=" + logLines + ", metricsUrl=" + metricsUrl + ", storageRoot=" + storageRoot
                    + ", failureReasons=" + failureReasons + ", replydVersion=" + replydVersion + "]";
        }
    }

    static final long MAX_LOG_BYTES = 4L * 1024 * 1024;
    static final long MAX_METRICS_BYTES = 4L * 1024 * 1024;

    /** Shorter literal values from the configuration are no secrets anyone could use; scrubbing them would maul the text. */
    private static final int MIN_CONFIG_SECRET_LENGTH = 4;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private SupportBundle() {
    }

    /** Builds the bundle at {@code outTarGz}, replacing any file there. */
    public static void write(Path outTarGz, Inputs in) throws IOException {
        Instant now = Instant.now();
        String top = "replyd-support-" + STAMP.format(now) + "/";
        Map<String, byte[]> files = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();

        ConfigRedaction.Redacted config = ConfigRedaction.of(in.configFile());
        files.put("config/replyd.conf", utf8(config.text()));
        files.put("diagnose.txt", utf8(in.diagnoseReport() == null ? "diagnose was not run\n" : in.diagnoseReport()));
        addLogs(in, files, notes);
        files.put("metrics.txt", metrics(in.metricsUrl(), in.timeout(), notes));
        files.put("storage.txt", utf8(storage(in.storageRoot(), notes)));
        addFailureReasons(in, files, notes);
        files.put("versions.txt", utf8(versions(in.replydVersion(), in.timeout())));

        List<byte[]> scrub = new ArrayList<>(in.secrets());
        for (String secret : config.secrets()) {
            if (secret.length() >= MIN_CONFIG_SECRET_LENGTH) {
                scrub.add(utf8(secret));
            }
        }
        // Longest first, so a secret that contains another is replaced whole.
        scrub.sort(Comparator.comparingInt((byte[] s) -> s.length).reversed());
        int replaced = 0;
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Scrubbed scrubbed = scrub(file.getValue(), scrub);
            file.setValue(scrubbed.bytes);
            replaced += scrubbed.count;
        }
        Map<String, byte[]> ordered = new LinkedHashMap<>();
        ordered.put("README.txt", scrub(utf8(readme(in, notes, replaced)), scrub).bytes);
        ordered.putAll(files);
        writeAtomically(outTarGz, top, ordered, now);
    }

    private static void addLogs(Inputs in, Map<String, byte[]> files, List<String> notes) {
        for (Path log : in.logFiles()) {
            String name = "logs/" + log.getFileName();
            if (!Files.exists(log)) {
                notes.add(name + ": not included, " + log + " does not exist");
                continue;
            }
            try {
                files.put(name, LogTail.of(log, in.logLines(), MAX_LOG_BYTES));
            } catch (IOException e) {
                notes.add(name + ": not included, " + log + " could not be read (" + describe(e) + ")");
            }
        }
    }

    private static byte[] metrics(URI url, Duration timeout, List<String> notes) {
        if (url == null) {
            notes.add("metrics.txt: no metrics URL configured");
            return utf8("# no metrics URL configured\n");
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        try {
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(url).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                notes.add("metrics.txt: " + url + " answered " + response.statusCode());
                return utf8("# " + url + " answered " + response.statusCode() + "\n");
            }
            byte[] body = response.body();
            if (body.length > MAX_METRICS_BYTES) {
                notes.add("metrics.txt: cut at " + MAX_METRICS_BYTES + " bytes");
                return Arrays.copyOf(body, (int) MAX_METRICS_BYTES);
            }
            return body;
        } catch (IOException | IllegalArgumentException e) {
            String why = url + " could not be read (" + describe(e) + "); is replyd running?";
            notes.add("metrics.txt: " + why);
            return utf8("# " + why + "\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            notes.add("metrics.txt: interrupted");
            return utf8("# interrupted while reading " + url + "\n");
        }
    }

    private static String storage(Path root, List<String> notes) {
        if (root == null) {
            notes.add("storage.txt: no storage root configured");
            return "# no storage root configured\n";
        }
        StringBuilder text = new StringBuilder("# files per directory under " + root + "\n");
        for (String state : MaildirLayout.STATES) {
            Path dir = root.resolve(state);
            if (!Files.isDirectory(dir)) {
                text.append(String.format("%-26s missing%n", state));
                continue;
            }
            long messages = 0;
            long sidecars = 0;
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    if (name.endsWith(MaildirLayout.REASON_SUFFIX) || name.endsWith(MaildirLayout.RETRY_SUFFIX)) {
                        sidecars++;
                    } else {
                        messages++;
                    }
                }
            } catch (IOException e) {
                text.append(String.format("%-26s unreadable (%s)%n", state, describe(e)));
                notes.add("storage.txt: " + dir + " unreadable");
                continue;
            }
            text.append(String.format("%-26s %d%s%n", state, messages,
                    sidecars > 0 ? " (+" + sidecars + " reason/retry files)" : ""));
        }
        return text.toString();
    }

    private static void addFailureReasons(Inputs in, Map<String, byte[]> files, List<String> notes) {
        if (in.storageRoot() == null || in.failureReasons() <= 0) {
            return;
        }
        Path failure = in.storageRoot().resolve(MaildirLayout.FAILURE);
        if (!Files.isDirectory(failure)) {
            return;
        }
        record Reason(Path path, FileTime modified) {
        }
        List<Reason> reasons = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(failure, "*" + MaildirLayout.REASON_SUFFIX)) {
            for (Path entry : entries) {
                try {
                    reasons.add(new Reason(entry, Files.getLastModifiedTime(entry)));
                } catch (IOException e) {
                    // Moved away (requeued) while we listed: it is no longer a failure.
                }
            }
        } catch (IOException e) {
            notes.add("failures/: " + failure + " could not be listed (" + describe(e) + ")");
            return;
        }
        reasons.sort(Comparator.comparing(Reason::modified).reversed()
                .thenComparing(r -> r.path().getFileName().toString()));
        for (Reason reason : reasons.subList(0, Math.min(in.failureReasons(), reasons.size()))) {
            String name = "failures/" + reason.path().getFileName();
            byte[] raw;
            try {
                raw = Files.readAllBytes(reason.path());
            } catch (IOException e) {
                notes.add(name + ": could not be read (" + describe(e) + ")");
                continue;
            }
            try {
                files.put(name, FailureRecord.fromJson(raw).withoutSubject().toJson());
            } catch (IOException e) {
                notes.add(name + ": not a reason file replyd can read, left out (" + describe(e) + ")");
            }
        }
    }

    private static String versions(String replydVersion, Duration timeout) {
        StringBuilder text = new StringBuilder();
        text.append("replyd ").append(replydVersion == null ? "unknown" : replydVersion).append('\n');
        text.append("java ").append(System.getProperty("java.runtime.version")).append(" (")
                .append(System.getProperty("java.vm.name")).append(", ").append(System.getProperty("java.vendor"))
                .append(")\n");
        text.append("os ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(' ').append(System.getProperty("os.arch")).append('\n');
        text.append("\n# uname -a\n").append(uname(timeout)).append('\n');
        Path osRelease = Path.of("/etc/os-release");
        try {
            text.append("\n# /etc/os-release\n").append(Files.readString(osRelease, StandardCharsets.UTF_8));
        } catch (IOException e) {
            text.append("\n# /etc/os-release could not be read (").append(describe(e)).append(")\n");
        }
        return text.toString();
    }

    private static String uname(Duration timeout) {
        try {
            Process uname = new ProcessBuilder("uname", "-a").redirectErrorStream(true).start();
            uname.getOutputStream().close();
            if (!uname.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                uname.destroyForcibly();
                return "(uname did not finish)";
            }
            return new String(uname.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "(uname could not run: " + describe(e) + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    private static String readme(Inputs in, List<String> notes, int replaced) {
        StringBuilder text = new StringBuilder();
        text.append("replyd support bundle, made ").append(Instant.now()).append(" by replyd ")
                .append(in.replydVersion() == null ? "unknown" : in.replydVersion()).append("\n\n");
        text.append("config/replyd.conf   the configuration file, parsed; only the values of known non-secret keys are")
                .append(" shown (URLs without user-info and query values), every other value is <redacted>;")
                .append(" comments dropped, ${...} substitutions shown unresolved\n");
        text.append("diagnose.txt         the output of replyd diagnose\n");
        text.append("logs/                the last ").append(in.logLines()).append(" lines of each log\n");
        text.append("metrics.txt          a snapshot of ").append(in.metricsUrl() == null ? "the metrics endpoint"
                : in.metricsUrl()).append('\n');
        text.append("storage.txt          files per Maildir and outcome directory\n");
        text.append("failures/            the newest ").append(in.failureReasons()).append(" failure reason files, without")
                .append(" the subject the sender wrote\n");
        text.append("versions.txt         replyd, Java and operating system versions\n\n");
        text.append("Secrets: files named by *-file keys were not read; ").append(replaced)
                .append(" occurrence(s) of known secret values were replaced by <redacted> across all files.\n");
        if (!notes.isEmpty()) {
            text.append("\nNot included or incomplete:\n");
            for (String note : notes) {
                text.append("  - ").append(note).append('\n');
            }
        }
        return text.toString();
    }

    record Scrubbed(byte[] bytes, int count) {
    }

    /** Replaces every occurrence of each secret (longest first) with {@code <redacted>}. */
    static Scrubbed scrub(byte[] content, List<byte[]> secrets) {
        byte[] current = content;
        int count = 0;
        byte[] marker = utf8(ConfigRedaction.REDACTED);
        for (byte[] secret : secrets) {
            ByteArrayOutputStream out = null;
            int copied = 0;
            for (int i = 0; i + secret.length <= current.length; i++) {
                if (regionMatches(current, i, secret)) {
                    if (out == null) {
                        out = new ByteArrayOutputStream(current.length);
                    }
                    out.write(current, copied, i - copied);
                    out.writeBytes(marker);
                    i += secret.length - 1;
                    copied = i + 1;
                    count++;
                }
            }
            if (out != null) {
                out.write(current, copied, current.length - copied);
                current = out.toByteArray();
            }
        }
        return new Scrubbed(current, count);
    }

    private static boolean regionMatches(byte[] content, int offset, byte[] secret) {
        for (int j = 0; j < secret.length; j++) {
            if (content[offset + j] != secret[j]) {
                return false;
            }
        }
        return true;
    }

    private static void writeAtomically(Path target, String top, Map<String, byte[]> files, Instant now)
            throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path temporary = dir.resolve("." + absolute.getFileName() + ".partial");
        try {
            Files.deleteIfExists(temporary);
            try {
                Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(temporary);
            }
            try (OutputStream out = Files.newOutputStream(temporary);
                 TarGzWriter tar = new TarGzWriter(out)) {
                for (Map.Entry<String, byte[]> file : files.entrySet()) {
                    tar.add(top + file.getKey(), file.getValue(), now.getEpochSecond());
                }
            }
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw new IOException("support bundle " + absolute + ": " + describe(e)
                    + " (is the directory writable and is there space?)", e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String describe(Exception e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
