package dev.replyd.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;

/**
 * An authoritative-style DNS server on 127.0.0.1 (UDP, random port) for tests, built on dnsjava's
 * message classes: answers from the records it was given, NXDOMAIN for names it has none for, FORMERR
 * for a query without a question. The {@link #silent()} variant binds a port and never answers, to
 * test timeouts. With {@link #answerDelay} each answer is sent that long after its question, as from a
 * resolver farther away (the benchmarks' slow DNS); delayed answers do not hold each other back.
 *
 * <p>Thread-safety: records may be added while it serves; one daemon thread receives and answers (with
 * a delay, a scheduler thread sends); {@link #close} stops both.
 */
public final class LoopbackDnsServer implements AutoCloseable {

    private static final long TTL = 60;

    private final DatagramSocket socket;
    private final Thread thread;
    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    // Appended once per question (a benchmark asks many): a synchronized list, not a copy-on-write one.
    private final List<String> questions = Collections.synchronizedList(new ArrayList<>());
    private final Set<Name> failing = ConcurrentHashMap.newKeySet();
    private final Map<Name, SOARecord> soas = new ConcurrentHashMap<>();
    private final AtomicLong received = new AtomicLong();
    private volatile long delayNanos;
    private ScheduledExecutorService delayedSender;

    private LoopbackDnsServer(int port, boolean answering) throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        if (answering) {
            thread = new Thread(this::serve, "loopback-dns-" + socket.getLocalPort());
            thread.setDaemon(true);
            thread.start();
        } else {
            thread = null;
        }
    }

    public static LoopbackDnsServer answering() throws SocketException {
        return new LoopbackDnsServer(0, true);
    }

    /** Answers on a given loopback port, for a process whose clients are told the port in advance. */
    public static LoopbackDnsServer answeringOn(int port) throws SocketException {
        return new LoopbackDnsServer(port, true);
    }

    public static LoopbackDnsServer silent() throws SocketException {
        return new LoopbackDnsServer(0, false);
    }

    /** Sends every later answer {@code delay} after its question arrived; zero answers at once. */
    public synchronized LoopbackDnsServer answerDelay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("answer delay " + delay + ": expected zero or more");
        }
        if (!delay.isZero() && delayedSender == null) {
            delayedSender = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "loopback-dns-delayed-" + socket.getLocalPort());
                t.setDaemon(true);
                return t;
            });
        }
        delayNanos = delay.toNanos();
        return this;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Adds a TXT record; text longer than 255 characters is split into strings as DNS requires. */
    public LoopbackDnsServer txt(String name, String text) {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 255) {
            strings.add(text.substring(i, Math.min(text.length(), i + 255)));
        }
        Name owner = name(name);
        return add(new TXTRecord(owner, DClass.IN, TTL, strings));
    }

    /** Adds a TXT record with its own time to live. */
    public LoopbackDnsServer txt(String name, String text, long ttlSeconds) {
        return add(new TXTRecord(name(name), DClass.IN, ttlSeconds, text));
    }

    /**
     * Makes the server authoritative for {@code zone}: NXDOMAIN and NODATA answers for names in it carry
     * the zone's SOA (minimum {@code negativeTtlSeconds}), so resolvers may cache them (RFC 2308).
     */
    public LoopbackDnsServer zone(String zone, long negativeTtlSeconds) {
        Name origin = name(zone);
        soas.put(origin, new SOARecord(origin, DClass.IN, negativeTtlSeconds, name("ns." + zone),
                name("hostmaster." + zone), 1, 3600, 600, 86400, negativeTtlSeconds));
        return this;
    }

    public LoopbackDnsServer a(String name, String address) throws IOException {
        return add(new ARecord(name(name), DClass.IN, TTL, InetAddress.getByName(address)));
    }

    /** Answers SERVFAIL for every question about {@code name}, as a broken upstream would. */
    public LoopbackDnsServer servfail(String name) {
        failing.add(name(name));
        return this;
    }

    /** The questions asked so far, as {@code name/TYPE}. */
    public List<String> questions() {
        synchronized (questions) {
            return List.copyOf(questions);
        }
    }

    /** How many queries have arrived so far, malformed ones included. */
    public long queriesReceived() {
        return received.get();
    }

    private LoopbackDnsServer add(Record record) {
        records.computeIfAbsent(record.getName(), n -> new CopyOnWriteArrayList<>()).add(record);
        return this;
    }

    private static Name name(String name) {
        try {
            return Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("test DNS name " + name, e);
        }
    }

    private void serve() {
        byte[] buffer = new byte[65535];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                received.incrementAndGet();
                Message query;
                try {
                    query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                } catch (IOException malformed) {
                    continue;
                }
                send(answer(query).toWire(65535), packet.getSocketAddress());
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private void send(byte[] answer, java.net.SocketAddress to) throws IOException {
        long delay = delayNanos;
        if (delay == 0) {
            socket.send(new DatagramPacket(answer, answer.length, to));
            return;
        }
        try {
            delayedSender.schedule(() -> {
                try {
                    socket.send(new DatagramPacket(answer, answer.length, to));
                } catch (IOException e) {
                    // closed while the answer waited: the client sees a timeout, as from a server gone away
                }
            }, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            // closed between the question and its answer: nothing to send
        }
    }

    private Message answer(Message query) {
        Record question = query.getQuestion();
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        if (question == null) {
            response.getHeader().setRcode(Rcode.FORMERR);
            return response;
        }
        questions.add(question.getName() + "/" + org.xbill.DNS.Type.string(question.getType()));
        response.addRecord(question, Section.QUESTION);
        if (failing.contains(question.getName())) {
            response.getHeader().setRcode(Rcode.SERVFAIL);
            return response;
        }
        List<Record> owned = records.get(question.getName());
        if (owned == null) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            addSoa(response, question.getName());
            return response;
        }
        for (Record record : owned) {
            if (record.getType() == question.getType()) {
                response.addRecord(record, Section.ANSWER);
            }
        }
        if (response.getSection(Section.ANSWER).isEmpty()) {
            addSoa(response, question.getName());
        }
        return response;
    }

    private void addSoa(Message response, Name name) {
        for (Map.Entry<Name, SOARecord> zone : soas.entrySet()) {
            if (name.subdomain(zone.getKey())) {
                response.addRecord(zone.getValue(), Section.AUTHORITY);
                return;
            }
        }
    }

    @Override
    public void close() {
        socket.close();
        synchronized (this) {
            if (delayedSender != null) {
                delayedSender.shutdownNow();
            }
        }
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
