package io.driftless.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.testing.PromQueries;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The Grafana dashboards import anywhere: the Prometheus datasource is a variable, never a name from one
 * installation. Whether their queries find data is {@link PrometheusScrapeIT}'s job.
 */
class DashboardsTest {

    private static final Path DIR = Path.of("..", "dashboards");
    private static final JsonObject DATASOURCE = new JsonObject().put("type", "prometheus").put("uid", "${datasource}");

    private static List<Path> dashboards() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void theFleetTargetAndClusterDashboardsExist() throws IOException {
        assertThat(dashboards().stream().map(p -> p.getFileName().toString()))
                .containsExactly("driftless-clusters.json", "driftless-fleet.json", "driftless-target.json");
    }

    @Test
    void everyPanelAndVariableQueriesTheDatasourceVariable() throws IOException {
        for (Path file : dashboards()) {
            JsonObject dashboard = new JsonObject(Files.readString(file));
            assertThat(dashboard.getString("uid")).as(file + " uid").startsWith("driftless-");
            JsonArray variables = dashboard.getJsonObject("templating").getJsonArray("list");
            JsonObject datasource = variables.stream().map(JsonObject.class::cast)
                    .filter(v -> "datasource".equals(v.getString("name"))).findFirst().orElseThrow();
            assertThat(datasource.getString("type")).isEqualTo("datasource");
            assertThat(datasource.getString("query")).isEqualTo("prometheus");
            variables.stream().map(JsonObject.class::cast).filter(v -> "query".equals(v.getString("type")))
                    .forEach(v -> assertThat(v.getJsonObject("datasource")).as(file + " variable " + v.getString("name"))
                            .isEqualTo(DATASOURCE));
            Set<Integer> ids = new HashSet<>();
            for (JsonObject panel : PromQueries.panels(dashboard.getJsonArray("panels"))) {
                String where = file.getFileName() + " panel '" + panel.getString("title") + "'";
                assertThat(ids.add(panel.getInteger("id"))).as(where + " has a unique id").isTrue();
                if ("row".equals(panel.getString("type"))) {
                    continue;
                }
                assertThat(panel.getJsonObject("datasource")).as(where).isEqualTo(DATASOURCE);
                assertThat(panel.getJsonArray("targets")).as(where + " queries something").isNotEmpty();
                for (Object t : panel.getJsonArray("targets")) {
                    JsonObject target = (JsonObject) t;
                    assertThat(target.getString("expr")).as(where).isNotBlank();
                    assertThat(target.getString("expr")).as(where + ": variables are used as regex matchers")
                            .doesNotContainPattern("=\\s*\"\\$");
                }
            }
        }
    }

    @Test
    void everyDriftlessMetricTheDashboardsUseIsInTheCatalogue() throws IOException {
        String catalogue = Files.readString(Path.of("src", "main", "java", "io", "driftless", "telemetry",
                "Metrics.java"));
        for (String expr : PromQueries.dashboardExpressions(DIR).values()) {
            for (String selector : PromQueries.selectors(expr)) {
                String metric = selector.replaceAll("\\{.*", "").replaceAll("_(bucket|sum|count)$", "");
                if (metric.startsWith("driftless_")) {
                    assertThat(catalogue).as(metric + " in the catalogue of Metrics").contains(metric + "{");
                }
            }
        }
    }

    /**
     * With highAvailability, each target's gauges come from the replica holding its shard, and for a moment also
     * from one that has not noticed yet that it lost it; every replica exports every target's counters. The
     * panels that count targets, objects or clusters count each once whichever replicas export it (a
     * {@code promtool} unit test of the dashboards' own expressions: replica a holds prod/one, b holds
     * prod/two, c still exports prod/two; no replica reaches cluster lost).
     */
    @Test
    void thePanelsCountEachTargetAndClusterOnceWhateverReplicasExportIt(@TempDir Path tmp) throws Exception {
        StringBuilder series = new StringBuilder();
        java.util.function.BiConsumer<String, Object> add = (selector, value) -> series.append("      - series: '")
                .append(selector).append("'\n        values: '").append(value).append("x5'\n");
        for (String[] exported : new String[][] {{"a", "one", "1", "0", "Healthy"}, {"b", "two", "0", "2", "Degraded"},
                {"c", "two", "0", "2", "Degraded"}}) {
            String labels = "job=\"driftless\",instance=\"" + exported[0] + "\",cluster=\"prod\",release=\""
                    + exported[1] + "\"";
            add.accept("driftless_target_in_sync{" + labels + "}", exported[2]);
            add.accept("driftless_objects_out_of_sync{" + labels + "}", exported[3]);
            for (String status : Metrics.HEALTH_STATUSES) {
                add.accept("driftless_target_health{" + labels + ",status=\"" + status + "\"}",
                        status.equals(exported[4]) ? 1 : 0);
            }
        }
        for (String replica : List.of("a", "b", "c")) {
            for (String release : List.of("one", "two")) {
                for (String result : Metrics.SYNC_RESULTS) {
                    add.accept("driftless_sync_total{job=\"driftless\",instance=\"" + replica + "\",cluster=\"prod\","
                            + "release=\"" + release + "\",result=\"" + result + "\"}", 0);
                }
            }
            add.accept("driftless_cluster_reachable{job=\"driftless\",instance=\"" + replica + "\",cluster=\"prod\"}", 1);
            add.accept("driftless_cluster_reachable{job=\"driftless\",instance=\"" + replica + "\",cluster=\"lost\"}", 0);
        }
        Map<String, String> expressions = PromQueries.dashboardExpressions(DIR);
        Map<String, List<String>> expected = new java.util.LinkedHashMap<>();
        expected.put("driftless-fleet.json panel 'Targets in sync' A", List.of("{}: 1"));
        expected.put("driftless-fleet.json panel 'Targets not in sync' A", List.of("{}: 1"));
        expected.put("driftless-fleet.json panel 'Drifted targets' A", List.of("{}: 1"));
        expected.put("driftless-fleet.json panel 'Drifted objects' A", List.of("{}: 2"));
        expected.put("driftless-fleet.json panel 'Targets by health' A", List.of("{status=\"Healthy\"}: 1",
                "{status=\"Progressing\"}: 0", "{status=\"Degraded\"}: 1", "{status=\"Missing\"}: 0"));
        expected.put("driftless-fleet.json panel 'Sync state over time' A", List.of("{}: 1"));
        expected.put("driftless-fleet.json panel 'Sync state over time' B", List.of("{}: 1"));
        expected.put("driftless-fleet.json panel 'Health by status over time' A", List.of("{status=\"Healthy\"}: 1",
                "{status=\"Progressing\"}: 0", "{status=\"Degraded\"}: 1", "{status=\"Missing\"}: 0"));
        expected.put("driftless-fleet.json panel 'Drifted objects by target' A", List.of(
                "{cluster=\"prod\",release=\"one\"}: 0", "{cluster=\"prod\",release=\"two\"}: 2"));
        expected.put("driftless-target.json panel 'Health' A", List.of(
                "{cluster=\"prod\",release=\"one\"}: 1", "{cluster=\"prod\",release=\"two\"}: 3"));
        expected.put("driftless-target.json panel 'Objects out of sync' A", List.of(
                "{cluster=\"prod\",release=\"one\"}: 0", "{cluster=\"prod\",release=\"two\"}: 2"));
        expected.put("driftless-clusters.json panel 'Targets per cluster' A", List.of("{cluster=\"prod\"}: 2"));
        expected.put("driftless-clusters.json panel 'Unreachable clusters' A", List.of("{}: 1"));
        StringBuilder tests = new StringBuilder();
        expected.forEach((panel, samples) -> {
            assertThat(expressions).as(panel).containsKey(panel);
            tests.append("      - expr: '").append(expressions.get(panel).replace("'", "''")).append("'\n")
                    .append("        eval_time: 4m\n        exp_samples:\n");
            for (String sample : samples) {
                int colon = sample.lastIndexOf(": ");
                tests.append("          - labels: '").append(sample, 0, colon).append("'\n            value: ")
                        .append(sample.substring(colon + 2)).append("\n");
            }
        });
        Files.writeString(tmp.resolve("replicas.test.yaml"), "rule_files: []\nevaluation_interval: 1m\ntests:\n"
                + "  - interval: 1m\n    input_series:\n" + series + "    promql_expr_test:\n" + tests);
        assertThat(AlertRulesTest.promtool(tmp, "test", "rules", "replicas.test.yaml")).contains("SUCCESS");
    }
}
