package io.driftless.render;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import io.driftless.config.ConfigException;
import io.driftless.config.Problem;
import io.driftless.config.SafeYaml;

/**
 * A folder of plain manifests (pure): every {@code *.yaml}, {@code *.yml} and {@code *.json} under it, each
 * possibly with several documents, read with the limits of values files; other files are left alone.
 */
public final class ManifestFolder implements ChartEngine {

    @Override
    public io.driftless.config.ReleaseSpec.ChartRef.Kind kind() {
        return io.driftless.config.ReleaseSpec.ChartRef.Kind.MANIFESTS;
    }

    @Override
    public Chart.Rendered render(io.driftless.config.ReleaseSpec.ChartRef ref, Chart.Release release,
                                 List<SafeYaml.Document> layers, ChartCatalogue.Files files) {
        return render(ref.manifests(), files.folder(ref.manifests()));
    }

    /**
     * @throws RenderException the folder holds no manifest
     * @throws ConfigException a document is not valid YAML or not a Kubernetes object (file:line)
     */
    static Chart.Rendered render(String folder, SortedMap<String, byte[]> files) {
        List<Map<String, Object>> objects = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        int read = 0;
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            String name = f.getKey();
            if (!name.endsWith(".yaml") && !name.endsWith(".yml") && !name.endsWith(".json")) {
                continue;
            }
            read++;
            String file = folder + "/" + name;
            if (f.getValue().length > SafeYaml.MAX_BYTES) {
                problems.add(new Problem(file, 0, "", "is " + f.getValue().length + " bytes; the limit is "
                        + SafeYaml.MAX_BYTES));
                continue;
            }
            try {
                for (SafeYaml.Document doc : SafeYaml.parseAll(file, new String(f.getValue(), StandardCharsets.UTF_8),
                        SafeYaml.MAX_BYTES)) {
                    Object value = doc.value();
                    if (value instanceof Map<?, ?> m && m.get("apiVersion") instanceof String
                            && m.get("kind") instanceof String && m.get("metadata") instanceof Map<?, ?> meta
                            && meta.get("name") instanceof String) {
                        objects.add(doc.asMap());
                    } else {
                        problems.add(new Problem(file, doc.lineOf(""), "", "not a Kubernetes object (apiVersion, "
                                + "kind and metadata.name are required)"));
                    }
                }
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        if (read == 0) {
            throw new RenderException("chart.manifests: " + folder + " holds no *.yaml, *.yml or *.json file at "
                    + "this commit");
        }
        return new Chart.Rendered(objects, List.of());
    }
}
