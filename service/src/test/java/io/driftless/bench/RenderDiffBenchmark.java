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
 * Prints the cost of the pure stages for one target: parse + layer + render the prefect-server chart
 * (background services, bundled Redis and PostgreSQL, ingress), and diff every object against itself.
 * Run: {@code java -cp "$(cat service/target/test-classpath.txt):service/target/classes:service/target/test-classes"
 * io.driftless.bench.RenderDiffBenchmark}
 */
public final class RenderDiffBenchmark {

    private static final String VALUES = """
            backgroundServices: {runAsSeparateDeployment: true}
            redis: {enabled: true, auth: {password: bench}}
            ingress: {enabled: true, host: {hostname: prefect.example.com}}
            server: {replicaCount: 3, env: [{name: A, value: "1"}]}
            commonLabels: {team: "{{ .Release.Name }}"}
            """;

    private RenderDiffBenchmark() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        ChartRegistry charts = ChartRegistry.builtin();
        Chart.Release release = new Chart.Release("prefect", "data", "2026.8.18172642");
        List<Map<String, Object>> trees = new ArrayList<>();
        for (var r : render(charts, release).objects()) {
            trees.add(Values.deepCopy(r));
        }
        for (int i = 0; i < rounds / 4; i++) { // warm-up
            render(charts, release);
            diffAll(trees);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            render(charts, release);
        }
        long t1 = System.nanoTime();
        int drifts = 0;
        for (int i = 0; i < rounds; i++) {
            drifts += diffAll(trees);
        }
        long t2 = System.nanoTime();
        Runtime rt = Runtime.getRuntime();
        System.gc();
        System.out.printf("objects per render        %d%n", trees.size());
        System.out.printf("parse+layer+render        %.1f us/target%n", (t1 - t0) / 1e3 / rounds);
        System.out.printf("diff (all objects)        %.1f us/target (%d drifts)%n", (t2 - t1) / 1e3 / rounds, drifts);
        System.out.printf("heap used after GC        %.1f MiB%n", (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
    }

    private static Chart.Rendered render(ChartRegistry charts, Chart.Release release) {
        return charts.render("prefect-server", release, List.of(SafeYaml.parse("values.yaml", VALUES)));
    }

    private static int diffAll(List<Map<String, Object>> trees) {
        int n = 0;
        for (Map<String, Object> t : trees) {
            n += Differ.diff(Planner.refOf(t), t, t).drifts().size();
        }
        return n;
    }
}
