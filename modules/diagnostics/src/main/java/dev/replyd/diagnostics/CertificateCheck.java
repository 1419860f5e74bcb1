package dev.replyd.diagnostics;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Diagnose check {@code "tls certificate"}: the certificate STARTTLS presents is in its validity period,
 * names the reply domain or the host name, and is not about to expire.
 *
 * <p>Contract: reads the first {@code CERTIFICATE} block of the PEM file (a full chain or a file that also holds
 * the key is fine). FAIL when unreadable, not yet valid, expired, or when its names (subjectAltName DNS
 * entries, else the subject CN; {@code *.} wildcards match one label, RFC 6125 section 6.4.3) cover neither
 * the reply domain nor the host name. WARN below {@value #WARN_DAYS} days to expiry, and when no certificate
 * is configured (STARTTLS is then not offered). PASS otherwise, with the names and the days left.
 *
 * <p>Standards: RFC 5280 (validity, subjectAltName), RFC 6125 (name matching).
 *
 * <p>Thread-safety: stateless.
 */
final class CertificateCheck {

    static final String NAME = "tls certificate";
    static final long WARN_DAYS = 21;

    private static final Pattern PEM_CERTIFICATE = Pattern.compile(
            "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+)-----END CERTIFICATE-----");
    private static final int SAN_DNS_NAME = 2;

    private CertificateCheck() {
    }

    static Check run(Path pem, String replyDomain, String hostname, Instant now) {
        if (pem == null) {
            return Check.warn(NAME, "no certificate configured: STARTTLS is not offered and mail arrives in clear text",
                    "set replyd.smtp.tls.cert and replyd.smtp.tls.key to PEM files (e.g. from certbot)");
        }
        X509Certificate certificate;
        try {
            certificate = firstCertificate(pem);
        } catch (IOException e) {
            return Check.fail(NAME, "cannot read " + pem + ": " + e.getMessage(),
                    "make replyd.smtp.tls.cert a PEM certificate file readable by the replyd user");
        }
        List<String> names = names(certificate);
        Instant notBefore = certificate.getNotBefore().toInstant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        String renew = "renew the certificate for " + replyDomain + " and restart replyd";
        if (now.isBefore(notBefore)) {
            return Check.fail(NAME, pem + " is not valid before " + notBefore + " (now " + now + ")",
                    "check the clock, or install a certificate that is already valid");
        }
        if (!now.isBefore(notAfter)) {
            return Check.fail(NAME, pem + " expired on " + notAfter + " (names " + names + ")", renew);
        }
        List<String> covered = new ArrayList<>();
        for (String wanted : new String[] {replyDomain, hostname}) {
            if (wanted != null && names.stream().anyMatch(name -> matches(name, wanted))) {
                covered.add(wanted);
            }
        }
        if (covered.isEmpty()) {
            return Check.fail(NAME, pem + " names " + names + ", neither " + replyDomain + " nor " + hostname,
                    "install a certificate whose subjectAltName includes " + replyDomain);
        }
        long days = Duration.between(now, notAfter).toDays();
        String detail = pem + " covers " + String.join(", ", covered) + ", expires " + notAfter + " (" + days
                + " days)";
        if (days < WARN_DAYS) {
            return Check.warn(NAME, detail + ": fewer than " + WARN_DAYS + " days left", renew);
        }
        return Check.pass(NAME, detail);
    }

    private static X509Certificate firstCertificate(Path pem) throws IOException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        Matcher block = PEM_CERTIFICATE.matcher(text);
        if (!block.find()) {
            throw new IOException("no -----BEGIN CERTIFICATE----- block");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(block.group(1));
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (IllegalArgumentException | CertificateException e) {
            throw new IOException("the first certificate is not valid X.509 (" + e.getMessage() + ")", e);
        }
    }

    /** The DNS names the certificate is for: subjectAltName DNS entries, or the subject CN when there are none. */
    private static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (entry.size() >= 2 && Integer.valueOf(SAN_DNS_NAME).equals(entry.get(0))) {
                        names.add(String.valueOf(entry.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // An unparsable extension leaves the subject CN, as for a certificate without one.
        }
        if (names.isEmpty()) {
            try {
                for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        names.add(String.valueOf(rdn.getValue()).toLowerCase(Locale.ROOT));
                    }
                }
            } catch (InvalidNameException e) {
                // No usable subject either: the name list stays empty and the check reports a mismatch.
            }
        }
        return names;
    }

    static boolean matches(String pattern, String host) {
        String wanted = host.toLowerCase(Locale.ROOT);
        if (pattern.startsWith("*.")) {
            int dot = wanted.indexOf('.');
            return dot > 0 && wanted.substring(dot + 1).equals(pattern.substring(2));
        }
        return pattern.equals(wanted);
    }
}
