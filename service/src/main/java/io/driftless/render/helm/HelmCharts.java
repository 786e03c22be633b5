package io.driftless.render.helm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import io.driftless.config.ConfigException;
import io.driftless.config.ReleaseSpec;
import io.driftless.config.SafeYaml;
import io.driftless.render.Chart;
import io.driftless.render.RenderException;
import io.driftless.render.Values;

/**
 * Helm charts kept in the values repository, rendered by the Helm library itself ({@link #HELM_VERSION}) as
 * {@code helm template} would: the release's name and namespace, its values files layered in order, subcharts from
 * the chart's {@code charts/} folder, the chart's {@code values.schema.json} enforced, hooks rendered (Driftless runs
 * them, by the same annotations), and {@code lookup} answering nothing. Templates are untrusted code: they run in a
 * renderer process of the {@link HelmSandbox}, within its time, memory and output limits, never in the service.
 * {@code .Capabilities.KubeVersion} is the target cluster's, and a literal check of
 * {@code .Capabilities.APIVersions.Has "group/version[/Kind]"} is answered from the target cluster's discovery
 * ({@link #answerCapabilities}).
 */
public final class HelmCharts implements io.driftless.render.ChartEngine {

    public static final String HELM_VERSION = "v3.20.0";

    private final HelmSandbox sandbox;

    /** Renders in the process-wide sandbox ({@link HelmSandbox#shared()}). */
    public HelmCharts() {
        this(HelmSandbox.shared());
    }

    public HelmCharts(HelmSandbox sandbox) {
        this.sandbox = sandbox;
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
     * @throws RenderException the chart is missing, has another version, Helm refuses to render it, or the render
     *                         broke a limit of the sandbox
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
        SortedMap<String, byte[]> files = new TreeMap<>();
        for (Map.Entry<String, byte[]> f : chartFiles.entrySet()) {
            if (f.getKey().startsWith("/") || List.of(f.getKey().split("/")).contains("..")) {
                throw new RenderException(where + ": " + f.getKey() + " leaves the chart folder");
            }
            files.put(f.getKey(), isTemplate(f.getKey())
                    ? answerCapabilities(hooksAsObjects(f.getValue()), release.capabilities()) : f.getValue());
        }
        byte[] values = yaml(Values.layered(Map.of(), layers).tree()).getBytes(StandardCharsets.UTF_8);
        int limit = sandbox.limits().maxOutput();
        String output = sandbox.render(release.tenant(), where, new RenderRequest(release.name(), release.namespace(),
                release.capabilities().kubeVersion().orElse(null), values, files, limit));
        List<Map<String, Object>> objects = new ArrayList<>();
        try {
            for (SafeYaml.Document doc : SafeYaml.parseAll("helm template " + ref.path(), output, limit)) {
                objects.add(hooksBack(doc.asMap()));
            }
        } catch (ConfigException e) {
            throw new RenderException(e.problems().stream().map(Object::toString).toList());
        }
        return new Chart.Rendered(objects, List.of());
    }

    /**
     * helm-java renders without {@code --api-versions}, so {@code .Capabilities.APIVersions} is Helm's built-in
     * list. A template's check with a literal ({@code .Capabilities.APIVersions.Has "monitoring.coreos.com/v1"},
     * from any context: {@code $.}, {@code .ctx.}) is answered here from the target cluster's discovery instead,
     * replaced by {@code true} or {@code false}. A check with a computed argument keeps Helm's list; without a
     * cluster (an offline render) nothing is replaced.
     */
    static byte[] answerCapabilities(byte[] template, Chart.Capabilities capabilities) {
        String text = new String(template, StandardCharsets.UTF_8);
        Matcher m = CAPABILITY_CHECK.matcher(text);
        StringBuilder out = new StringBuilder();
        boolean changed = false;
        while (m.find()) {
            Optional<Boolean> has = capabilities.has(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(has.map(String::valueOf).orElse(m.group())));
            changed |= has.isPresent();
        }
        m.appendTail(out);
        return changed ? out.toString().getBytes(StandardCharsets.UTF_8) : template;
    }

    private static final Pattern CAPABILITY_CHECK = Pattern.compile(
            "[\\w$.]*\\.Capabilities\\.APIVersions\\.Has\\s+\"([^\"\\s]+)\"");

    /**
     * The Helm library leaves hooks out of what it answers (a release's hooks are kept apart from its manifest),
     * so the hook annotation keys in templates are renamed before rendering and renamed back after: the hooks
     * come out with the other objects, and Driftless runs them by the same annotations.
     */
    private static final Pattern HOOK_KEY = Pattern.compile(
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
}
