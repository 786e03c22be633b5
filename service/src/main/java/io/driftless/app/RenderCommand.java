package io.driftless.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.driftless.config.ConfigException;
import io.driftless.config.SafeYaml;
import io.driftless.decrypt.SopsFiles;
import io.driftless.diff.Differ;
import io.driftless.diff.Redaction;
import io.driftless.plan.Planner;
import io.driftless.render.Chart;
import io.driftless.render.ChartRegistry;
import io.driftless.render.Manifests;
import io.driftless.render.RenderException;
import io.driftless.source.DecryptionKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Renders a builtin chart to YAML, like {@code helm template}. */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = "Render a builtin chart to multi-document YAML on stdout (no tracking metadata).")
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
            Chart.Rendered rendered = charts.render(name, new Chart.Release(release, namespace, version, Chart.Lookup.NONE,
                    apiVersions == null ? Chart.Capabilities.UNKNOWN : Chart.Capabilities.of(apiVersions)), layers);
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
        } finally {
            Redaction.forget(OPENED);
        }
        return 1;
    }

    private static byte[] readFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(new io.driftless.config.Problem(file.toString(), 0, "", "cannot read: " + e.getMessage()));
        }
    }
}
