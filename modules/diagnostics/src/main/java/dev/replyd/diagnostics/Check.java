package dev.replyd.diagnostics;

import java.util.Objects;

/**
 * One line of the diagnose checklist: what was checked, the verdict, what was seen, and what to do.
 *
 * <p>Contract: {@code name} is a short, stable label ("dns reply MX"); {@code detail} says what was observed,
 * naming the host, address, path or key involved; {@code fix} is the operator's next step, empty for
 * {@link Status#PASS}. No secret ever appears in any field.
 *
 * <p>Thread-safety: immutable.
 */
public record Check(String name, Status status, String detail, String fix) {

    public Check {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
        fix = fix == null ? "" : fix;
    }

    static Check pass(String name, String detail) {
        return new Check(name, Status.PASS, detail, "");
    }

    static Check warn(String name, String detail, String fix) {
        return new Check(name, Status.WARN, detail, fix);
    }

    static Check fail(String name, String detail, String fix) {
        return new Check(name, Status.FAIL, detail, fix);
    }
}
