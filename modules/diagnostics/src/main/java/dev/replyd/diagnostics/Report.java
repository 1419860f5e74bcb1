package dev.replyd.diagnostics;

import java.util.List;
import java.util.Optional;

/**
 * The diagnose checklist, in the order the checks ran.
 *
 * <p>Contract: {@link #anyFailed()} is what {@code replyd diagnose} turns into its exit status (warnings do not
 * fail it). {@link #render()} is the text printed to the terminal and put in the support bundle: one line per
 * check, {@code "PASS  <name padded>  <detail>"}, with the names aligned, and under every WARN or FAIL an
 * indented {@code "      fix: <fix>"} line; it ends with {@code "summary: <n> PASS, <n> WARN, <n> FAIL"}.
 *
 * <p>Thread-safety: immutable.
 */
public record Report(List<Check> checks) {

    public Report {
        checks = List.copyOf(checks);
    }

    /** True when at least one check is {@link Status#FAIL}. */
    public boolean anyFailed() {
        return checks.stream().anyMatch(check -> check.status() == Status.FAIL);
    }

    /** The check with this name, if it ran. */
    public Optional<Check> find(String name) {
        return checks.stream().filter(check -> check.name().equals(name)).findFirst();
    }

    /** The checklist as aligned text lines, ending with a newline. */
    public String render() {
        int width = checks.stream().mapToInt(check -> check.name().length()).max().orElse(0);
        StringBuilder out = new StringBuilder();
        int[] counts = new int[Status.values().length];
        for (Check check : checks) {
            counts[check.status().ordinal()]++;
            out.append(String.format("%-4s  %-" + Math.max(width, 1) + "s  %s%n",
                    check.status(), check.name(), oneLine(check.detail())));
            if (check.status() != Status.PASS && !check.fix().isEmpty()) {
                out.append("      fix: ").append(oneLine(check.fix())).append(System.lineSeparator());
            }
        }
        out.append(String.format("summary: %d PASS, %d WARN, %d FAIL%n",
                counts[Status.PASS.ordinal()], counts[Status.WARN.ordinal()], counts[Status.FAIL.ordinal()]));
        return out.toString();
    }

    /** Details quote servers (banners, response bodies); a stray newline must not break the alignment. */
    private static String oneLine(String text) {
        return text.replaceAll("[\\r\\n\\t]+", " ").strip();
    }
}
