package dev.replyd.diagnostics;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The three DNS checks of diagnose: an address for the reply domain, an MX for the reply domain that leads
 * back to this machine, and an MX for the host name (where mail to {@code noreply@<host>} and bounces go).
 *
 * <p>Contract: {@code "dns reply address"} passes when {@code <reply-domain>} has an A or AAAA record (directly
 * or through a CNAME, which is named in the detail) and fails otherwise. {@code "dns reply MX"} passes when an
 * MX target resolves to an address of the reply domain or of a local interface; it warns when there is no MX
 * (RFC 5321 section 5.1 lets senders fall back to the A record, but many deployments expect an MX) or when
 * the targets resolve only to other machines (a mail gateway in front of replyd would be such a case); it
 * fails for a null MX ({@code "."}, RFC 7505: the domain refuses mail) or when no target resolves.
 * {@code "dns host MX"} passes when {@code <host>} has a resolvable MX, warns when it has only an address
 * record, and fails when it has neither (receivers refuse mail from a sender domain that does not exist).
 *
 * <p>Failures: a server that does not answer or answers SERVFAIL fails the check it happened in; once a
 * server has timed out the remaining DNS checks report "not checked" instead of waiting again, so a dead
 * resolver costs one timeout, not six.
 *
 * <p>Standards: RFC 5321 section 5.1 (MX, implicit MX), RFC 7505 (null MX).
 *
 * <p>Thread-safety: confined to the diagnose run that created it (it remembers an unreachable server).
 */
final class DnsChecks {

    static final String REPLY_ADDRESS = "dns reply address";
    static final String REPLY_MX = "dns reply MX";
    static final String HOST_MX = "dns host MX";
    static final String PEERS = "dns cluster peers";

    private final Resolver resolver;
    private final String serverDescription;
    private String unreachable;

    DnsChecks(List<InetSocketAddress> servers, Duration timeout) {
        if (servers.isEmpty()) {
            ExtendedResolver system = new ExtendedResolver();
            system.setTimeout(timeout);
            system.setRetries(1);
            this.resolver = system;
            this.serverDescription = "the system resolver";
        } else {
            List<Resolver> simple = new ArrayList<>();
            for (InetSocketAddress server : servers) {
                SimpleResolver one = new SimpleResolver(server);
                one.setTimeout(timeout);
                simple.add(one);
            }
            ExtendedResolver extended = new ExtendedResolver(simple);
            extended.setTimeout(timeout);
            extended.setRetries(1);
            this.resolver = extended;
            this.serverDescription = "DNS server " + servers.stream()
                    .map(s -> s.getAddress().getHostAddress() + ":" + s.getPort())
                    .collect(Collectors.joining(", "));
        }
    }

    List<Check> run(String hostname, String replyDomain) {
        List<Check> checks = new ArrayList<>();
        if (replyDomain == null || replyDomain.isBlank()) {
            checks.add(Check.fail(REPLY_ADDRESS, "not checked: replyd.reply-domain is not set",
                    "set replyd.hostname (the reply domain defaults to reply.<hostname>)"));
            checks.add(Check.fail(REPLY_MX, "not checked: replyd.reply-domain is not set",
                    "set replyd.hostname (the reply domain defaults to reply.<hostname>)"));
        } else {
            Answer address = addresses(replyDomain);
            checks.add(replyAddress(replyDomain, address));
            checks.add(replyMx(replyDomain, address.addresses));
        }
        if (hostname == null || hostname.isBlank()) {
            checks.add(Check.fail(HOST_MX, "not checked: replyd.hostname is not set",
                    "set replyd.hostname to the appliance's host name"));
        } else {
            checks.add(hostMx(hostname));
        }
        return checks;
    }

    private Check replyAddress(String replyDomain, Answer answer) {
        if (answer.error != null) {
            return Check.fail(REPLY_ADDRESS, "A/AAAA lookup of " + replyDomain + " failed: " + answer.error,
                    dnsFix());
        }
        if (answer.addresses.isEmpty()) {
            return Check.fail(REPLY_ADDRESS, replyDomain + " has no A, AAAA or CNAME record (" + serverDescription
                            + ")",
                    "create the record \"" + replyDomain + ". A <public address of this machine>\" (or a CNAME "
                            + "to the appliance's host name)");
        }
        String via = answer.canonical == null ? "" : " (CNAME to " + answer.canonical + ")";
        return Check.pass(REPLY_ADDRESS, replyDomain + via + " has address " + join(answer.addresses));
    }

    private Check replyMx(String replyDomain, Set<String> replyAddresses) {
        MxAnswer mx = mx(replyDomain);
        if (mx.error != null) {
            return Check.fail(REPLY_MX, "MX lookup of " + replyDomain + " failed: " + mx.error, dnsFix());
        }
        String wanted = "\"" + replyDomain + ". MX 10 " + replyDomain + ".\"";
        if (mx.records.isEmpty()) {
            return Check.warn(REPLY_MX, replyDomain + " has no MX record; senders fall back to its address record",
                    "create the record " + wanted);
        }
        if (mx.records.size() == 1 && mx.records.get(0).getTarget().equals(Name.root)) {
            return Check.fail(REPLY_MX, replyDomain + " has a null MX (\".\"): it declares that it accepts no mail",
                    "replace the null MX with " + wanted);
        }
        Set<String> ours = new LinkedHashSet<>(replyAddresses);
        ours.addAll(localAddresses());
        List<String> unresolved = new ArrayList<>();
        List<String> elsewhere = new ArrayList<>();
        for (MXRecord record : mx.records) {
            String target = bare(record.getTarget());
            Answer targetAddresses = addresses(target);
            if (targetAddresses.error != null || targetAddresses.addresses.isEmpty()) {
                unresolved.add(target + (targetAddresses.error != null ? " (" + targetAddresses.error + ")" : ""));
                continue;
            }
            if (!Collections.disjoint(ours, targetAddresses.addresses)) {
                return Check.pass(REPLY_MX, replyDomain + " MX " + record.getPriority() + " " + target + " ("
                        + join(targetAddresses.addresses) + ")");
            }
            elsewhere.add(target + " (" + join(targetAddresses.addresses) + ")");
        }
        if (elsewhere.isEmpty()) {
            return Check.fail(REPLY_MX, "the MX of " + replyDomain + " points to " + String.join(", ", unresolved)
                    + ", which has no address record", "create an address record for the MX target or point the MX at "
                    + replyDomain + ": " + wanted);
        }
        Set<String> shown = ours.stream().filter(a -> !a.equals("127.0.0.1") && !a.equals("::1"))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        return Check.warn(REPLY_MX, "the MX of " + replyDomain + " points to " + String.join(", ", elsewhere)
                        + ", not to this machine (" + join(shown.isEmpty() ? ours : shown) + ")",
                "unless a mail gateway there relays to replyd, point the MX at this machine: " + wanted);
    }

    /**
     * With several nodes ({@code replyd.cluster.peers}): passes when every peer is an MX target of the
     * reply domain or has an address one of them (or, without MX, the reply domain itself) has;
     * fails naming the peers senders would never reach, or those without an address record.
     */
    Check peers(String replyDomain, List<String> peers) {
        MxAnswer mx = mx(replyDomain);
        if (mx.error != null) {
            return Check.fail(PEERS, "MX lookup of " + replyDomain + " failed: " + mx.error, dnsFix());
        }
        Set<String> targets = new LinkedHashSet<>();
        Set<String> published = new LinkedHashSet<>();
        for (MXRecord record : mx.records) {
            String target = bare(record.getTarget());
            targets.add(target);
            published.addAll(addresses(target).addresses);
        }
        if (mx.records.isEmpty()) {
            published.addAll(addresses(replyDomain).addresses);
        }
        List<String> missing = new ArrayList<>();
        List<String> unresolved = new ArrayList<>();
        List<String> listed = new ArrayList<>();
        for (String peer : peers) {
            String name = bare(peer);
            Answer answer = addresses(name);
            if (targets.contains(name)) {
                listed.add(name);
            } else if (answer.addresses.isEmpty()) {
                unresolved.add(name);
            } else if (!Collections.disjoint(published, answer.addresses)) {
                listed.add(name + " (" + join(answer.addresses) + ")");
            } else {
                missing.add(name + " (" + join(answer.addresses) + ")");
            }
        }
        String records = mx.records.isEmpty() ? "the address records" : "the MX records";
        if (!unresolved.isEmpty()) {
            return Check.fail(PEERS, "cluster peer(s) " + String.join(", ", unresolved) + " have no address record ("
                    + serverDescription + ")", "create an A/AAAA record for each node, or correct replyd.cluster.peers");
        }
        if (!missing.isEmpty()) {
            return Check.fail(PEERS, records + " of " + replyDomain + " do not lead to cluster peer(s) "
                    + String.join(", ", missing) + ": senders never reach them",
                    "add \"" + replyDomain + ". MX 10 <peer>.\" for each one (same preference spreads the load),"
                    + " or remove it from replyd.cluster.peers");
        }
        return Check.pass(PEERS, "all " + peers.size() + " cluster peer(s) are listed in " + records + " of "
                + replyDomain + ": " + String.join(", ", listed));
    }

    private Check hostMx(String hostname) {
        MxAnswer mx = mx(hostname);
        if (mx.error != null) {
            return Check.fail(HOST_MX, "MX lookup of " + hostname + " failed: " + mx.error, dnsFix());
        }
        for (MXRecord record : mx.records) {
            String target = bare(record.getTarget());
            Answer targetAddresses = addresses(target);
            if (targetAddresses.error == null && !targetAddresses.addresses.isEmpty()) {
                return Check.pass(HOST_MX, hostname + " MX " + record.getPriority() + " " + target + " ("
                        + join(targetAddresses.addresses) + ")");
            }
        }
        String fix = "create an MX record for " + hostname + " pointing at the mail server that should receive "
                + "bounces and mail to noreply@" + hostname;
        if (!mx.records.isEmpty()) {
            return Check.fail(HOST_MX, "the MX targets of " + hostname + " ("
                    + mx.records.stream().map(r -> bare(r.getTarget())).collect(Collectors.joining(", "))
                    + ") have no address record", fix);
        }
        Answer address = addresses(hostname);
        if (address.error == null && !address.addresses.isEmpty()) {
            return Check.warn(HOST_MX, hostname + " has no MX record, only an address (" + join(address.addresses)
                    + "); bounces and mail to noreply@" + hostname + " go to that machine", fix);
        }
        return Check.fail(HOST_MX, hostname + " has neither an MX nor an address record (" + serverDescription
                + "): receivers may refuse notifications sent from it", fix);
    }

    private String dnsFix() {
        return "check that " + serverDescription + " answers (dig @server <name>) and that the zone is published";
    }

    /**
     * An A/AAAA answer: the addresses (empty when the name or type does not exist), the canonical name when a
     * CNAME was followed (else null), or an error.
     */
    private record Answer(Set<String> addresses, String canonical, String error) {
    }

    private record MxAnswer(List<MXRecord> records, String error) {
    }

    private Answer addresses(String name) {
        Set<String> found = new LinkedHashSet<>();
        String canonical = null;
        String error = null;
        for (int type : new int[] {Type.A, Type.AAAA}) {
            Lookup lookup;
            try {
                lookup = lookup(name, type);
            } catch (LookupError e) {
                // One family failing (a resolver refusing AAAA) does not hide the other's addresses.
                error = error == null ? e.getMessage() : error;
                continue;
            }
            for (Record record : answers(lookup)) {
                if (record instanceof ARecord a) {
                    found.add(text(a.getAddress()));
                } else if (record instanceof AAAARecord aaaa) {
                    found.add(text(aaaa.getAddress()));
                }
                // Lookup follows CNAMEs: the answer's owner is the canonical name when it differs from ours.
                String owner = bare(record.getName());
                if (canonical == null && !owner.equals(bare(name))) {
                    canonical = owner;
                }
            }
        }
        return new Answer(found, canonical, found.isEmpty() ? error : null);
    }

    private MxAnswer mx(String name) {
        try {
            List<MXRecord> records = new ArrayList<>();
            for (Record record : answers(lookup(name, Type.MX))) {
                if (record instanceof MXRecord mx) {
                    records.add(mx);
                }
            }
            records.sort(Comparator.comparingInt(MXRecord::getPriority));
            return new MxAnswer(records, null);
        } catch (LookupError e) {
            return new MxAnswer(List.of(), e.getMessage());
        }
    }

    private static Record[] answers(Lookup lookup) {
        Record[] records = lookup.getAnswers();
        return records == null ? new Record[0] : records;
    }

    /** Runs one query; a missing name or type is an empty answer, anything else a {@link LookupError}. */
    private Lookup lookup(String name, int type) throws LookupError {
        if (unreachable != null) {
            throw new LookupError("not checked: " + unreachable);
        }
        Lookup lookup;
        try {
            lookup = new Lookup(Name.fromString(name.endsWith(".") ? name : name + "."), type);
        } catch (TextParseException e) {
            throw new LookupError("\"" + name + "\" is not a valid domain name");
        }
        lookup.setResolver(resolver);
        lookup.setCache(null);
        lookup.setHostsFileParser(null);
        lookup.run();
        switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL, Lookup.HOST_NOT_FOUND, Lookup.TYPE_NOT_FOUND:
                return lookup;
            case Lookup.TRY_AGAIN:
                String reason = lookup.getErrorString();
                // dnsjava reports an I/O failure, a timeout included, as "network error" (or "timed out").
                if (reason != null && (reason.contains("timed out") || reason.contains("network error"))) {
                    unreachable = serverDescription + " did not answer (timeout or network error)";
                    throw new LookupError(unreachable);
                }
                throw new LookupError(serverDescription + " answered " + reason + " for " + Type.string(type) + " "
                        + name);
            default:
                throw new LookupError(serverDescription + " could not resolve " + Type.string(type) + " " + name
                        + ": " + lookup.getErrorString());
        }
    }

    private static Set<String> localAddresses() {
        Set<String> local = new LinkedHashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (!address.isLinkLocalAddress()) {
                        local.add(text(address));
                    }
                }
            }
        } catch (SocketException e) {
            // Without the interface list the MX comparison falls back to the reply domain's own addresses.
        }
        return local;
    }

    /** An address as operators write it: dotted quad, or RFC 5952 IPv6 ({@code fd00::2}) without a scope. */
    static String text(InetAddress address) {
        String raw = address.getHostAddress();
        int scope = raw.indexOf('%');
        if (scope >= 0) {
            raw = raw.substring(0, scope);
        }
        if (!(address instanceof Inet6Address)) {
            return raw;
        }
        String[] groups = raw.split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        if (bestStart < 0) {
            return raw;
        }
        String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }

    private static String bare(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") && lower.length() > 1 ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static String bare(Name name) {
        String text = name.toString(true);
        return text.isEmpty() ? "." : text.toLowerCase(Locale.ROOT);
    }

    private static String join(Set<String> values) {
        return String.join(", ", values);
    }

    /** A lookup that got no usable answer; the message is the detail shown to the operator. */
    private static final class LookupError extends Exception {
        LookupError(String message) {
            super(message, null, false, false);
        }
    }
}
