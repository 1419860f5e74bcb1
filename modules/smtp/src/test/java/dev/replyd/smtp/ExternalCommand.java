package dev.replyd.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real program (swaks, openssl, postfix) with a timeout and returns its exit status and output. */
final class ExternalCommand {

    record Result(int exitCode, String output) {
    }

    private ExternalCommand() {
    }

    static Result run(Path directory, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /** Runs and fails with the output when the exit status is not 0. */
    static String check(Path directory, List<String> command) throws IOException, InterruptedException {
        Result result = run(directory, command);
        if (result.exitCode() != 0) {
            throw new IOException("exit " + result.exitCode() + " from " + command + ":\n" + result.output());
        }
        return result.output();
    }

    /** A self-signed EC certificate for tracker.test and its PKCS#8 key, as PEM files in {@code directory}. */
    static Path[] selfSignedCertificate(Path directory, String name) throws IOException, InterruptedException {
        Path certificate = directory.resolve(name + ".crt.pem");
        Path key = directory.resolve(name + ".key.pem");
        check(directory, List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-days", "2", "-subj", "/CN=" + TestServer.HOSTNAME,
                "-keyout", key.toString(), "-out", certificate.toString()));
        return new Path[] {certificate, key};
    }
}
