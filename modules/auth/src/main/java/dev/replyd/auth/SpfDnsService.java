package dev.replyd.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SPFRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * jSPF's view of DNS, answered by our one {@link DnsClient}, so SPF uses the configured servers and
 * timeout rather than jSPF's default (dnsjava's process-wide resolver and cache).
 *
 * <p>Contract (that of jSPF's own {@code DNSServiceXBillImpl}, which this replaces): records come back as
 * strings (addresses in textual form, MX targets as absolute names, PTR targets without the final dot, TXT
 * strings joined); "no records" is {@code null}; a temporary DNS failure is jSPF's {@link TimeoutException},
 * which jSPF turns into {@code temperror}. Any other exception would make jSPF answer {@code neutral}, so
 * none escapes.
 *
 * <p>Standards: RFC 7208 section 4.6.4 (the ten-lookup limit is jSPF's; {@link #getRecordLimit} bounds
 * the MX and PTR names it follows).
 *
 * <p>Thread-safety: shared by concurrent SPF checks; the record limit is the only mutable field and is
 * volatile.
 */
final class SpfDnsService implements DNSService {

    /** RFC 7208 4.6.4: at most ten MX or PTR names are followed per mechanism. */
    private static final int DEFAULT_RECORD_LIMIT = 10;

    private final DnsClient dns;
    private final String ourHostname;
    private volatile int recordLimit = DEFAULT_RECORD_LIMIT;

    SpfDnsService(DnsClient dns, String ourHostname) {
        this.dns = dns;
        this.ourHostname = ourHostname;
    }

    @Override
    public List<String> getRecords(DNSRequest request) throws TimeoutException {
        int type = dnsType(request.getRecordType());
        List<Record> records;
        try {
            records = dns.lookup(request.getHostname(), type);
        } catch (DnsTemporaryFailure e) {
            throw new TimeoutException(e.getMessage());
        }
        if (records.isEmpty()) {
            return null;
        }
        List<String> texts = new ArrayList<>(records.size());
        for (Record record : records) {
            texts.add(text(record));
        }
        return texts;
    }

    @Override
    public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
        try {
            return CompletableFuture.completedFuture(getRecords(request));
        } catch (TimeoutException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The name the {@code %{r}} macro expands to (RFC 7208 7.3): the host doing the check. */
    @Override
    public List<String> getLocalDomainNames() {
        return List.of(ourHostname);
    }

    /**
     * Not supported: the timeout is {@code SenderAuthenticator.Settings.timeout}, fixed when the
     * {@link DnsClient} is built, so that SPF, DKIM and DMARC lookups share it.
     */
    @Override
    public void setTimeOut(int timeOut) {
        throw new UnsupportedOperationException("SPF DNS timeout " + timeOut
                + ": set SenderAuthenticator.Settings.timeout instead (shared by SPF, DKIM and DMARC)");
    }

    @Override
    public int getRecordLimit() {
        return recordLimit;
    }

    @Override
    public void setRecordLimit(int recordLimit) {
        this.recordLimit = recordLimit;
    }

    private static int dnsType(int spfRequestType) {
        switch (spfRequestType) {
            case DNSRequest.A: return Type.A;
            case DNSRequest.AAAA: return Type.AAAA;
            case DNSRequest.MX: return Type.MX;
            case DNSRequest.PTR: return Type.PTR;
            case DNSRequest.TXT: return Type.TXT;
            case DNSRequest.SPF: return Type.SPF;
            default:
                throw new IllegalArgumentException("jSPF DNS request type " + spfRequestType
                        + " (expected: one of DNSRequest.A, AAAA, MX, PTR, TXT, SPF)");
        }
    }

    private static String text(Record record) {
        if (record instanceof ARecord) {
            return ((ARecord) record).getAddress().getHostAddress();
        }
        if (record instanceof AAAARecord) {
            return ((AAAARecord) record).getAddress().getHostAddress();
        }
        if (record instanceof MXRecord) {
            return ((MXRecord) record).getTarget().toString();
        }
        if (record instanceof PTRRecord) {
            String target = ((PTRRecord) record).getTarget().toString();
            return target.endsWith(".") ? target.substring(0, target.length() - 1) : target;
        }
        if (record instanceof SPFRecord) {
            return String.join("", ((SPFRecord) record).getStrings());
        }
        return String.join("", ((TXTRecord) record).getStrings());
    }
}
