package io.driftless.render;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

import io.driftless.config.SafeYaml;

/**
 * Two renders of one release compared object by object (by kind, namespace and name), as the version matrix and the
 * shadow verification compare the builtin chart with Helm rendering the upstream package. Each difference names the
 * object and the field path, never a value (a field may hold a secret).
 *
 * <p>A password the chart generates at random differs on every Helm render; the builtin is rendered for a
 * comparison with {@link #GENERATED} as its lookup, so its generated passwords read {@value #MARKER}, and a Secret
 * value that is the marker on the builtin's side is not compared. Pure: no I/O.
 */
public final class RenderComparison {

    static final String MARKER = "driftless-generated-password";

    /** The lookup a builtin render for a comparison gets: every generated password is the marker. */
    public static final Chart.Lookup GENERATED = (namespace, secret, key) -> Optional.of(MARKER);

    private RenderComparison() {
    }

    /**
     * @param builtin the builtin chart's objects (rendered with {@link #GENERATED})
     * @param helm    Helm's objects for the same release and values
     * @return every difference, {@code Kind namespace/name: path ...}, sorted; empty when the renders are equal
     */
    public static List<String> differences(List<Map<String, Object>> builtin, List<Map<String, Object>> helm) {
        Map<String, Object> ours = byIdentity(builtin);
        Map<String, Object> theirs = byIdentity(helm);
        TreeSet<String> out = new TreeSet<>();
        for (String id : ours.keySet()) {
            if (!theirs.containsKey(id)) {
                out.add(id + ": only the builtin renders it");
            }
        }
        for (Map.Entry<String, Object> e : theirs.entrySet()) {
            Object mine = ours.get(e.getKey());
            if (mine == null) {
                out.add(e.getKey() + ": only Helm renders it");
                continue;
            }
            List<String> paths = new ArrayList<>();
            compare("", mine, e.getValue(), e.getKey().startsWith("Secret "), paths);
            paths.forEach(p -> out.add(e.getKey() + ": " + p));
        }
        return List.copyOf(out);
    }

    private static void compare(String path, Object mine, Object theirs, boolean secret, List<String> out) {
        if (mine instanceof Map<?, ?> a && theirs instanceof Map<?, ?> b) {
            TreeSet<String> keys = new TreeSet<>();
            a.keySet().forEach(k -> keys.add(String.valueOf(k)));
            b.keySet().forEach(k -> keys.add(String.valueOf(k)));
            for (String k : keys) {
                String p = path.isEmpty() ? k : path + "." + k;
                if (!a.containsKey(k)) {
                    out.add(p + " only in Helm's");
                } else if (!b.containsKey(k)) {
                    out.add(p + " only in the builtin's");
                } else {
                    compare(p, a.get(k), b.get(k), secret, out);
                }
            }
        } else if (mine instanceof List<?> a && theirs instanceof List<?> b) {
            if (a.size() != b.size()) {
                out.add(path + " has " + a.size() + " item(s) in the builtin's, " + b.size() + " in Helm's");
                return;
            }
            for (int i = 0; i < a.size(); i++) {
                compare(path + "[" + i + "]", a.get(i), b.get(i), secret, out);
            }
        } else if (!Objects.equals(mine, theirs) && !(secret && generated(path, mine))) {
            out.add(path + " differs");
        }
    }

    /** A Secret's value the builtin generated (the marker, plain in stringData or base64 in data). */
    private static boolean generated(String path, Object mine) {
        if (!(mine instanceof String s)) {
            return false;
        }
        if (path.startsWith("stringData.")) {
            return MARKER.equals(s);
        }
        try {
            return path.startsWith("data.") && MARKER.equals(new String(Base64.getDecoder().decode(s),
                    StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The objects by {@code Kind namespace/name}, each through YAML and back, so both sides have YAML's types. */
    private static Map<String, Object> byIdentity(List<Map<String, Object>> objects) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (SafeYaml.Document doc : SafeYaml.parseAll("render", Manifests.toYaml(objects), Integer.MAX_VALUE)) {
            Map<String, Object> o = doc.asMap();
            Object md = o.get("metadata");
            Map<?, ?> meta = md instanceof Map<?, ?> m ? m : Map.of();
            out.put(o.get("kind") + " " + Objects.requireNonNullElse(meta.get("namespace"), "") + "/"
                    + meta.get("name"), o);
        }
        return out;
    }
}
