package dev.replyd.auth;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Cache;
import org.xbill.DNS.Credibility;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.Section;
import org.xbill.DNS.SetResponse;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The one DNS client of sender authentication: the SPF checks (through {@link SpfDnsService}), the DKIM key
 * lookups (through {@link DkimKeyRetriever}) and the DMARC record discovery all ask their questions here.
 *
 * <p>Contract: {@link #lookup} sends one question to the configured servers in order and returns the
 * answer-section records of the asked type (CNAME chains are left to the recursive server). A name that
 * does not exist (NXDOMAIN), exists without records of that type (NODATA), or cannot be written as a DNS
 * name at all has no records: the result is empty. Names are always absolute: there is no search list.
 *
 * <p>Why not dnsjava's {@code Lookup}, which jSPF's and jDKIM's own DNS classes use: it keeps one static
 * cache per JVM (answers and negative answers shared with anything else using dnsjava in the daemon, and
 * kept across configuration reloads) and appends the host's search domains to names it cannot find.
 *
 * <p>Caching: answers are kept in this client's own dnsjava {@link Cache}, which honours each record's TTL
 * and RFC 2308 negative caching (NXDOMAIN and NODATA for the SOA minimum; a negative answer without an SOA
 * is not kept), capped at {@link #MAX_TTL} for answers and {@link #MAX_NEGATIVE_TTL} for negative ones,
 * {@link #MAX_ENTRIES} names at most. Replies come from a handful of domains, and without a cache every
 * message paid for its SPF, DKIM and DMARC questions again (4 messages a second against a slow resolver).
 * Failures (timeouts, SERVFAIL) are never cached. The cache lives and dies with the client, so a
 * configuration reload starts empty and nothing is shared with other dnsjava users.
 *
 * <p>Failures: a server that times out, cannot be reached or answers with any rcode other than NOERROR or
 * NXDOMAIN is skipped for the next one; when none is left, {@link DnsTemporaryFailure}. Each server gets
 * one attempt of at most {@code timeout} per question (dnsjava retries over TCP by itself when a UDP answer
 * is truncated, within the same timeout), so one question costs at most {@code timeout} times the number
 * of servers.
 *
 * <p>Thread-safety: shared by all processor workers; dnsjava's {@link SimpleResolver} supports concurrent
 * queries and no field is mutated after construction.
 */
final class DnsClient {

    static final Duration MAX_TTL = Duration.ofHours(1);
    static final Duration MAX_NEGATIVE_TTL = Duration.ofMinutes(5);
    static final int MAX_ENTRIES = 10_000;

    private final List<SimpleResolver> servers;
    private final String serverNames;
    private final Cache cache = new Cache(DClass.IN);

    /**
     * @param servers the recursive servers to ask, in order; empty means the host's own (resolv.conf)
     * @param timeout how long to wait for each server's answer
     */
    DnsClient(List<InetSocketAddress> servers, Duration timeout) {
        List<InetSocketAddress> chosen = servers.isEmpty() ? ResolverConfig.getCurrentConfig().servers() : servers;
        List<SimpleResolver> resolvers = new ArrayList<>(chosen.size());
        for (InetSocketAddress address : chosen) {
            SimpleResolver resolver = new SimpleResolver(address);
            resolver.setTimeout(timeout);
            resolvers.add(resolver);
        }
        this.servers = List.copyOf(resolvers);
        this.serverNames = chosen.toString();
        cache.setMaxCache((int) MAX_TTL.toSeconds());
        cache.setMaxNCache((int) MAX_NEGATIVE_TTL.toSeconds());
        cache.setMaxEntries(MAX_ENTRIES);
    }

    /** Records of {@code type} (a {@link Type} constant) that {@code name} has; empty if none. */
    List<Record> lookup(String name, int type) throws DnsTemporaryFailure {
        Name absolute;
        try {
            absolute = Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            return List.of();
        }
        SetResponse cached = cache.lookupRecords(absolute, type, Credibility.NORMAL);
        if (cached.isSuccessful()) {
            List<Record> records = new ArrayList<>();
            for (RRset set : cached.answers()) {
                for (Record record : set.rrs()) {
                    if (record.getType() == type) {
                        records.add(record);
                    }
                }
            }
            return records;
        }
        if (cached.isNXDOMAIN() || cached.isNXRRSET()) {
            return List.of();
        }
        Message query = Message.newQuery(Record.newRecord(absolute, type, DClass.IN));
        String question = absolute + "/" + Type.string(type);
        Exception lastCause = null;
        for (SimpleResolver server : servers) {
            try {
                Message response = server.send(query);
                int rcode = response.getRcode();
                if (rcode == Rcode.NXDOMAIN) {
                    cache.addMessage(response);
                    return List.of();
                }
                if (rcode == Rcode.NOERROR) {
                    cache.addMessage(response);
                    List<Record> records = new ArrayList<>();
                    for (Record record : response.getSection(Section.ANSWER)) {
                        if (record.getType() == type) {
                            records.add(record);
                        }
                    }
                    return records;
                }
                lastCause = new IOException(server.getAddress() + " answered " + Rcode.string(rcode));
            } catch (IOException e) {
                lastCause = e;
            }
        }
        throw new DnsTemporaryFailure("DNS lookup of " + question + " got no answer from " + serverNames
                + " (last: " + (lastCause == null ? "no server configured" : lastCause.getMessage())
                + "); check the DNS servers setting and that they resolve public names", lastCause);
    }

    /** The TXT records of {@code name}, each one's strings joined (RFC 7208 3.3, RFC 6376 3.6.2.2). */
    List<String> txt(String name) throws DnsTemporaryFailure {
        List<String> texts = new ArrayList<>();
        for (Record record : lookup(name, Type.TXT)) {
            texts.add(String.join("", ((TXTRecord) record).getStrings()));
        }
        return texts;
    }
}
