package io.driftless.diff;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a drift into a JSON Patch (RFC 6902) that makes the live object contain the desired one,
 * guarded by the live resourceVersion so a concurrent change makes the patch fail with 409
 * instead of being overwritten.
 */
public final class Patches {

    private Patches() {
    }

    public static List<Map<String, Object>> patch(ObjectDiff diff, Map<String, Object> desired, String resourceVersion) {
        List<Map<String, Object>> ops = new ArrayList<>();
        if (resourceVersion != null) {
            ops.add(op("replace", "/metadata/resourceVersion", resourceVersion));
        }
        List<FieldDrift> removals = new ArrayList<>();
        List<FieldDrift> appends = new ArrayList<>();
        for (FieldDrift d : diff.drifts()) {
            switch (d.kind()) {
                case CHANGED -> ops.add(op("replace", d.path(), valueAt(desired, d.desiredPath())));
                case MISSING -> {
                    if (d.path().endsWith("/-")) {
                        appends.add(d);
                    } else {
                        ops.add(op("add", d.path(), valueAt(desired, d.desiredPath())));
                    }
                }
                case EXTRA -> removals.add(d);
            }
        }
        // remove from the end of each list first so earlier indexes stay valid
        removals.sort(Comparator.comparing((FieldDrift d) -> parent(d.path()))
                .thenComparing(d -> -lastIndex(d.path())));
        for (FieldDrift d : removals) {
            Map<String, Object> remove = new LinkedHashMap<>();
            remove.put("op", "remove");
            remove.put("path", d.path());
            ops.add(remove);
        }
        for (FieldDrift d : appends) {
            ops.add(op("add", d.path(), valueAt(desired, d.desiredPath())));
        }
        return ops;
    }

    private static Map<String, Object> op(String op, String path, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", op);
        m.put("path", path);
        m.put("value", value);
        return m;
    }

    private static String parent(String path) {
        return path.substring(0, path.lastIndexOf('/'));
    }

    private static int lastIndex(String path) {
        return Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
    }

    /** The value at a JSON pointer, with nulls stripped (the API server stores no nulls). */
    static Object valueAt(Map<String, Object> tree, String pointer) {
        Object node = tree;
        for (String token : pointer.substring(1).split("/")) {
            String key = Pointer.unescape(token);
            if (node instanceof Map<?, ?> m) {
                node = m.get(key);
            } else if (node instanceof List<?> l) {
                node = l.get(Integer.parseInt(key));
            } else {
                throw new IllegalArgumentException("no value at " + pointer);
            }
        }
        return withoutNulls(node);
    }

    /** A copy of the tree without null map values. */
    @SuppressWarnings("unchecked")
    public static Object withoutNulls(Object node) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, v) -> {
                if (v != null) {
                    out.put(k, withoutNulls(v));
                }
            });
            return out;
        }
        if (node instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(i -> out.add(withoutNulls(i)));
            return out;
        }
        return node;
    }
}
