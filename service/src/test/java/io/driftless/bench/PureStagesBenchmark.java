package io.driftless.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.driftless.config.SafeYaml;
import io.driftless.diff.Differ;
import io.driftless.plan.Planner;
import io.driftless.render.Chart;
import io.driftless.render.ChartRegistry;
import io.driftless.render.Values;

/**
 * JMH: the cost of the pure stages for one target of each builtin chart: parse + layer + render
 * (prefect-server with background services, bundled Redis and PostgreSQL and an ingress; the legacy chart
 * with the agent, the tenant Job, both Ingresses and prefectConfig), and the diff of every object against its
 * live copy. Run ({@code -prof gc} adds the allocation per operation):
 * {@code java -cp "$(cat service/target/test-classpath.txt):service/target/classes:service/target/test-classes"
 * org.openjdk.jmh.Main PureStagesBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PureStagesBenchmark {

    private static final Map<String, String[]> CASES = Map.of(
            "prefect-server", new String[] {"2026.8.18172642", """
                    backgroundServices: {runAsSeparateDeployment: true}
                    redis: {enabled: true, auth: {password: bench}}
                    ingress: {enabled: true, host: {hostname: prefect.example.com}}
                    server: {replicaCount: 3, env: [{name: A, value: "1"}]}
                    commonLabels: {team: "{{ .Release.Name }}"}
                    """},
            "prefect-server-legacy", new String[] {"2022.09.23", """
                    agent: {enabled: true, prefectLabels: [k8s]}
                    jobs: {createTenant: {enabled: true}}
                    apollo: {ingress: {enabled: true, hosts: [api.example.com]}}
                    ui: {apolloApiUrl: "https://api.example.com/graphql", ingress: {enabled: true, hosts: [ui.example.com]}}
                    prefectConfig: {logging: {level: DEBUG}, services: {scheduler: {scheduler_loop_seconds: 30}}}
                    """});

    @Param({"prefect-server", "prefect-server-legacy"})
    public String chart;

    private final ChartRegistry charts = ChartRegistry.builtin();
    private Chart.Release release;
    private String values;
    private final List<Map<String, Object>> live = new ArrayList<>();

    @Setup
    public void setUp() {
        release = new Chart.Release("prefect", "data", CASES.get(chart)[0]);
        values = CASES.get(chart)[1];
        render().objects().forEach(o -> live.add(Values.deepCopy(o)));
    }

    @Benchmark
    public Chart.Rendered render() {
        return charts.render(chart, release, List.of(SafeYaml.parse("values.yaml", values)));
    }

    @Benchmark
    public int diff() {
        int drifts = 0;
        for (Map<String, Object> object : live) {
            drifts += Differ.diff(Planner.refOf(object), object, object).drifts().size();
        }
        return drifts;
    }
}
