package dev.replyd.smtp;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * InFlowDelay - SMTP's share of flow control (Postfix's {@code in_flow_delay}): while processing
 * lags behind, each client waits a moment after its message was accepted before its next command
 * is read, so mail arrives about as fast as it is processed instead of piling up in {@code new/}.
 *
 * <p>Contract: after a message is stored and its {@code 250} written, and only when
 * {@code backlogged} says so, reading from that connection pauses for {@code delay}. The pause never
 * blocks an event loop (the connection stops reading; its loop serves the others), never refuses
 * or loses mail, and is far below any client timeout. {@link #off()} never pauses.
 *
 * <p>Thread-safety: immutable; {@code backlogged} is called from the I/O threads and must be cheap
 * and thread-safe (the daemon answers it from a value sampled once a second).
 */
public final class InFlowDelay {

    private static final InFlowDelay OFF = new InFlowDelay(() -> false, Duration.ZERO);

    private final BooleanSupplier backlogged;
    private final Duration delay;

    private InFlowDelay(BooleanSupplier backlogged, Duration delay) {
        this.backlogged = backlogged;
        this.delay = delay;
    }

    /** Never pauses. */
    public static InFlowDelay off() {
        return OFF;
    }

    /**
     * Pauses each connection for {@code delay} after an accepted message while {@code backlogged}
     * is true; a zero delay is {@link #off()}.
     *
     * @throws IllegalArgumentException when {@code delay} is negative
     */
    public static InFlowDelay whenBacklogged(BooleanSupplier backlogged, Duration delay) {
        Objects.requireNonNull(backlogged, "backlogged");
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
        }
        return delay.isZero() ? OFF : new InFlowDelay(backlogged, delay);
    }

    /** The pause to apply now, or zero. */
    Duration pauseNow() {
        return delay.isZero() || !backlogged.getAsBoolean() ? Duration.ZERO : delay;
    }

    @Override
    public String toString() {
        return delay.isZero() ? "InFlowDelay[off]" : "InFlowDelay[" + delay + " while backlogged]";
    }
}
