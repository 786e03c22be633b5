package io.driftless.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.driftless.config.Origin;
import io.driftless.config.SafeYaml;

/**
 * Helm-style layered values: each layer is deep-merged over the previous ones (maps merge, lists
 * and scalars replace, an explicit {@code null} removes the key). Remembers which file and line set
 * every key, so chart validation can point at the layer to fix.
 */
public final class Values {

    private final Map<String, Object> tree;
    private final Map<String, Origin> origins;

    private Values(Map<String, Object> tree, Map<String, Origin> origins) {
        this.tree = tree;
        this.origins = origins;
    }

    public static Values of(Map<String, Object> tree) {
        return new Values(deepCopy(tree), Map.of());
    }

    /** Merges the layers in order over {@code defaults}. */
    public static Values layered(Map<String, Object> defaults, List<SafeYaml.Document> layers) {
        Map<String, Object> tree = deepCopy(defaults);
        Map<String, Origin> origins = new LinkedHashMap<>();
        for (SafeYaml.Document layer : layers) {
            merge(tree, layer.asMap());
            layer.lines().forEach((path, line) -> origins.put(path, new Origin(layer.file(), line, path)));
        }
        return new Values(tree, origins);
    }

    public Map<String, Object> tree() {
        return tree;
    }

    /** Where the user set a key (or its nearest parent): {@code file:line}, or empty for a default. */
    public String originOf(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Origin o = origins.get(p);
            if (o != null) {
                return o.file() + ":" + o.line();
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
        return "";
    }

    @SuppressWarnings("unchecked")
    /** A chart's default values from a YAML resource next to its class. */
    public static Map<String, Object> fromResource(Class<?> chart, String resource) {
        try (java.io.InputStream in = chart.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource + " of " + chart.getName());
            }
            return SafeYaml.parse(chart.getSimpleName() + "/" + resource, in.readAllBytes()).asMap();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static void merge(Map<String, Object> base, Map<String, Object> overlay) {
        for (Map.Entry<String, Object> e : overlay.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object value = e.getValue();
            if (value == null) {
                base.remove(key);
            } else if (value instanceof Map && base.get(key) instanceof Map) {
                merge((Map<String, Object>) base.get(key), (Map<String, Object>) value);
            } else {
                base.put(key, deepCopyValue(value));
            }
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> deepCopy(Map<String, Object> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), deepCopyValue(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    static Object deepCopyValue(Object v) {
        if (v instanceof Map<?, ?> m) {
            return deepCopy((Map<String, Object>) m);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(i -> out.add(deepCopyValue(i)));
            return out;
        }
        return v;
    }
}
