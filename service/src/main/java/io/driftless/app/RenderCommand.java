package io.driftless.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.driftless.config.ConfigException;
import io.driftless.config.ReleaseSpec;
import io.driftless.config.SafeYaml;
import io.driftless.config.UpstreamChart;
import io.driftless.decrypt.SopsFiles;
import io.driftless.diff.Differ;
import io.driftless.diff.Redaction;
import io.driftless.plan.Planner;
import io.driftless.render.Chart;
import io.driftless.render.ChartRegistry;
import io.driftless.render.Manifests;
import io.driftless.render.RenderException;
import io.driftless.source.ChartRepositories;
import io.driftless.source.DecryptionKeys;
import io.driftless.source.UpstreamCharts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Renders a builtin chart to YAML, like {@code helm template}; a version the builtin does not reproduce is rendered
 * by Helm from the chart's upstream repository.
 */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = "Render a builtin chart to multi-document YAML on stdout (no tracking metadata); a version the "
                + "builtin does not reproduce is rendered by Helm from the chart's upstream repository.")
final class RenderCommand implements Callable<Integer> {

    @Option(names = "--chart", defaultValue = "prefect-server",
            description = "Chart as NAME or NAME@VERSION (default: ${DEFAULT-VALUE}; VERSION defaults to the newest one Driftless reproduces).")
    String chart;

    @Option(names = "--release", defaultValue = "prefect-server", description = "Release name (default: ${DEFAULT-VALUE}).")
    String release;

    /** Whose the values this render opened are, while it prints. */
    private static final String OPENED = "render";

    @Option(names = "--namespace", defaultValue = "default", description = "Release namespace (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = {"-a", "--api-versions"}, split = ",",
            description = "APIs the target cluster serves (group/version or group/version/Kind), as for helm template; "
                    + "without it, checks that need the cluster's API list are skipped with a warning.")
    List<String> apiVersions;

    @Option(names = {"-f", "--values"}, description = "Values file; repeat to layer, later files win.")
    List<Path> valuesFiles = new ArrayList<>();

    @picocli.CommandLine.Mixin
    io.driftless.cli.SopsKeyOptions keys;

    @Option(names = "--notes", description = "Print the chart's notes (NOTES.txt, as Helm prints them after an "
            + "install) instead of the objects.")
    boolean notes;

    @Option(names = "--upstream-repository", description = "The chart repository a version the builtin chart does "
            + "not reproduce is rendered from, by Helm (default: Prefect's own for the chart).")
    String upstreamRepository;

    @Option(names = "--show-secrets", description = "Print what SOPS files opened to as it is (to pipe into kubectl); "
            + "by default a render that opened one shows Secret data and every opened value redacted.")
    boolean showSecrets;

    @Override
    public Integer call() {
        Main.configureLogging("warn");
        String name = chart;
        String version = null;
        int at = chart.indexOf('@');
        if (at >= 0) {
            name = chart.substring(0, at);
            version = chart.substring(at + 1);
        }
        try {
            ChartRegistry charts = ChartRegistry.builtin();
            if (version == null) {
                version = charts.chart(name).defaultVersion();
            }
            List<SafeYaml.Document> layers = new ArrayList<>();
            java.util.Set<String> opened = new java.util.HashSet<>();
            for (Path file : valuesFiles) {
                layers.add(SopsFiles.layer(SafeYaml.parse(file.toString(), readFile(file)),
                        () -> keys.keyring(new DecryptionKeys(System.getenv())), opened::addAll));
            }
            Redaction.remember(OPENED, opened, false);
            Chart.Rendered rendered = render(charts, new ReleaseSpec.ChartRef(name, version), new Chart.Release(release,
                    namespace, version, Chart.Lookup.NONE, apiVersions == null ? Chart.Capabilities.UNKNOWN
                    : Chart.Capabilities.of(apiVersions)), layers);
            rendered.warnings().forEach(w -> System.err.println("warning: " + w));
            if (notes) {
                System.out.print(showSecrets ? rendered.notes() : Redaction.secretsRedacted(rendered.notes()));
                return 0;
            }
            List<Map<String, Object>> objects = rendered.objects();
            if (!opened.isEmpty() && !showSecrets) {
                objects = objects.stream().map(o -> Differ.shown(Planner.refOf(o), o)).toList();
                System.err.println("warning: values opened from SOPS files and Secret data are shown redacted "
                        + "(--show-secrets prints them)");
            }
            System.out.print(Manifests.toYaml(objects));
            return 0;
        } catch (ConfigException e) {
            e.problems().forEach(p -> System.err.println("error: " + Redaction.secretsRedacted(p.toString())));
        } catch (RenderException e) {
            e.messages().forEach(m -> System.err.println("error: " + Redaction.secretsRedacted(m)));
        } catch (io.driftless.source.SourceException e) {
            System.err.println("error: " + e.getMessage());
        } finally {
            Redaction.forget(OPENED);
        }
        return 1;
    }

    /**
     * The builtin chart's render where it reproduces the version, else Helm's of the upstream package, downloaded
     * into a temporary folder (deleted after). The builtin is asked first here, not only in {@link UpstreamCharts},
     * so that a builtin render opens no Helm sandbox (whose start empties its work folders).
     */
    private Chart.Rendered render(ChartRegistry charts, ReleaseSpec.ChartRef ref, Chart.Release at,
                                  List<SafeYaml.Document> layers) {
        if (charts.covers(ref)) {
            try {
                return charts.render(ref.name(), at, layers);
            } catch (io.driftless.render.NotReproduced e) {
                // Helm renders it below
            }
        }
        List<UpstreamChart> upstream = upstreamRepository == null ? UpstreamChart.DEFAULTS : List.of(new UpstreamChart(
                ref.name(), new ReleaseSpec.ChartRef(UpstreamChart.defaultName(ref.name()), null, null, null,
                upstreamRepository.replaceAll("/+$", ""), io.driftless.config.SourceSpec.GitAuth.NONE)));
        Path cache = null;
        try {
            cache = Files.createTempDirectory("driftless-render-");
            return new UpstreamCharts(charts, new ChartRepositories(cache, System.getenv()), () -> upstream)
                    .render(ref, at, layers, path -> new java.util.TreeMap<>());
        } catch (IOException e) {
            throw new RenderException("cannot make a temporary folder for the chart: " + e.getMessage());
        } finally {
            if (cache != null) {
                deleteTree(cache);
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            System.err.println("warning: " + dir + " was not deleted: " + e.getMessage());
        }
    }

    private static byte[] readFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(new io.driftless.config.Problem(file.toString(), 0, "", "cannot read: " + e.getMessage()));
        }
    }
}
