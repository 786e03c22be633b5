package io.driftless.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import com.marcnuri.helm.Helm;

import io.driftless.config.ReleaseSpec;
import io.driftless.config.SafeYaml;
import io.driftless.render.Chart;
import io.driftless.render.ChartCatalogue;
import io.driftless.render.helm.HelmSandbox;
import io.driftless.testing.TestCharts;

/**
 * Prints the render time of each chart engine in one run, side by side: the builtin prefect-server chart
 * (16 objects), the project's test chart through Helm (webapp: 4 objects with its subchart and hook), and the test
 * manifests folder (3 objects). Helm is measured twice: in the renderer processes of a {@link HelmSandbox}, as the
 * service renders, and in this JVM through helm-java directly (files written to a temporary folder per render), as
 * the service rendered before the sandbox, for the cost of the isolation. Then 1,000 Helm renders with two at a time
 * (the sandbox's two processes; two threads in process), as a fleet of 1,000 Helm targets asks from empty. The
 * builtin prefect-server is also set against Helm rendering the published package of the same version (from
 * {@code src/test/resources/upstream/packages}) with the same values.
 * Run: {@code java -cp "$(cat service/target/test-classpath.txt):service/target/classes:service/target/test-classes"
 * io.driftless.bench.ChartEnginesBenchmark [rounds]}
 */
public final class ChartEnginesBenchmark {

    static {
        io.driftless.app.AsyncPool.ensure(); // before any class completes an HTTP response
    }

    private ChartEnginesBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        SortedMap<String, byte[]> webapp = TestCharts.folder("webapp");
        SortedMap<String, byte[]> manifests = TestCharts.folder("manifests/app");
        List<SafeYaml.Document> prefect = List.of(SafeYaml.parse("values.yaml", """
                backgroundServices: {runAsSeparateDeployment: true}
                redis: {enabled: true, auth: {password: bench}}
                ingress: {enabled: true, host: {hostname: prefect.example.com}}
                """));
        List<SafeYaml.Document> shop = List.of(SafeYaml.parse("values.yaml", "replicaCount: 2\n"));
        Path tmp = Files.createTempDirectory("driftless-bench-");
        try (HelmSandbox sandbox = new HelmSandbox(tmp.resolve("renderer"), HelmSandbox.Limits.DEFAULT)) {
            ChartCatalogue catalogue = io.driftless.source.ChartRepositories.catalogue(tmp.resolve("charts"), Map.of(), sandbox,
                    () -> io.driftless.config.UpstreamChart.DEFAULTS);
            ReleaseSpec.ChartRef helmChart = new ReleaseSpec.ChartRef(null, null, "charts/webapp", null);
            Chart.Release shopRelease = new Chart.Release("shop", "web", null);
            long cold = System.nanoTime();
            catalogue.render(helmChart, shopRelease, shop, path -> webapp);
            System.out.printf("first Helm render in the sandbox (a renderer process starts)  %6.0f ms%n",
                    (System.nanoTime() - cold) / 1e6);
            double builtin = measure("builtin prefect-server", rounds * 10, () -> catalogue.render(
                    new ReleaseSpec.ChartRef("prefect-server", "2026.8.18172642"),
                    new Chart.Release("prefect", "data", "2026.8.18172642"), prefect, path -> new java.util.TreeMap<>()));
            ReleaseSpec.ChartRef upstreamRef = new ReleaseSpec.ChartRef("prefect-server", "2026.8.18172642", null,
                    null, "upstream", io.driftless.config.SourceSpec.GitAuth.NONE);
            SortedMap<String, byte[]> upstream;
            try (var in = ChartEnginesBenchmark.class.getResourceAsStream(
                    "/upstream/packages/prefect-server-2026.8.18172642.tgz")) {
                upstream = io.driftless.source.ChartRepositories.unpack(upstreamRef, in.readAllBytes());
            }
            io.driftless.render.helm.HelmCharts helm = new io.driftless.render.helm.HelmCharts(sandbox);
            double sameVersion = measure("helm, sandbox (prefect-server)", rounds, () -> helm.render(upstreamRef,
                    new Chart.Release("prefect", "data", "2026.8.18172642"), prefect, upstream));
            System.out.printf("the same version and values, Helm / builtin: %.0f%n", sameVersion / builtin);
            double sandboxed = measure("helm, sandbox (webapp)", rounds, () -> catalogue.render(helmChart, shopRelease,
                    shop, path -> webapp));
            double inProcess = measure("helm, in process (webapp)", rounds, () -> inProcess(tmp, webapp));
            measure("manifests folder", rounds * 10, () -> catalogue.render(
                    new ReleaseSpec.ChartRef(null, null, null, "apps/plain"), new Chart.Release("plain", "plain", null),
                    List.of(), path -> manifests));
            System.out.printf("helm in the sandbox / in process: %.2f; helm in the sandbox / builtin: %.0f%n",
                    sandboxed / inProcess, sandboxed / builtin);
            Duration fleetSandboxed = thousand(() -> catalogue.render(helmChart, shopRelease, shop, path -> webapp));
            Duration fleetInProcess = thousand(() -> inProcess(tmp, webapp));
            System.out.printf("1,000 Helm targets, two renders at a time: sandbox %.1f s, in process %.1f s%n",
                    fleetSandboxed.toMillis() / 1e3, fleetInProcess.toMillis() / 1e3);
        }
    }

    /** The render as the service did it before the sandbox: the chart written to a folder, helm-java called here. */
    private static Object inProcess(Path tmp, SortedMap<String, byte[]> chart) {
        try {
            Path dir = Files.createTempDirectory(tmp, "in-process-");
            for (Map.Entry<String, byte[]> f : chart.entrySet()) {
                Path file = dir.resolve("chart").resolve(f.getKey());
                Files.createDirectories(file.getParent());
                Files.write(file, f.getValue());
            }
            Path values = Files.writeString(dir.resolve("values.yaml"), "replicaCount: 2\n");
            String output = new Helm(dir.resolve("chart")).template().withName("shop").withNamespace("web")
                    .withValuesFile(values).call();
            try (var files = Files.walk(dir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
            return SafeYaml.parseAll("helm template", output, HelmSandbox.Limits.DEFAULT.maxOutput());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Duration thousand(Supplier<Object> render) throws Exception {
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            long started = System.nanoTime();
            List<Future<Object>> all = new java.util.ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                all.add(two.submit(render::get));
            }
            for (Future<Object> f : all) {
                f.get();
            }
            return Duration.ofNanos(System.nanoTime() - started);
        } finally {
            two.shutdownNow();
        }
    }

    private static double measure(String name, int rounds, Supplier<Object> render) {
        Object first = render.get();
        int objects = first instanceof Chart.Rendered r ? r.objects().size() : ((List<?>) first).size();
        for (int i = 0; i < rounds / 5; i++) {
            render.get(); // warm-up
        }
        long started = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            render.get();
        }
        double micros = (System.nanoTime() - started) / 1e3 / rounds;
        System.out.printf("%-28s %3d objects  %9.0f µs per render%n", name, objects, micros);
        return micros;
    }
}
