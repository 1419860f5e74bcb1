package dev.replyd.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * config/prometheus/replyd-alerts.yml: loadable as is, written only against metrics the daemon exports, and each
 * alert fires on the traffic it is for (promtool's own unit-test runner, when promtool is installed).
 */
class AlertRulesTest {

    @TempDir
    Path dir;

    @Test
    void everyRuleIsAnAlertWithExprForSeverityAndAnnotations() throws IOException {
        List<JsonNode> rules = rules();

        assertThat(rules).hasSizeGreaterThanOrEqualTo(5);
        for (JsonNode rule : rules) {
            String alert = rule.path("alert").asText();
            assertThat(alert).as("alert name").matches("Replyd[A-Za-z]+");
            assertThat(rule.path("expr").asText()).as(alert + " expr").isNotBlank();
            assertThat(rule.path("for").asText()).as(alert + " for").matches("\\d+[smh]");
            assertThat(rule.path("labels").path("severity").asText()).as(alert + " severity")
                    .isIn("warning", "critical");
            assertThat(rule.path("annotations").path("summary").asText()).as(alert + " summary").isNotBlank();
            assertThat(rule.path("annotations").path("description").asText()).as(alert + " description").isNotBlank();
        }
    }

    @Test
    void theAlertsOperatorsAskedForAreAllThere() throws IOException {
        List<String> names = rules().stream().map(rule -> rule.path("alert").asText()).toList();

        assertThat(names).contains("ReplydBacklogStale", "ReplydCallbackFailureRatioHigh", "ReplydNoMailAccepted",
                "ReplydStorageNearlyFull", "ReplydTlsCertificateExpiringSoon");
    }

    @Test
    void everyAlertExpressionSelectsOnlyReplydMetricsTheDaemonExports() throws IOException {
        for (JsonNode rule : rules()) {
            Set<String> names = MetricNames.in(rule.path("expr").asText());

            assertThat(names).as(rule.path("alert").asText() + " selects a metric").isNotEmpty();
            assertThat(names).as(rule.path("alert").asText())
                    .allSatisfy(name -> assertThat(MetricNames.known(name, false)).as(name).isTrue());
        }
    }

    @Test
    void metricNameReaderSeesThroughFunctionsMatchersAndGrouping() {
        String expr = "sum by (instance) (rate(replyd_callback_requests_total{status_class!=\"2xx\",x=~\"a|b\"}[15m]))"
                + " / on (instance) group_left sum(rate(other_metric[5m] offset 1h)) > bool 0.2"
                + " and histogram_quantile(0.9, rate(replyd_callback_duration_seconds_bucket[5m])) - time() < 3";

        assertThat(MetricNames.in(expr)).containsExactly("replyd_callback_requests_total", "other_metric",
                "replyd_callback_duration_seconds_bucket");
        assertThat(MetricNames.known("other_metric", false)).isFalse();
        assertThat(MetricNames.known("jvm_memory_used_bytes", false)).isFalse();
        assertThat(MetricNames.known("replyd_smtp_message_bytes_sum", false)).isTrue();
    }

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        assumePromtool();

        Result check = promtool(dir, "check", "rules", MetricNames.configFile("prometheus/replyd-alerts.yml").toString());

        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: " + rules().size() + " rules found");
    }

    @Test
    void promtoolUnitTestsFireEachAlertOnItsTrafficAndNoOther() throws Exception {
        assumePromtool();
        Files.copy(MetricNames.configFile("prometheus/replyd-alerts.yml"), dir.resolve("replyd-alerts.yml"));
        try (InputStream tests = getClass().getResourceAsStream("/prometheus/replyd-alerts-test.yml")) {
            Files.copy(tests, dir.resolve("replyd-alerts-test.yml"));
        }

        Result test = promtool(dir, "test", "rules", "replyd-alerts-test.yml");

        assertThat(test.exit()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
    }

    private static List<JsonNode> rules() throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory())
                .readTree(MetricNames.configFile("prometheus/replyd-alerts.yml").toFile());
        List<JsonNode> rules = new ArrayList<>();
        assertThat(root.path("groups").isArray()).as("groups").isTrue();
        for (JsonNode group : root.path("groups")) {
            assertThat(group.path("name").asText()).as("group name").isNotBlank();
            group.path("rules").forEach(rules::add);
        }
        return rules;
    }

    private record Result(int exit, String output) {
    }

    private static void assumePromtool() {
        boolean onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(p -> Files.isExecutable(Path.of(p, "promtool")));
        Assumptions.assumeTrue(onPath, "promtool not installed (Debian package prometheus): "
                + "the structural checks above still ran");
    }

    private static Result promtool(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
