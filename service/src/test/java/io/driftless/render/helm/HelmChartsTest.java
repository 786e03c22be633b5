package io.driftless.render.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.driftless.config.ReleaseSpec;
import io.driftless.config.SafeYaml;
import io.driftless.plan.Hooks;
import io.driftless.render.Chart;
import io.driftless.render.RenderException;
import io.driftless.render.Tree;
import io.driftless.testing.TestCharts;

/** Charts the project wrote, rendered by the Helm library in process. */
class HelmChartsTest {

    private static Chart.Rendered render(String chart, String version, String... layers) {
        List<SafeYaml.Document> docs = Stream.of(layers).map(l -> SafeYaml.parse("values.yaml", l)).toList();
        return new HelmCharts().render(new ReleaseSpec.ChartRef(null, version, "charts/" + chart, null),
                new Chart.Release("shop", "web", version), docs, TestCharts.folder(chart));
    }

    private static Map<String, Object> object(Chart.Rendered rendered, String kind, String name) {
        return rendered.objects().stream().filter(o -> kind.equals(o.get("kind"))
                && name.equals(Tree.asMap(o.get("metadata")).get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + "/" + name + " in " + rendered.objects()));
    }

    private static Object at(Map<String, Object> object, String path) {
        Object here = object;
        for (String key : path.split("\\.")) {
            here = Tree.asMap(here).get(key);
        }
        return here;
    }

    @Test
    void rendersTheChartItsSubchartAndItsHookWithTheValuesLayeredInOrder() {
        Chart.Rendered rendered = render("webapp", "1.2.0", "replicaCount: 2\ngreeting: hi\n", "greeting: hey\n");
        Map<String, Object> deployment = object(rendered, "Deployment", "shop-webapp");
        assertThat(at(deployment, "spec.replicas")).isEqualTo(2);
        assertThat(at(deployment, "metadata.annotations")).isEqualTo(Map.of("example.com/greeting",
                "greets hey in web"));
        assertThat(at(object(rendered, "ConfigMap", "shop-config"), "data.greeting")).isEqualTo("hey");
        assertThat(at(object(rendered, "Service", "shop-cache"), "spec.ports")).asString().contains("6379");
        assertThat(Hooks.isHook(object(rendered, "Job", "shop-migrate"))).as("Helm's hook annotation").isTrue();

        Chart.Rendered without = render("webapp", null, "cache: {enabled: false}\nconfig: {enabled: false}\n");
        assertThat(without.objects()).extracting(o -> o.get("kind")).containsExactlyInAnyOrder("Deployment", "Job");
    }

    @Test
    void theChartsSchemaRejectsBadValuesWithHelmsMessage() {
        assertThatThrownBy(() -> render("webapp", "1.2.0", "replicaCount: 0\n"))
                .isInstanceOf(RenderException.class)
                .hasMessageContaining("chart charts/webapp").hasMessageContaining("replicaCount")
                .hasMessageContaining("minimum");
    }

    @Test
    void aChartOfAnotherVersionOrNoChartIsRefused() {
        assertThatThrownBy(() -> render("webapp", "1.3.0")).isInstanceOf(RenderException.class)
                .hasMessage("chart.version: the fleet asks for 1.3.0, and charts/webapp/Chart.yaml is version 1.2.0 "
                        + "at this commit");
        assertThatThrownBy(() -> new HelmCharts().render(new ReleaseSpec.ChartRef(null, null, "charts/none", null),
                new Chart.Release("shop", "web", null), List.of(), new TreeMap<>()))
                .hasMessage("chart.path: charts/none does not exist at this commit");
    }

    @Test
    void aRenderThatTakesTooLongFailsWithoutWaitingForIt() {
        assertThatThrownBy(() -> new HelmCharts(java.time.Duration.ofMillis(50)).render(
                new ReleaseSpec.ChartRef(null, null, "charts/slow", null), new Chart.Release("shop", "web", null),
                List.of(), TestCharts.folder("slow"))).isInstanceOf(RenderException.class)
                .hasMessage("chart charts/slow: Helm did not finish rendering within 50 ms (a template that loops?); "
                        + "nothing was written");
    }

    @Test
    void anOutputLargerThanTheLimitFailsTheRender() {
        assertThatThrownBy(() -> render("big", null)).isInstanceOf(RenderException.class)
                .hasMessageContaining("chart charts/big: renders").hasMessageContaining("the limit is "
                        + HelmCharts.MAX_OUTPUT);
    }
}
