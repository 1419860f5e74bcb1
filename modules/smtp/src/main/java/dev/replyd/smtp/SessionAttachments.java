package dev.replyd.smtp;

import java.util.function.Supplier;
import org.apache.james.protocols.api.ProtocolSession;

/**
 * The one way replyd's per-session state is found: the attachment under a key, created and attached
 * on first use so that it lives as long as the given session state (a transaction or the connection).
 *
 * <p>Contract: returns the attachment already under {@code key} in {@code state}, or the value of
 * {@code create}, attached there before it is returned. Fails only as the session's attachment calls do.
 *
 * <p>Thread-safety: stateless; a session is confined to its channel's thread, so no two calls for one
 * session race.
 */
final class SessionAttachments {

    private SessionAttachments() {}

    static <T> T getOrCreate(ProtocolSession session, ProtocolSession.AttachmentKey<T> key,
            ProtocolSession.State state, Supplier<T> create) {
        return session.getAttachment(key, state).orElseGet(() -> {
            T created = create.get();
            session.setAttachment(key, created, state);
            return created;
        });
    }
}
