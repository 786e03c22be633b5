package io.driftless.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.driftless.config.SafeYaml;
import io.driftless.diff.Differ;
import io.driftless.plan.Planner;
import io.driftless.render.Chart;
import io.driftless.render.ChartRegistry;
import io.driftless.render.Values;

/**
 * Prints the cost of the pure stages for one target of each builtin chart: parse + layer + render
 * (prefect-server with background services, bundled Redis and PostgreSQL and an ingress; the legacy chart
 * with the agent, the tenant Job, both Ingresses and prefectConfig), and diff every object against itself.
 * Run: {@code java -cp "$(cat service/target/test-classpath.txt):service/target/classes:service/target/test-classes"
 * io.driftless.bench.RenderDiffBenchmark [rounds]}
 */
public final class RenderDiffBenchmark {

    private record Case(String chart, String version, String values) {
    }

    private static final List<Case> CASES = List.of(
            new Case("prefect-server", "2026.8.18172642", """
                    backgroundServices: {runAsSeparateDeployment: true}
                    redis: {enabled: true, auth: {password: bench}}
                    ingress: {enabled: true, host: {hostname: prefect.example.com}}
                    server: {replicaCount: 3, env: [{name: A, value: "1"}]}
                    commonLabels: {team: "{{ .Release.Name }}"}
                    """),
            new Case("prefect-server-legacy", "2022.09.23", """
                    agent: {enabled: true, prefectLabels: [k8s]}
                    jobs: {createTenant: {enabled: true}}
                    apollo: {ingress: {enabled: true, hosts: [api.example.com]}}
                    ui: {apolloApiUrl: "https://api.example.com/graphql", ingress: {enabled: true, hosts: [ui.example.com]}}
                    prefectConfig: {logging: {level: DEBUG}, services: {scheduler: {scheduler_loop_seconds: 30}}}
                    """));

    private RenderDiffBenchmark() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        ChartRegistry charts = ChartRegistry.builtin();
        for (Case c : CASES) {
            run(charts, c, rounds);
        }
        Runtime rt = Runtime.getRuntime();
        System.gc();
        System.out.printf("heap used after GC        %.1f MiB%n", (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
    }

    private static void run(ChartRegistry charts, Case c, int rounds) {
        Chart.Release release = new Chart.Release("prefect", "data", c.version());
        List<Map<String, Object>> trees = new ArrayList<>();
        for (var r : render(charts, c, release).objects()) {
            trees.add(Values.deepCopy(r));
        }
        for (int i = 0; i < rounds / 4; i++) { // warm-up
            render(charts, c, release);
            diffAll(trees);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            render(charts, c, release);
        }
        long t1 = System.nanoTime();
        int drifts = 0;
        for (int i = 0; i < rounds; i++) {
            drifts += diffAll(trees);
        }
        long t2 = System.nanoTime();
        System.out.printf("%s@%s: %d objects%n", c.chart(), c.version(), trees.size());
        System.out.printf("  parse+layer+render      %.1f us/target%n", (t1 - t0) / 1e3 / rounds);
        System.out.printf("  diff (all objects)      %.1f us/target (%d drifts)%n", (t2 - t1) / 1e3 / rounds, drifts);
    }

    private static Chart.Rendered render(ChartRegistry charts, Case c, Chart.Release release) {
        return charts.render(c.chart(), release, List.of(SafeYaml.parse("values.yaml", c.values())));
    }

    private static int diffAll(List<Map<String, Object>> trees) {
        int n = 0;
        for (Map<String, Object> t : trees) {
            n += Differ.diff(Planner.refOf(t), t, t).drifts().size();
        }
        return n;
    }
}
