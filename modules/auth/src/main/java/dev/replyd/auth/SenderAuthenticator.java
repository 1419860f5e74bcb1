package dev.replyd.auth;

import dev.replyd.maildir.HeaderSection;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the main app how far it can trust who a reply claims to be from: SPF, DKIM and DMARC for one
 * stored message.
 *
 * <p>Contract: {@link #verify} reads a stored message file (replyd's trace fields {@code Return-Path},
 * {@code Delivered-To} and {@code Received} in front of the message as received; a plain message works
 * too) and returns {@link AuthResults}: SPF for the envelope ({@link SpfCheck}), one verdict per
 * DKIM-Signature ({@link DkimCheck}, on the message without replyd's trace fields), and DMARC for the
 * From domain ({@link DmarcCheck}). It does not change the file: removing forged
 * {@code Authentication-Results} ({@link ForeignAuthResults}) and adding ours
 * ({@link AuthResults#authenticationResultsHeader}) is the caller's job.
 *
 * <p>DNS: every lookup goes through one {@link DnsClient} built from {@link Settings}: the given servers in
 * order (the host's resolv.conf servers when the list is empty), each given {@code timeout} per question,
 * no cache of our own. A message costs a handful of questions (SPF: at most ten DNS-querying terms plus
 * their targets; DKIM: one per signature; DMARC: one or two), so its worst case is bounded by that count
 * times the timeout times the number of servers.
 *
 * <p>Failures: {@link #verify} never throws for what the network or the sender does. DNS failures give
 * {@code temperror}. A file that cannot be read gives SPF as usual and DKIM/DMARC {@code temperror}
 * (logged); a header section that {@link HeaderSection} had to cut (a field over
 * {@value HeaderSection#MAX_FIELD_BYTES} bytes, or the section over {@value HeaderSection#MAX_SECTION_BYTES})
 * gives DKIM {@code permerror} and DMARC {@code fail}: what was cut may hide a second From field. Null arguments are programming errors ({@link NullPointerException}). The
 * constructor throws {@link IllegalArgumentException} for unusable settings, naming the setting.
 *
 * <p>Standards: RFC 7208 (SPF), RFC 6376 (DKIM), RFC 7489 (DMARC), RFC 8601 (Authentication-Results).
 *
 * <p>Thread-safety: one instance is shared by all processor workers; {@link #verify} may run concurrently.
 */
public final class SenderAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(SenderAuthenticator.class);

    /**
     * How to reach DNS and who we are.
     *
     * @param dnsServers  recursive DNS servers to ask, in order; empty means the host's own (resolv.conf)
     * @param timeout     how long to wait for one server's answer to one question (positive)
     * @param ourHostname this host's name: what the SPF macro {@code %{r}} expands to
     */
    public record Settings(List<InetSocketAddress> dnsServers, Duration timeout, String ourHostname) {
        public Settings {
            Objects.requireNonNull(dnsServers, "dnsServers");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(ourHostname, "ourHostname");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("DNS timeout " + timeout
                        + " (expected: positive, a few seconds, e.g. PT5S)");
            }
            if (ourHostname.isBlank()) {
                throw new IllegalArgumentException("our hostname '" + ourHostname
                        + "' (expected: this host's name, e.g. reply.tracker.example.com)");
            }
            for (InetSocketAddress server : dnsServers) {
                if (server == null || server.isUnresolved()) {
                    throw new IllegalArgumentException("DNS server " + server
                            + " (expected: an IP address and port, e.g. 127.0.0.53:53; names cannot be used "
                            + "to find the DNS server itself)");
                }
            }
            dnsServers = List.copyOf(dnsServers);
        }
    }

    private final SpfCheck spf;
    private final DkimCheck dkim;
    private final DmarcCheck dmarc;

    /**
     * Logs a warning when the JVM's default charset is not UTF-8: jDKIM hashes header fields in that
     * charset (see {@link DkimHeaders}), so signatures over 8-bit (RFC 6532) header fields would fail.
     */
    public SenderAuthenticator(Settings settings) {
        if (!StandardCharsets.UTF_8.equals(Charset.defaultCharset())) {
            LOG.warn("JVM default charset is {}, not UTF-8: DKIM signatures over header fields with non-ASCII "
                    + "(RFC 6532) text will fail; run the JVM with -Dfile.encoding=UTF-8 or a UTF-8 LANG",
                    Charset.defaultCharset());
        }
        DnsClient dns = new DnsClient(settings.dnsServers(), settings.timeout());
        this.spf = new SpfCheck(dns, settings.ourHostname());
        this.dkim = new DkimCheck(dns);
        this.dmarc = new DmarcCheck(dns);
    }

    /**
     * @param messageFile the stored message
     * @param clientIp    the SMTP client's address
     * @param helo        the HELO/EHLO name it gave
     * @param mailFrom    the MAIL FROM address; empty for the null sender {@code <>}
     * @return the verdicts; never null
     */
    public AuthResults verify(Path messageFile, InetAddress clientIp, String helo, String mailFrom) {
        Objects.requireNonNull(messageFile, "messageFile");
        Objects.requireNonNull(clientIp, "clientIp");
        SpfResult spfResult = spf.check(clientIp, helo, mailFrom);
        List<DkimResult> dkimResults;
        DmarcResult dmarcResult;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(messageFile), 64 * 1024)) {
            HeaderSection headers = HeaderSection.read(in, Charset.defaultCharset()).withoutReplydTrace();
            if (headers.cut() != null) {
                // Signed fields or a second From may be in what was cut: nothing can be verified.
                LOG.warn("{}: header section {}; DKIM permerror, DMARC fail", messageFile.getFileName(), headers.cut());
                dkimResults = List.of(new DkimResult("permerror", null, null));
                dmarcResult = DmarcResult.failed("header section over the size limits");
            } else {
                dkimResults = dkim.check(new DkimHeaders(headers), new CrlfLineEndings(in));
                dmarcResult = dmarc.check(headers.fields("From"), spfResult, dkimResults);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: DKIM and DMARC not verified, reported as temperror: {}", messageFile, e.toString(), e);
            dkimResults = List.of(new DkimResult("temperror", null, null));
            dmarcResult = new DmarcResult("temperror", null, null);
        }
        return new AuthResults(spfResult, dkimResults, dmarcResult);
    }
}
