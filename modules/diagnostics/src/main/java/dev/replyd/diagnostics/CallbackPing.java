package dev.replyd.diagnostics;

import dev.replyd.address.LoggableUrl;
import dev.replyd.address.ResponseExcerpt;
import dev.replyd.address.WebhookSignature;
import dev.replyd.address.WebhookSigner;
import dev.replyd.maildir.ClientText;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Diagnose check {@code "callback ping"}: the main app is reachable and accepts a signed {@code ping} event,
 * signed exactly as a reply would be (contract 3), so a wrong secret shows up here and not as lost replies.
 *
 * <p>Contract: POSTs {@code {"type":"ping","time":"<ISO-8601 instant>"}} with {@code Content-Type:
 * application/json}, {@code Replyd-Delivery: ping-<16 random hex>} and {@code Replyd-Signature} from
 * {@link WebhookSignature#header}. Redirects are not followed (replyd does not follow them either). PASS for
 * 2xx; FAIL for 401/403 (the signature was refused: the secrets differ), any other status, a refused or timed
 * out connection, or a TLS failure. The {@code Date} header of any response is kept for the clock check. The
 * whole exchange, body included, must end within the timeout; of the body at most a short excerpt is read
 * ({@link ResponseExcerpt}) and it is shown escaped ({@link ClientText}): it is the main app's text.
 *
 * <p>Security: the secret is only used to sign; neither it nor the signature appears in the detail, and the
 * URL appears only as {@link LoggableUrl} (no user info, no query values).
 *
 * <p>Thread-safety: stateless.
 */
final class CallbackPing {

    static final String NAME = "callback ping";

    private static final int BODY_EXCERPT = 200;
    /** Bytes of the answer read (enough for BODY_EXCERPT characters of UTF-8) and seen at most. */
    private static final int BODY_READ = 4 * BODY_EXCERPT;
    private static final long BODY_DRAIN_LIMIT = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The check and, when the server answered with a parsable {@code Date}, what it said and when we asked. */
    record Outcome(Check check, Instant serverDate, Instant localMidpoint) {
    }

    private CallbackPing() {
    }

    static Outcome run(URI url, byte[] secret, WebhookSigner signer, Duration timeout, Clock clock) {
        if (url == null) {
            return new Outcome(Check.fail(NAME, "not checked: replyd.callback.url is not set",
                    "set replyd.callback.url to the main app's replyd hook"), null, null);
        }
        if (secret == null || secret.length == 0) {
            return new Outcome(Check.fail(NAME, "not checked: replyd.callback.secret is not set",
                    "set replyd.callback.secret (or secret-file) to the secret the main app verifies with"), null, null);
        }
        String shown = LoggableUrl.of(url);
        Instant sent = clock.instant();
        byte[] body = ("{\"type\":\"ping\",\"time\":\"" + sent + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        HttpRequest request;
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                    .timeout(timeout)
                    .header("Content-Type", "application/json");
            WebhookSigner signing = signer != null ? signer
                    : WebhookSigner.of(WebhookSigner.Scheme.REPLYD, java.util.List.of(secret));
            signing.headers("ping-" + HexFormat.of().formatHex(id), sent.getEpochSecond(), body).forEach(builder::header);
            request = builder.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        } catch (IllegalArgumentException e) {
            return new Outcome(Check.fail(NAME, "replyd.callback.url " + shown + " is not an http(s) URL",
                    "set replyd.callback.url to an absolute http:// or https:// URL"), null, null);
        }
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // as replyd's callbacks: no h2c upgrade attempt
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        HttpResponse<String> response;
        long started = System.nanoTime();
        ResponseExcerpt exchange = ResponseExcerpt.send(client, request, BODY_READ, BODY_DRAIN_LIMIT);
        try {
            // The whole exchange, body included, within the timeout: a main app that stalls in its body
            // must not hang diagnose.
            response = exchange.await(timeout);
        } catch (TimeoutException e) {
            exchange.abandon();
            return failed(shown + " did not answer within " + timeout.toMillis() + " ms",
                    "check the main app's health; raise replyd.callback.timeout if it is merely slow");
        } catch (InterruptedException e) {
            exchange.abandon();
            Thread.currentThread().interrupt();
            return failed("interrupted while waiting for " + shown, "run diagnose again");
        } catch (ExecutionException failed) {
            exchange.abandon();
            Throwable cause = failed.getCause();
            if (cause instanceof HttpConnectTimeoutException) {
                return failed("connecting to " + shown + " timed out after " + timeout.toMillis() + " ms",
                        "check that the main app is up and that no firewall drops the connection");
            }
            if (cause instanceof HttpTimeoutException) {
                return failed(shown + " did not answer within " + timeout.toMillis() + " ms",
                        "check the main app's health; raise replyd.callback.timeout if it is merely slow");
            }
            if (cause instanceof ConnectException) {
                return failed("connection to " + shown + " refused",
                        "start the main app, or correct replyd.callback.url (host and port)");
            }
            if (cause instanceof SSLException) {
                return failed("TLS with " + shown + " failed: " + ClientText.escape(String.valueOf(cause.getMessage())),
                        "install a certificate the JVM trusts on the main app, or fix the host name in the URL");
            }
            return failed("POST " + shown + " failed: " + cause.getClass().getSimpleName()
                            + (cause.getMessage() == null ? "" : " (" + ClientText.escape(cause.getMessage()) + ")"),
                    "check replyd.callback.url and that the main app is reachable from this machine");
        }
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        Instant midpoint = sent.plusMillis(millis / 2);
        Instant serverDate = response.headers().firstValue("Date").map(CallbackPing::parseDate).orElse(null);
        int status = response.statusCode();
        String answered = shown + " answered " + status + " in " + millis + " ms";
        Check check;
        if (status >= 200 && status < 300) {
            check = Check.pass(NAME, answered + " to a signed ping");
        } else if (status == 401 || status == 403) {
            check = Check.fail(NAME, answered + ": the signature was refused" + excerpt(response.body()),
                    "set replyd.callback.secret to the secret the main app verifies with, then restart replyd");
        } else if (status >= 300 && status < 400) {
            check = Check.fail(NAME, answered + " (redirect to " + response.headers().firstValue("Location")
                            .map(ClientText::escape).orElse("nowhere") + "); replyd does not follow redirects",
                    "set replyd.callback.url to the final URL");
        } else if (status == 404 || status == 405) {
            check = Check.fail(NAME, answered + ": no hook at that path" + excerpt(response.body()),
                    "correct the path in replyd.callback.url");
        } else if (status >= 500) {
            check = Check.fail(NAME, answered + ": the main app failed" + excerpt(response.body()),
                    "read the main app's log; replies are retried until replyd.callback.max-age");
        } else {
            check = Check.fail(NAME, answered + excerpt(response.body()),
                    "make the main app accept events of type \"ping\" (contract 3) with a 2xx");
        }
        return new Outcome(check, serverDate, midpoint);
    }

    private static Outcome failed(String detail, String fix) {
        return new Outcome(Check.fail(NAME, detail, fix), null, null);
    }

    private static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String flat = body.strip().replaceAll("\\s+", " ");
        String shown = flat.length() > BODY_EXCERPT ? flat.substring(0, BODY_EXCERPT) + "…" : flat;
        return ": \"" + ClientText.escape(shown) + "\"";
    }

    private static Instant parseDate(String value) {
        try {
            return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
