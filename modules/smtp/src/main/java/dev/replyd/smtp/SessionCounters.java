package dev.replyd.smtp;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.james.protocols.api.ProtocolSession;

/**
 * Per-session command tally for the {@code disconnect from …} line (Postfix style:
 * {@code ehlo=1 mail=1 rcpt=1/2 data=1 quit=1 commands=5/6}, "ok/total" when some failed) and the error
 * count behind {@code smtp.max-errors}.
 *
 * <p>Thread-safety: confined to one session (a Connection-scoped attachment).
 */
final class SessionCounters {

    private static final ProtocolSession.AttachmentKey<SessionCounters> KEY =
            ProtocolSession.AttachmentKey.of("replyd.counters", SessionCounters.class);
    private static final Set<String> KNOWN = Set.of("helo", "ehlo", "starttls", "mail", "rcpt", "data", "rset",
            "noop", "quit", "vrfy", "expn", "help", "auth", "bdat");

    /** command name → {ok, total}, in order of first use. */
    private final Map<String, int[]> commands = new LinkedHashMap<>();
    private int errors;

    static SessionCounters of(ProtocolSession session) {
        return SessionAttachments.getOrCreate(session, KEY, ProtocolSession.State.Connection, SessionCounters::new);
    }

    void count(String command, boolean ok) {
        String name = command == null ? "unknown" : command.toLowerCase(Locale.ROOT);
        int[] tally = commands.computeIfAbsent(KNOWN.contains(name) ? name : "unknown", key -> new int[2]);
        tally[1]++;
        if (ok) {
            tally[0]++;
        } else {
            errors++;
        }
    }

    int errors() {
        return errors;
    }

    /** " ehlo=1 mail=1 … commands=N", or "" when the client sent nothing. */
    String summary() {
        StringBuilder out = new StringBuilder();
        int ok = 0;
        int total = 0;
        for (Map.Entry<String, int[]> entry : commands.entrySet()) {
            int[] tally = entry.getValue();
            out.append(' ').append(entry.getKey()).append('=').append(fraction(tally[0], tally[1]));
            ok += tally[0];
            total += tally[1];
        }
        out.append(" commands=").append(fraction(ok, total));
        return out.toString();
    }

    private static String fraction(int ok, int total) {
        return ok == total ? Integer.toString(total) : ok + "/" + total;
    }
}
