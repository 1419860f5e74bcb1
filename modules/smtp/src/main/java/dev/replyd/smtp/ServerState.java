package dev.replyd.smtp;

/**
 * Whether the server is draining for a stop: new connections and sessions outside a transaction get
 * 421 4.3.2, transactions in flight may finish.
 *
 * <p>Thread-safety: shared by all sessions; one volatile flag, set once by {@link SmtpServer#stop}.
 */
final class ServerState {

    private volatile boolean draining;

    void startDraining() {
        draining = true;
    }

    boolean isDraining() {
        return draining;
    }
}
