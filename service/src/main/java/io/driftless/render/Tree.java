package io.driftless.render;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds ordered YAML-like trees of maps and lists for rendered objects. */
public final class Tree {

    private Tree() {
    }

    /** An ordered map from alternating keys and values; null values are kept (rendered as YAML null). */
    public static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    public static List<Object> list(Object... items) {
        return new ArrayList<>(Arrays.asList(items));
    }

    /** Puts the value unless it is null, an empty string, an empty map or an empty list. */
    public static void putIfSet(Map<String, Object> m, String key, Object value) {
        if (isSet(value)) {
            m.put(key, value);
        }
    }

    public static boolean isSet(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof String s) {
            return !s.isEmpty();
        }
        if (value instanceof Map<?, ?> map) {
            return !map.isEmpty();
        }
        if (value instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        if (value instanceof Boolean b) {
            return b;
        }
        return true;
    }

    /** Merges maps left to right into a new ordered map (later keys win, earlier position kept). */
    @SafeVarargs
    public static Map<String, Object> merged(Map<String, ?>... maps) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map<String, ?> each : maps) {
            if (each != null) {
                m.putAll(each);
            }
        }
        return m;
    }

    /** The value as a map, or an empty map when it is not one. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asMap(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : map();
    }

    /** A mutable copy of the value as a list, or an empty list when it is not one. */
    @SuppressWarnings("unchecked")
    public static List<Object> asList(Object o) {
        return o instanceof List ? new ArrayList<>((List<Object>) o) : list();
    }

    public static String base64(String s) {
        return java.util.Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
