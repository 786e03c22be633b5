package io.driftless.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed fields out of a parsed YAML mapping while collecting every problem (with file,
 * line and key) instead of stopping at the first one.
 */
final class Cursor {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    private final SafeYaml.Document doc;
    private final String path;
    private final Map<String, Object> map;
    private final List<Problem> problems;

    Cursor(SafeYaml.Document doc, String path, Map<String, Object> map, List<Problem> problems) {
        this.doc = doc;
        this.path = path;
        this.map = map;
        this.problems = problems;
    }

    String path() {
        return path;
    }

    String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    int line() {
        return doc.lineOf(path);
    }

    Origin origin() {
        return new Origin(doc.file(), line(), path);
    }

    Origin originOf(String name) {
        return new Origin(doc.file(), doc.lineOf(key(name)), key(name));
    }

    void problem(String name, String message) {
        problems.add(doc.problem(name == null ? path : key(name), message));
    }

    /** Reports keys this mapping does not know, which are almost always typos. */
    void allowOnly(String... names) {
        Set<String> allowed = Set.of(names);
        for (String k : map.keySet()) {
            if (!allowed.contains(String.valueOf(k))) {
                problem(String.valueOf(k), "unknown key; expected one of " + new TreeSet<>(allowed));
            }
        }
    }

    /** The value under a key as YAML read it (a scalar, list or mapping), or null. */
    Object raw(String name) {
        return map.get(name);
    }

    String string(String name, String fallback) {
        Object v = map.get(name);
        if (v == null) {
            return fallback;
        }
        String text = text(key(name), v);
        return text == null ? fallback : text;
    }

    /**
     * A scalar as the text it was written as, or null after a problem at {@code path} when YAML read it as something
     * else: unquoted yes, no, on, off are booleans, 1.10 is the number 1.1, 0777 the number 511 (octal), 0x1F 31 and
     * 1:30 90 (sexagesimal), so the text written is lost.
     */
    private String text(String path, Object v) {
        if (v instanceof Map || v instanceof List) {
            problems.add(doc.problem(path, "expected a string, found " + SafeYaml.typeName(v)));
            return null;
        }
        if (v instanceof Boolean || v instanceof Double) {
            problems.add(doc.problem(path, "expected a string, found the " + (v instanceof Boolean ? "boolean "
                    : "number ") + v + "; quote it to mean the text"));
            return null;
        }
        String written = doc.writtenAs(path).orElse(null);
        if (written != null) {
            problems.add(doc.problem(path, "expected a string, found " + written + ", which YAML reads as the "
                    + "number " + v + "; quote it to mean the text"));
            return null;
        }
        return String.valueOf(v);
    }

    /** A list of texts ({@link #text}); an item that is no text is reported and left out. */
    List<String> strings(String name) {
        List<String> out = new ArrayList<>();
        List<Object> items = list(name);
        for (int i = 0; i < items.size(); i++) {
            String text = items.get(i) == null ? null : text(key(name) + "[" + i + "]", items.get(i));
            if (items.get(i) == null) {
                problems.add(doc.problem(key(name) + "[" + i + "]", "expected a string, found null"));
            } else if (text != null) {
                out.add(text);
            }
        }
        return out;
    }

    String required(String name) {
        String v = string(name, null);
        if (v == null || v.isBlank()) {
            if (!map.containsKey(name) || map.get(name) == null) {
                problem(name, "is required");
            } else if (v != null) {
                problem(name, "must not be empty");
            }
            return null;
        }
        return v;
    }

    boolean bool(String name, boolean fallback) {
        Object v = map.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        problem(name, "expected true or false, found " + SafeYaml.typeName(v) + " '" + v + "'");
        return fallback;
    }

    Integer integer(String name, Integer fallback, int min, int max) {
        Object v = map.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Integer && doc.writtenAs(key(name)).isPresent()) {
            problem(name, "found " + doc.writtenAs(key(name)).get() + ", which YAML reads as the number " + v
                    + "; write the number in decimal");
            return fallback;
        }
        if (v instanceof Integer i && i >= min && i <= max) {
            return i;
        }
        problem(name, "expected a whole number from " + min + " to " + max + ", found '" + v + "'");
        return fallback;
    }

    /** The longest duration a fleet may give (a poll interval, a lease): a year, far beyond any sensible one. */
    static final Duration MAX_DURATION = Duration.ofDays(365);

    /**
     * A duration such as 30s, 5m or 1h, at most {@link #MAX_DURATION}; anything else (another shape, a number too
     * large for any clock) is a problem with the key, never an exception.
     */
    Duration duration(String name, Duration fallback) {
        Object v = map.get(name);
        if (v == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(String.valueOf(v).trim());
        if (!m.matches()) {
            problem(name, "expected a duration such as 30s, 5m or 1h, found '" + v + "'");
            return fallback;
        }
        String digits = m.group(1).replaceFirst("^0+(?=\\d)", "");
        long unit = switch (m.group(2)) {
            case "ms" -> 1L;
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            default -> 3_600_000L;
        };
        // at most 12 digits: their product with the unit fits a long, and anything longer is far beyond a year
        if (digits.length() > 12 || Long.parseLong(digits) * unit > MAX_DURATION.toMillis()) {
            problem(name, "expected a duration of at most " + MAX_DURATION.toHours() + "h (a year), found '" + v + "'");
            return fallback;
        }
        return Duration.ofMillis(Long.parseLong(digits) * unit);
    }

    Map<String, String> stringMap(String name) {
        Map<String, String> out = new LinkedHashMap<>();
        Object v = map.get(name);
        if (v == null) {
            return out;
        }
        if (!(v instanceof Map<?, ?> m)) {
            problem(name, "expected a mapping, found " + SafeYaml.typeName(v));
            return out;
        }
        m.forEach((k, val) -> {
            if (!(k instanceof String)) {
                problem(name, "the key " + k + " is " + SafeYaml.typeName(k) + " to YAML; quote it to mean the "
                        + "text");
            } else if (val == null) {
                problem(name + "." + k, "expected a string value");
            } else {
                String text = text(key(name) + "." + k, val);
                if (text != null) {
                    out.put((String) k, text);
                }
            }
        });
        return out;
    }

    /** A mapping of Kubernetes labels: every key and value checked as the API server checks them. */
    Map<String, String> labels(String name) {
        Map<String, String> labels = stringMap(name);
        labels.forEach((k, v) -> {
            if (!Labels.isKey(k)) {
                problem(name + "." + k, "'" + k + "' is not a Kubernetes label key (" + Labels.KEY_RULE + ")");
            }
            if (!Labels.isValue(v)) {
                problem(name + "." + k, "'" + v + "' is not a Kubernetes label value (" + Labels.VALUE_RULE + ")");
            }
        });
        return labels;
    }

    /** A child mapping, or null (with a problem when present but not a mapping). */
    @SuppressWarnings("unchecked")
    Cursor child(String name) {
        Object v = map.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map)) {
            problem(name, "expected a mapping, found " + SafeYaml.typeName(v));
            return null;
        }
        return new Cursor(doc, key(name), (Map<String, Object>) v, problems);
    }

    /** Items of a list; each item is either a mapping cursor or a raw scalar. */
    List<Object> list(String name) {
        Object v = map.get(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            problem(name, "expected a list, found " + SafeYaml.typeName(v));
            return List.of();
        }
        return new ArrayList<>(l);
    }

    /** The list item at index as a cursor, or null with a problem if it is not a mapping. */
    @SuppressWarnings("unchecked")
    Cursor item(String name, int index, Object value) {
        String itemPath = key(name) + "[" + index + "]";
        if (!(value instanceof Map)) {
            problems.add(doc.problem(itemPath, "expected a mapping, found " + SafeYaml.typeName(value)));
            return null;
        }
        return new Cursor(doc, itemPath, (Map<String, Object>) value, problems);
    }
}
