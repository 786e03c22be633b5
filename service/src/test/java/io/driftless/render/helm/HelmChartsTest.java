package io.driftless.render.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.config.ReleaseSpec;
import io.driftless.config.SafeYaml;
import io.driftless.plan.Hooks;
import io.driftless.render.Chart;
import io.driftless.render.RenderException;
import io.driftless.render.Tree;
import io.driftless.testing.TestCharts;

/** Charts the project wrote, rendered by the Helm library in renderer processes of a sandbox of the test's own. */
class HelmChartsTest {

    @TempDir
    static Path home;
    private static HelmSandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = new HelmSandbox(home, HelmSandbox.Limits.DEFAULT.withTimeout(Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() {
        Set<Long> pids = sandbox.pids();
        sandbox.close();
        assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).as("renderer %d", pid).isEmpty());
        assertThat(home.resolve("work")).isEmptyDirectory();
    }

    private static Chart.Rendered render(String chart, String version, String... layers) {
        return render(Chart.Capabilities.UNKNOWN, chart, version, layers);
    }

    private static Chart.Rendered render(Chart.Capabilities capabilities, String chart, String version,
                                         String... layers) {
        List<SafeYaml.Document> docs = Stream.of(layers).map(l -> SafeYaml.parse("values.yaml", l)).toList();
        return new HelmCharts(sandbox).render(new ReleaseSpec.ChartRef(null, version, "charts/" + chart, null),
                new Chart.Release("shop", "web", version, Chart.Lookup.NONE, capabilities), docs,
                TestCharts.folder(chart));
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
        assertThatThrownBy(() -> new HelmCharts(sandbox).render(new ReleaseSpec.ChartRef(null, null, "charts/none", null),
                new Chart.Release("shop", "web", null), List.of(), new TreeMap<>()))
                .hasMessage("chart.path: charts/none does not exist at this commit");
    }

    @Test
    void aRenderThatTakesTooLongIsKilledAndTheNextRenderGetsAFreshProcess() {
        Set<Long> before = sandbox.pids();
        assertThatThrownBy(() -> render("slow", null)).isInstanceOf(RenderException.class)
                .hasMessage("chart charts/slow: Helm did not finish rendering within 5000 ms (the limit of one "
                        + "render); its process was stopped; nothing was written");
        assertThat(render("webapp", "1.2.0").objects()).isNotEmpty();
        assertThat(before).allSatisfy(pid -> assertThat(sandbox.pids()).doesNotContain(pid));
    }

    @Test
    void anOutputLargerThanTheLimitFailsTheRender() {
        assertThatThrownBy(() -> render("big", null)).isInstanceOf(RenderException.class)
                .hasMessageContaining("chart charts/big: renders").hasMessageContaining("the limit is "
                        + sandbox.limits().maxOutput());
    }

    @Test
    void aTemplateThatAsksForMoreMemoryThanAllowedKillsItsRendererNotTheService() {
        assertThatThrownBy(() -> render("bomb", null)).isInstanceOf(RenderException.class)
                .hasMessage("chart charts/bomb: Helm ran out of its memory limit (" + sandbox.limits().memoryMiB()
                        + " MiB); its process was stopped; nothing was written");
        assertThat(render("webapp", "1.2.0").objects()).isNotEmpty();
    }

    @Test
    void aTemplateThatEvaluatesItselfWithoutEndCostsOneRender() {
        assertThatThrownBy(() -> render("recursion", null)).isInstanceOf(RenderException.class)
                .hasMessageStartingWith("chart charts/recursion: Helm ")
                .hasMessageEndingWith("its process was stopped; nothing was written");
        assertThat(render("webapp", "1.2.0").objects()).isNotEmpty();
    }

    @Test
    void lookupAnswersNothing() {
        Map<String, Object> stolen = object(render("lookup", null), "ConfigMap", "shop-stolen");
        assertThat(stolen.get("data")).isEqualTo(Map.of("password", "", "found", "0"));
    }

    @Test
    void literalCapabilityChecksAreAnsweredByTheTargetsDiscovery() {
        Chart.Capabilities without = Chart.Capabilities.of(List.of("v1", "apps/v1"));
        assertThat(at(object(render(without, "webapp", "1.2.0"), "ConfigMap", "shop-config"), "data"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).doesNotContainKey("autoscaling");
        Chart.Capabilities with = Chart.Capabilities.of(List.of("v1", "apps/v1", "autoscaling/v2"));
        assertThat(at(object(render(with, "webapp", "1.2.0"), "ConfigMap", "shop-config"), "data.autoscaling"))
                .isEqualTo("v2");
    }

    @Test
    void checksInEveryContextAreAnsweredAndComputedOnesKeepHelmsList() {
        Chart.Capabilities gateway = Chart.Capabilities.of(List.of("gateway.networking.k8s.io/v1"));
        String template = "{{ if .Capabilities.APIVersions.Has \"gateway.networking.k8s.io/v1/Gateway\" }}a{{ end }}"
                + "{{ if $.Capabilities.APIVersions.Has \"x.io/v1\" }}b{{ end }}"
                + "{{ if not (.ctx.Capabilities.APIVersions.Has  \"gateway.networking.k8s.io/v1\") }}c{{ end }}"
                + "{{ if .Capabilities.APIVersions.Has $api }}d{{ end }}";
        assertThat(new String(HelmCharts.answerCapabilities(template.getBytes(), gateway)))
                .isEqualTo("{{ if true }}a{{ end }}{{ if false }}b{{ end }}{{ if not (true) }}c{{ end }}"
                        + "{{ if .Capabilities.APIVersions.Has $api }}d{{ end }}");
        assertThat(HelmCharts.answerCapabilities(template.getBytes(), Chart.Capabilities.UNKNOWN))
                .isEqualTo(template.getBytes());
    }
}
