package dev.replyd.diagnostics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names the daemon exports (the contract the alert rules and the dashboard are written against), and
 * a small PromQL reader that lists the metric names an expression selects.
 *
 * <p>The reader drops string literals, label matchers ({@code {...}}), ranges ({@code [...]}) and grouping
 * label lists ({@code by (...)}), then keeps every identifier that is neither a function call, a keyword nor an
 * aggregation: what is left are metric names.
 */
final class MetricNames {

    /** Counters, gauges, and the base names of summaries and histograms, as Micrometer exports them. */
    static final List<String> REPLYD = List.of(
            "replyd_smtp_connections_total", "replyd_smtp_connections_active", "replyd_smtp_transactions_total",
            "replyd_smtp_recipients_total", "replyd_smtp_message_bytes", "replyd_smtp_tls_sessions_total",
            "replyd_maildir_backlog_files", "replyd_maildir_oldest_age_seconds", "replyd_processed_total",
            "replyd_processing_duration_seconds", "replyd_callback_requests_total", "replyd_callback_duration_seconds",
            "replyd_callback_retries_scheduled_total", "replyd_callback_pending_retries", "replyd_storage_free_bytes",
            "replyd_tls_certificate_expiry_seconds");

    /** JVM and process metrics of Micrometer's standard binders that the dashboard shows. */
    static final List<String> JVM = List.of("jvm_memory_used_bytes", "jvm_memory_max_bytes", "jvm_threads_live_threads",
            "jvm_gc_pause_seconds", "process_cpu_usage");

    private static final List<String> SUMMARY_AND_HISTOGRAM_BASES = List.of("replyd_smtp_message_bytes",
            "replyd_processing_duration_seconds", "replyd_callback_duration_seconds", "jvm_gc_pause_seconds");

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset", "inf", "nan");

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])([A-Za-z_:][A-Za-z0-9_:]*)(\\s*\\()?");

    private MetricNames() {
    }

    /** The metric names an expression selects, in order of appearance. */
    static Set<String> in(String promql) {
        String text = STRING.matcher(promql).replaceAll("\"\"");
        text = MATCHERS.matcher(text).replaceAll(" ");
        text = RANGE.matcher(text).replaceAll(" ");
        text = GROUPING.matcher(text).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher identifier = IDENTIFIER.matcher(text);
        while (identifier.find()) {
            String name = identifier.group(1);
            boolean call = identifier.group(2) != null;
            if (!call && !KEYWORDS.contains(name.toLowerCase())) {
                names.add(name);
            }
        }
        return names;
    }

    /** True for an exported series name: a listed name, or a summary/histogram's _count, _sum or _bucket. */
    static boolean known(String name, boolean allowJvm) {
        if (REPLYD.contains(name) || allowJvm && JVM.contains(name)) {
            return true;
        }
        for (String base : SUMMARY_AND_HISTOGRAM_BASES) {
            if (!allowJvm && base.startsWith("jvm_")) {
                continue;
            }
            if (name.equals(base + "_count") || name.equals(base + "_sum") || name.equals(base + "_bucket")) {
                return true;
            }
        }
        return false;
    }

    /** The base name a series belongs to (strips _count, _sum, _bucket of summaries and histograms). */
    static String base(String name) {
        for (String base : SUMMARY_AND_HISTOGRAM_BASES) {
            if (name.startsWith(base + "_")) {
                return base;
            }
        }
        return name;
    }

    /** A file under the repository's {@code config/}, found from the module directory the tests run in. */
    static Path configFile(String relative) throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("config").resolve(relative);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IOException("config/" + relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
