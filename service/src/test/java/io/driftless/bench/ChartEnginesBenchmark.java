package io.driftless.bench;

import java.util.List;
import java.util.SortedMap;

import io.driftless.config.ReleaseSpec;
import io.driftless.config.SafeYaml;
import io.driftless.render.Chart;
import io.driftless.render.ChartCatalogue;
import io.driftless.testing.TestCharts;

/**
 * Prints the render time of each chart engine in one run, side by side: the builtin prefect-server chart
 * (16 objects), the project's test chart through the Helm library (webapp: 4 objects with its subchart and
 * hook), and the test manifests folder (3 objects). The upstream prefect-server chart is not in the repository,
 * so the Helm figure is for a smaller chart: the Helm engine's fixed cost per render dominates it.
 * Run: {@code java -cp "$(cat service/target/test-classpath.txt):service/target/classes:service/target/test-classes"
 * io.driftless.bench.ChartEnginesBenchmark [rounds]}
 */
public final class ChartEnginesBenchmark {

    private ChartEnginesBenchmark() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        ChartCatalogue catalogue = ChartCatalogue.standard();
        SortedMap<String, byte[]> webapp = TestCharts.folder("webapp");
        SortedMap<String, byte[]> manifests = TestCharts.folder("manifests/app");
        List<SafeYaml.Document> prefect = List.of(SafeYaml.parse("values.yaml", """
                backgroundServices: {runAsSeparateDeployment: true}
                redis: {enabled: true, auth: {password: bench}}
                ingress: {enabled: true, host: {hostname: prefect.example.com}}
                """));
        List<SafeYaml.Document> shop = List.of(SafeYaml.parse("values.yaml", "replicaCount: 2\n"));
        measure("builtin prefect-server", rounds * 10, () -> catalogue.render(
                new ReleaseSpec.ChartRef("prefect-server", "2026.8.18172642"),
                new Chart.Release("prefect", "data", "2026.8.18172642"), prefect, path -> new java.util.TreeMap<>()));
        measure("helm (webapp test chart)", rounds, () -> catalogue.render(
                new ReleaseSpec.ChartRef(null, null, "charts/webapp", null), new Chart.Release("shop", "web", null),
                shop, path -> webapp));
        measure("manifests folder", rounds * 10, () -> catalogue.render(
                new ReleaseSpec.ChartRef(null, null, null, "apps/plain"), new Chart.Release("plain", "plain", null),
                List.of(), path -> manifests));
    }

    private static void measure(String name, int rounds, java.util.function.Supplier<Chart.Rendered> render) {
        int objects = render.get().objects().size();
        for (int i = 0; i < rounds / 5; i++) {
            render.get(); // warm-up
        }
        long started = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            render.get();
        }
        double micros = (System.nanoTime() - started) / 1e3 / rounds;
        System.out.printf("%-28s %3d objects  %9.0f µs per render%n", name, objects, micros);
    }
}
