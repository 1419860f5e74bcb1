package dev.replyd.diagnostics;

import dev.replyd.address.WebhookSigner;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code replyd diagnose}: the classic "/setup/diagnostics" checklist, run against the live system.
 *
 * <p>Contract: {@link #run} performs, in this order, {@code config}, {@code dns reply address},
 * {@code dns reply MX}, {@code dns host MX}, {@code smtp banner}, {@code storage writable},
 * {@code storage free space}, {@code callback ping}, {@code tls certificate} and {@code clock}, and returns
 * each as a {@link Check} with its fix. Every check is bounded by {@code timeout} (a dead DNS server is waited
 * for once). A check whose input is missing (null) fails with "not checked: <key> is not set", so a broken
 * configuration still yields a full report. The class-level javadoc of each check's implementation lists its
 * PASS/WARN/FAIL rules.
 *
 * <p>Failures: never throws; an unexpected exception inside a check becomes that check's FAIL (a bug to report).
 *
 * <p>Security: the callback secret is only used to sign the ping; no secret appears in the report.
 *
 * <p>Thread-safety: stateless; runs may overlap.
 */
public final class Diagnosis {

    /**
     * What diagnose checks, as plain values taken from the configuration.
     *
     * @param configProblems the configuration errors found while loading it (empty when valid), one per key
     * @param hostname {@code replyd.hostname}
     * @param replyDomain {@code replyd.reply-domain}
     * @param smtpAddress where the SMTP server listens ({@code smtp.bind}:{@code smtp.port}; a wildcard is probed on loopback)
     * @param expectedBannerHost the name replyd's 220 greeting carries (normally the host name)
     * @param storageRoot {@code replyd.storage.root}
     * @param minFreeBytes {@code replyd.storage.min-free}
     * @param callbackUrl {@code replyd.callback.url}
     * @param callbackSecret {@code replyd.callback.secret}, used only to sign the ping
     * @param tlsCert {@code replyd.smtp.tls.cert}, or null when TLS is not configured
     * @param dnsServers DNS servers to ask; empty for the system resolver
     * @param timeout the bound for each network step
     * @param callbackSigner signs the ping as the callbacks are signed ({@code callback.signature}, every
     *     secret); null to sign with {@code callbackSecret} alone in the replyd scheme
     */
    public record Inputs(List<String> configProblems, String hostname, String replyDomain,
                         InetSocketAddress smtpAddress, String expectedBannerHost, Path storageRoot, long minFreeBytes,
                         URI callbackUrl, byte[] callbackSecret, Path tlsCert, List<InetSocketAddress> dnsServers,
                         Duration timeout, WebhookSigner callbackSigner) {

        /** Signing the ping with {@code callbackSecret} in the replyd scheme. */
        public Inputs(List<String> configProblems, String hostname, String replyDomain,
                      InetSocketAddress smtpAddress, String expectedBannerHost, Path storageRoot, long minFreeBytes,
                      URI callbackUrl, byte[] callbackSecret, Path tlsCert, List<InetSocketAddress> dnsServers,
                      Duration timeout) {
            this(configProblems, hostname, replyDomain, smtpAddress, expectedBannerHost, storageRoot, minFreeBytes,
                    callbackUrl, callbackSecret, tlsCert, dnsServers, timeout, null);
        }

        public Inputs {
            configProblems = configProblems == null ? List.of() : List.copyOf(configProblems);
            dnsServers = dnsServers == null ? List.of() : List.copyOf(dnsServers);
            timeout = timeout == null || timeout.isNegative() || timeout.isZero() ? Duration.ofSeconds(5) : timeout;
            callbackSecret = callbackSecret == null ? null : callbackSecret.clone();
        }

        /** Never prints the secret. */
        @Override
        public String toString() {
            return "Inputs[hostname=" + hostname + ", replyDomain=" + replyDomain + ", smtpAddress=" + smtpAddress
                    + ", storageRoot=" + storageRoot + ", callbackUrl=" + dev.replyd.address.LoggableUrl.of(callbackUrl) + ", tlsCert=" + tlsCert
                    + ", dnsServers=" + dnsServers + ", timeout=" + timeout + "]";
        }
    }

    static final String CONFIG = "config";

    private Diagnosis() {
    }

    /** Runs every check against the system clock; never throws. */
    public static Report run(Inputs in) {
        return run(in, Clock.systemUTC());
    }

    /**
     * As {@link #run(Inputs)}, adding {@code "dns cluster peers"} when {@code peers} (the host names of
     * all nodes, {@code replyd.cluster.peers}) is not empty: each must be reachable through the reply
     * domain's MX (or address) records.
     */
    public static Report run(Inputs in, List<String> peers) {
        Report report = run(in);
        if (peers.isEmpty() || in.replyDomain() == null || in.replyDomain().isBlank()) {
            return report;
        }
        List<Check> checks = new ArrayList<>(report.checks());
        int after = checks.indexOf(report.find(DnsChecks.HOST_MX).orElse(null));
        Check peerCheck;
        try {
            peerCheck = new DnsChecks(in.dnsServers(), in.timeout()).peers(in.replyDomain(), peers);
        } catch (RuntimeException e) {
            peerCheck = crashed(DnsChecks.PEERS, e);
        }
        checks.add(after < 0 ? checks.size() : after + 1, peerCheck);
        return new Report(checks);
    }

    /** As {@link #run(Inputs)}, with the clock that stands for "now" (the signature time, certificate expiry). */
    static Report run(Inputs in, Clock clock) {
        List<Check> checks = new ArrayList<>();
        checks.add(guarded(CONFIG, () -> config(in.configProblems())));
        try {
            DnsChecks dns = new DnsChecks(in.dnsServers(), in.timeout());
            checks.addAll(dns.run(in.hostname(), in.replyDomain()));
        } catch (RuntimeException e) {
            checks.add(crashed(DnsChecks.REPLY_ADDRESS, e));
        }
        checks.add(guarded(SmtpBannerCheck.NAME,
                () -> SmtpBannerCheck.run(in.smtpAddress(), in.expectedBannerHost(), in.timeout())));
        try {
            checks.addAll(StorageChecks.run(in.storageRoot(), in.minFreeBytes()));
        } catch (RuntimeException e) {
            checks.add(crashed(StorageChecks.WRITABLE, e));
        }
        CallbackPing.Outcome ping;
        try {
            ping = CallbackPing.run(in.callbackUrl(), in.callbackSecret(), in.callbackSigner(), in.timeout(), clock);
        } catch (RuntimeException e) {
            ping = new CallbackPing.Outcome(crashed(CallbackPing.NAME, e), null, null);
        }
        checks.add(ping.check());
        checks.add(guarded(CertificateCheck.NAME,
                () -> CertificateCheck.run(in.tlsCert(), in.replyDomain(), in.hostname(), clock.instant())));
        CallbackPing.Outcome answered = ping;
        checks.add(guarded(ClockCheck.NAME, () -> ClockCheck.run(answered.serverDate(), answered.localMidpoint())));
        return new Report(checks);
    }

    private static Check config(List<String> problems) {
        if (problems.isEmpty()) {
            return Check.pass(CONFIG, "configuration loaded without errors");
        }
        return Check.fail(CONFIG, String.join("; ", problems),
                "correct the keys named above in the configuration file, then run replyd check-config");
    }

    private static Check guarded(String name, Supplier<Check> check) {
        try {
            return check.get();
        } catch (RuntimeException e) {
            return crashed(name, e);
        }
    }

    private static Check crashed(String name, RuntimeException e) {
        return Check.fail(name, "the check itself failed: " + e.getClass().getName(),
                "this is a bug in replyd diagnose; report it with the support bundle");
    }
}
