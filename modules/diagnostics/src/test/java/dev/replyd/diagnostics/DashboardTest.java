package dev.replyd.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** config/grafana/replyd-dashboard.json: valid, importable, and every query selects metrics the daemon exports. */
class DashboardTest {

    @Test
    void dashboardIsValidJsonWhosePanelsEachQuerySomething() throws IOException {
        JsonNode dashboard = dashboard();

        assertThat(dashboard.path("title").asText()).isEqualTo("replyd");
        assertThat(dashboard.path("uid").asText()).isNotBlank();
        List<JsonNode> panels = queryPanels(dashboard);
        assertThat(panels).hasSizeGreaterThanOrEqualTo(15);
        for (JsonNode panel : panels) {
            assertThat(panel.path("targets").size()).as(panel.path("title").asText()).isPositive();
            assertThat(panel.path("gridPos").path("w").asInt()).as(panel.path("title").asText()).isBetween(1, 24);
        }
    }

    @Test
    void everyPanelAndVariableQueryUsesOnlyKnownMetricNames() throws IOException {
        JsonNode dashboard = dashboard();
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : queryPanels(dashboard)) {
            panel.path("targets").forEach(target -> queries.add(target.path("expr").asText()));
        }
        dashboard.path("templating").path("list").forEach(variable -> {
            if (variable.path("type").asText().equals("query")) {
                queries.add(variable.path("query").path("query").asText()
                        .replaceFirst("^label_values\\((.*), *\\w+\\)$", "$1"));
            }
        });

        for (String query : queries) {
            Set<String> names = MetricNames.in(query);
            assertThat(names).as(query).isNotEmpty()
                    .allSatisfy(name -> assertThat(MetricNames.known(name, true)).as(name + " in " + query).isTrue());
        }
    }

    @Test
    void everyReplydMetricIsShownSomewhere() throws IOException {
        Set<String> shown = new TreeSet<>();
        for (JsonNode panel : queryPanels(dashboard())) {
            panel.path("targets").forEach(target -> MetricNames.in(target.path("expr").asText())
                    .forEach(name -> shown.add(MetricNames.base(name))));
        }

        assertThat(shown).containsAll(MetricNames.REPLYD);
    }

    private static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(MetricNames.configFile("grafana/replyd-dashboard.json").toFile());
    }

    private static List<JsonNode> queryPanels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if (!panel.path("type").asText().equals("row")) {
                panels.add(panel);
            }
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }
}
