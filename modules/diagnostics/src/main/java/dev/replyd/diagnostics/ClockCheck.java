package dev.replyd.diagnostics;

import java.time.Duration;
import java.time.Instant;

/**
 * Diagnose check {@code "clock"}: the local clock agrees with the main app's, because every callback carries a
 * signed timestamp the main app compares with its own time.
 *
 * <p>Contract: compares the callback response's {@code Date} header (one-second resolution) with the local time
 * halfway through that request. PASS within {@value #WARN_SECONDS} s; WARN beyond that; FAIL beyond
 * {@value #FAIL_SECONDS} s, the signature tolerance receivers commonly use, past which callbacks are refused.
 * WARN when there was no {@code Date} to compare with (the callback failed or sent none).
 *
 * <p>Thread-safety: stateless.
 */
final class ClockCheck {

    static final String NAME = "clock";
    static final long WARN_SECONDS = 60;
    static final long FAIL_SECONDS = 300;

    private ClockCheck() {
    }

    static Check run(Instant serverDate, Instant localMidpoint) {
        if (serverDate == null || localMidpoint == null) {
            return Check.warn(NAME, "not compared: the callback gave no Date header to compare with",
                    "check the clock by hand (timedatectl status) and fix the callback check above");
        }
        long skew = Duration.between(serverDate, localMidpoint).toSeconds();
        String direction = skew >= 0 ? "ahead of" : "behind";
        String detail = "local clock is " + Math.abs(skew) + " s " + direction + " the main app's";
        String fix = "enable time synchronisation on both machines (timedatectl set-ntp true)";
        if (Math.abs(skew) > FAIL_SECONDS) {
            return Check.fail(NAME, detail + ": signed callbacks fall outside the usual 5-minute tolerance", fix);
        }
        if (Math.abs(skew) > WARN_SECONDS) {
            return Check.warn(NAME, detail, fix);
        }
        return Check.pass(NAME, detail);
    }
}
