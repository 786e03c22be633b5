package io.driftless.render.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import com.marcnuri.helm.Helm;

import io.driftless.config.ConfigException;
import io.driftless.config.ReleaseSpec;
import io.driftless.config.SafeYaml;
import io.driftless.render.Chart;
import io.driftless.render.RenderException;
import io.driftless.render.Values;

/**
 * Helm charts kept in the values repository, rendered by the Helm library itself (helm-java runs Helm's Go code
 * in this process; {@link #HELM_VERSION}) as {@code helm template} would: the release's name and namespace, its
 * values files layered in order, subcharts from the chart's {@code charts/} folder, the chart's
 * {@code values.schema.json} enforced, hooks rendered (Driftless runs them, by the same annotations), and
 * {@code lookup} answering nothing. Templates are untrusted like values: a render that takes longer than
 * {@link #TIMEOUT} or writes more than {@link #MAX_OUTPUT} characters fails the target, and the last good state
 * stays applied.
 */
public final class HelmCharts implements io.driftless.render.ChartEngine {

    public static final String HELM_VERSION = "v3.20.0";
    public static final Duration TIMEOUT = Duration.ofSeconds(20);
    public static final int MAX_OUTPUT = 16 * 1024 * 1024;
    /**
     * Renders run here: a template that never ends cannot be stopped (Helm's code runs natively), so it holds one
     * of these threads, and the others go on.
     */
    private static final ExecutorService RENDERS = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "driftless-helm");
        t.setDaemon(true);
        return t;
    });

    private final Duration timeout;

    public HelmCharts() {
        this(TIMEOUT);
    }

    /** @param timeout how long a render may take */
    public HelmCharts(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public ReleaseSpec.ChartRef.Kind kind() {
        return ReleaseSpec.ChartRef.Kind.HELM;
    }

    @Override
    public Chart.Rendered render(ReleaseSpec.ChartRef ref, Chart.Release release, List<SafeYaml.Document> layers,
                                 io.driftless.render.ChartCatalogue.Files files) {
        return render(ref, release, layers, files.folder(ref.path()));
    }

    /**
     * @param chartFiles the chart folder's files at the commit, by path inside it
     * @throws RenderException the chart is missing, has another version, or Helm refuses to render it
     */
    public Chart.Rendered render(ReleaseSpec.ChartRef ref, Chart.Release release, List<SafeYaml.Document> layers,
                                 SortedMap<String, byte[]> chartFiles) {
        String where = "chart " + (ref.path() != null ? ref.path() : ref.toString());
        byte[] chartYaml = chartFiles.get("Chart.yaml");
        if (chartYaml == null) {
            throw new RenderException("chart.path: " + ref.path() + (chartFiles.isEmpty() ? " does not exist"
                    : " has no Chart.yaml") + " at this commit");
        }
        Object version = SafeYaml.parse(ref.path() + "/Chart.yaml", chartYaml).asMap().get("version");
        if (ref.version() != null && !ref.version().equals(String.valueOf(version))) {
            throw new RenderException("chart.version: the fleet asks for " + ref.version() + ", and " + ref.path()
                    + "/Chart.yaml is version " + version + " at this commit");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("driftless-helm-");
            Path chart = dir.resolve("chart");
            for (Map.Entry<String, byte[]> f : chartFiles.entrySet()) {
                Path file = chart.resolve(f.getKey()).normalize();
                if (!file.startsWith(chart)) {
                    throw new RenderException(where + ": " + f.getKey() + " leaves the chart folder");
                }
                Files.createDirectories(file.getParent());
                Files.write(file, isTemplate(f.getKey()) ? hooksAsObjects(f.getValue()) : f.getValue());
            }
            Path values = dir.resolve("values.yaml");
            Files.writeString(values, yaml(Values.layered(Map.of(), layers).tree()), StandardCharsets.UTF_8);
            String output = template(where, chart, values, release);
            if (output.length() > MAX_OUTPUT) {
                throw new RenderException(where + ": renders " + output.length() + " characters; the limit is "
                        + MAX_OUTPUT);
            }
            List<Map<String, Object>> objects = new ArrayList<>();
            try {
                for (SafeYaml.Document doc : SafeYaml.parseAll("helm template " + ref.path(), output, MAX_OUTPUT)) {
                    objects.add(hooksBack(doc.asMap()));
                }
            } catch (ConfigException e) {
                throw new RenderException(e.problems().stream().map(Object::toString).toList());
            }
            return new Chart.Rendered(objects, List.of());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + where + " for Helm", e);
        } finally {
            delete(dir);
        }
    }

    private String template(String where, Path chart, Path values, Chart.Release release) {
        Future<String> run = RENDERS.submit(() -> {
            var template = new Helm(chart).template().withName(release.name()).withNamespace(release.namespace())
                    .withValuesFile(values);
            release.capabilities().kubeVersion().ifPresent(template::withKubeVersion);
            String output = template.call();
            return output == null ? "" : output; // the library answers null when every template renders empty
        });
        try {
            return run.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            run.cancel(true);
            throw new RenderException(where + ": Helm did not finish rendering within " + timeout.toMillis()
                    + " ms (a template that loops?); nothing was written");
        } catch (ExecutionException e) {
            String message = e.getCause() == null || e.getCause().getMessage() == null ? String.valueOf(e.getCause())
                    : e.getCause().getMessage().strip();
            throw new RenderException(where + ": " + message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RenderException(where + ": interrupted");
        }
    }

    /**
     * The Helm library leaves hooks out of what it answers (a release's hooks are kept apart from its manifest),
     * so the hook annotation keys in templates are renamed before rendering and renamed back after: the hooks
     * come out with the other objects, and Driftless runs them by the same annotations.
     */
    private static final java.util.regex.Pattern HOOK_KEY = java.util.regex.Pattern.compile(
            "([\"']?)helm\\.sh/hook(-weight|-delete-policy)?([\"']?\\s*:)");
    private static final String HIDDEN_HOOK = "driftless.io/helm-hook";

    private static boolean isTemplate(String path) {
        return path.startsWith("templates/") || path.contains("/templates/");
    }

    private static byte[] hooksAsObjects(byte[] template) {
        String text = new String(template, StandardCharsets.UTF_8);
        return HOOK_KEY.matcher(text).replaceAll("$1" + HIDDEN_HOOK + "$2$3").getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> hooksBack(Map<String, Object> object) {
        if (object.get("metadata") instanceof Map<?, ?> meta && meta.get("annotations") instanceof Map<?, ?> a) {
            Map<String, Object> annotations = (Map<String, Object>) a;
            Map<String, Object> renamed = new java.util.LinkedHashMap<>();
            annotations.forEach((k, v) -> renamed.put(k.startsWith(HIDDEN_HOOK)
                    ? "helm.sh/hook" + k.substring(HIDDEN_HOOK.length()) : k, v));
            ((Map<String, Object>) meta).put("annotations", renamed);
        }
        return object;
    }

    private static String yaml(Map<String, Object> tree) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(options).dump(tree);
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // a temporary folder left behind; the OS cleans it
        }
    }
}
