package io.driftless.render;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Values whose shape contradicts the chart's defaults: a list or a scalar where the chart has a mapping, a
 * mapping or a scalar where it has a list, a mapping or a list where it has a number or a string. Helm would
 * fail on them in the middle of a template (or, worse, render something else); they are reported up front,
 * each with the file and line that set it. An unset or {@code null} key is not a type error.
 */
final class ValueTypes {

    private ValueTypes() {
    }

    static List<String> problems(Map<String, Object> defaults, Values values) {
        List<String> out = new ArrayList<>();
        walk("", defaults, values.tree(), values, out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void walk(String path, Map<String, Object> defaults, Map<String, Object> actual, Values values,
                             List<String> out) {
        for (Map.Entry<String, Object> e : defaults.entrySet()) {
            String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            Object expected = e.getValue();
            Object value = actual.get(e.getKey());
            if (expected == null || value == null) {
                continue;
            }
            String wanted = expected instanceof Map ? "a mapping" : expected instanceof List ? "a list"
                    : expected instanceof Boolean ? null : "a single value";
            boolean fits = expected instanceof Map ? value instanceof Map
                    : expected instanceof List ? value instanceof List
                    : expected instanceof Boolean || !(value instanceof Map || value instanceof List);
            if (!fits) {
                String origin = values.originOf(key);
                out.add((origin.isEmpty() ? "" : origin + ": ") + key + ": expected " + wanted + " (as the chart's "
                        + "default is), found " + io.driftless.config.SafeYaml.typeName(value));
            } else if (expected instanceof Map && !((Map<?, ?>) expected).isEmpty()) {
                walk(key, (Map<String, Object>) expected, (Map<String, Object>) value, values, out);
            }
        }
    }
}
