package io.driftless.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

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
}
