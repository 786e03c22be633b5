package io.driftless.render.prefect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Stream;

import io.driftless.config.ReleaseSpec;
import io.driftless.config.SafeYaml;
import io.driftless.render.Chart;
import io.driftless.render.Manifests;
import io.driftless.render.helm.HelmCharts;
import io.driftless.render.helm.HelmSandbox;
import io.driftless.source.ChartRepositories;

/**
 * Generates the version matrix's fixtures: each published {@code prefect-server} package (as Prefect's chart
 * repository serves it, with its vendored bitnami subcharts) rendered by real Helm ({@link HelmCharts}, the Helm
 * library in its sandbox) over every values case of {@code src/test/resources/render/prefect-server} (the same
 * release name and namespace as the case's header), written to
 * {@code src/test/resources/upstream/prefect-server/<version>/<case>.yaml}, or {@code <case>.refused} with Helm's
 * message when that version refuses the values (its schema does not know a key).
 *
 * <p>Rerun it when a version joins the builtin list (see README, "Chart versions"):
 * <pre>
 * git clone --branch gh-pages --depth 1 https://github.com/PrefectHQ/prefect-helm /tmp/prefect-helm-pages
 * ./mvnw -q -pl service -am test-compile   # writes service/target/test-classpath.txt
 * java -cp "$(cat service/target/test-classpath.txt):service/target/classes:service/target/test-classes" \
 *     io.driftless.render.prefect.UpstreamFixtures /tmp/prefect-helm-pages/charts 2026.8.18172642 ...
 * </pre>
 */
public final class UpstreamFixtures {

    static final Path CASES = Path.of("service/src/test/resources/render/prefect-server");
    static final Path OUT = Path.of("service/src/test/resources/upstream/prefect-server");

    /** The APIs of the cluster the cases are rendered for: a current Kubernetes with the Gateway API installed. */
    static final Chart.Capabilities CLUSTER = Chart.Capabilities.of(List.of("v1", "apps/v1", "batch/v1",
            "policy/v1", "autoscaling/v2", "networking.k8s.io/v1", "gateway.networking.k8s.io/v1"));

    private UpstreamFixtures() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: UpstreamFixtures PACKAGES_DIR VERSION...");
            System.exit(2);
        }
        Path packages = Path.of(args[0]);
        Path home = Files.createTempDirectory("driftless-fixtures");
        HelmSandbox sandbox = new HelmSandbox(home, HelmSandbox.Limits.DEFAULT.withTimeout(Duration.ofSeconds(60)));
        try {
            for (String version : List.of(args).subList(1, args.length)) {
                byte[] archive = Files.readAllBytes(packages.resolve("prefect-server-" + version + ".tgz"));
                ReleaseSpec.ChartRef ref = new ReleaseSpec.ChartRef("prefect-server", version, null, null,
                        packages.toString(), io.driftless.config.SourceSpec.GitAuth.NONE);
                SortedMap<String, byte[]> chart = ChartRepositories.unpack(ref, archive);
                Path dir = Files.createDirectories(OUT.resolve(version));
                for (Map.Entry<String, String> c : cases(CASES).entrySet()) {
                    Map<String, String> header = header(c.getValue());
                    Chart.Release release = new Chart.Release(header.get("release"), header.get("namespace"),
                            version, Chart.Lookup.NONE, CLUSTER);
                    try {
                        Chart.Rendered rendered = new HelmCharts(sandbox).render(ref, release,
                                List.of(SafeYaml.parse(c.getKey() + "/values.yaml", c.getValue())), chart);
                        Files.writeString(dir.resolve(c.getKey() + ".yaml"), Manifests.toYaml(rendered.objects()));
                        System.out.println(version + " " + c.getKey() + ": " + rendered.objects().size() + " objects");
                    } catch (io.driftless.render.RenderException refused) { // values that version does not take
                        Files.writeString(dir.resolve(c.getKey() + ".refused"), refused.getMessage()
                                .replace(packages + "/", "") + "\n");
                        System.out.println(version + " " + c.getKey() + ": refused");
                    }
                }
            }
        } finally {
            sandbox.close();
        }
    }

    /** The published-version values cases by name (the git-chart case renders the unreleased chart). */
    static Map<String, String> cases(Path root) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.sorted().toList()) {
                String values = Files.readString(d.resolve("values.yaml"));
                if (!"0.0.0".equals(header(values).get("version"))) {
                    out.put(d.getFileName().toString(), values);
                }
            }
        }
        return out;
    }

    /** The case's first line: {@code # release: NAME namespace: NS version: V}. */
    public static Map<String, String> header(String values) {
        Map<String, String> out = new LinkedHashMap<>(Map.of("release", "prefect-server", "namespace", "default"));
        String first = values.lines().findFirst().orElse("");
        if (first.startsWith("# release:")) {
            String[] parts = first.substring(1).trim().split("\\s+");
            for (int i = 0; i + 1 < parts.length; i += 2) {
                out.put(parts[i].replace(":", ""), parts[i + 1]);
            }
        }
        return out;
    }
}
