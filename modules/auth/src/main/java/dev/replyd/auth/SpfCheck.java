package dev.replyd.auth;

import java.net.InetAddress;
import java.util.Locale;
import org.apache.james.jspf.executor.SPFResult;
import org.apache.james.jspf.impl.SPF;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPF for one SMTP transaction (RFC 7208), by Apache jSPF with its DNS answered by our {@link DnsClient}.
 *
 * <p>Contract: checks the MAIL FROM identity, or for the null sender {@code <>} the HELO identity
 * ({@code postmaster@<helo>}, RFC 7208 2.4), against the client's address, and returns jSPF's result
 * name. jSPF applies the RFC's processing limits (ten DNS-querying terms, two void lookups) and no local
 * policy: no best guess, no fallback, no trusted-forwarder list.
 *
 * <p>Failures: DNS failures come back as {@code temperror} through jSPF. An unexpected exception from jSPF
 * itself is logged and reported as {@code temperror}, so that the message is neither passed nor failed on
 * a bug.
 *
 * <p>Thread-safety: shared by all workers. jSPF keeps each check's state in its own session object; the
 * {@link SPF} instance and its record parser are built once and only read afterwards.
 */
final class SpfCheck {

    private static final Logger LOG = LoggerFactory.getLogger(SpfCheck.class);

    private final SPF spf;

    SpfCheck(DnsClient dns, String ourHostname) {
        this.spf = new SPF(new SpfDnsService(dns, ourHostname));
    }

    /**
     * @param client   the SMTP client's address
     * @param helo     its HELO/EHLO name, as given
     * @param mailFrom the MAIL FROM address without angle brackets; empty for the null sender
     */
    SpfResult check(InetAddress client, String helo, String mailFrom) {
        String heloName = helo == null ? "" : helo.strip();
        String sender = mailFrom == null ? "" : mailFrom.strip();
        if (sender.startsWith("<") && sender.endsWith(">")) {
            sender = sender.substring(1, sender.length() - 1);
        }
        String identity = sender.isEmpty() ? "helo" : "mailfrom";
        String domain = (sender.isEmpty() ? heloName : sender.substring(sender.lastIndexOf('@') + 1))
                .toLowerCase(Locale.ROOT);
        String address = client.getHostAddress();
        int zone = address.indexOf('%');
        if (zone >= 0) {
            address = address.substring(0, zone);
        }
        String result;
        try {
            SPFResult spfResult = spf.checkSPF(address, sender, heloName);
            result = spfResult.getResult();
        } catch (RuntimeException e) {
            LOG.warn("SPF check of {} from {} failed inside jSPF; reported as temperror", domain, address, e);
            result = null;
        }
        return new SpfResult(result == null ? "temperror" : result, identity, domain);
    }
}
