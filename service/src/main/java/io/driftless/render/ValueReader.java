package io.driftless.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed, path-based access to merged values ({@code server.resources.limits}), with Helm's notion of
 * truthiness and {@code {{ ... }}} evaluation for the keys a chart evaluates with {@code tpl}.
 */
public final class ValueReader {

    private final Values values;
    private final Template template;
    private final List<String> errors = new ArrayList<>();

    public ValueReader(Values values, Template.Scope scope) {
        this.values = values;
        this.template = new Template(scope, values.tree());
    }

    /** Raw value at a dotted path, or null. */
    public Object get(String path) {
        Object node = values.tree();
        for (String part : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> m)) {
                return null;
            }
            node = m.get(part);
        }
        return node;
    }

    public boolean has(String path) {
        return Tree.isSet(get(path));
    }

    /** Helm truthiness: false, 0, "", empty collections and null are false. */
    public boolean truthy(String path) {
        Object v = get(path);
        if (v instanceof Number n) {
            return n.doubleValue() != 0;
        }
        return Tree.isSet(v);
    }

    public boolean bool(String path) {
        Object v = get(path);
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        fail(path, "expected true or false, found '" + v + "'");
        return false;
    }

    /** String form of a scalar ("" when missing); numbers print as Helm prints them. */
    public String str(String path) {
        Object v = get(path);
        if (v == null) {
            return "";
        }
        if (v instanceof Map || v instanceof List) {
            fail(path, "expected a single value, found a " + (v instanceof Map ? "mapping" : "list"));
            return "";
        }
        return scalar(v);
    }

    public static String scalar(Object v) {
        if (v instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return String.valueOf(d.longValue());
        }
        return String.valueOf(v);
    }

    public Integer integer(String path) {
        Object v = get(path);
        if (v == null || "".equals(v)) {
            return null;
        }
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        if (v instanceof String s && s.matches("-?\\d+")) {
            return Integer.parseInt(s);
        }
        fail(path, "expected a whole number, found '" + v + "'");
        return null;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> map(String path) {
        Object v = get(path);
        if (v == null) {
            return new LinkedHashMap<>();
        }
        if (v instanceof Map) {
            return Values.deepCopy((Map<String, Object>) v);
        }
        fail(path, "expected a mapping, found '" + v + "'");
        return new LinkedHashMap<>();
    }

    @SuppressWarnings("unchecked")
    public List<Object> list(String path) {
        Object v = get(path);
        if (v == null) {
            return new ArrayList<>();
        }
        if (v instanceof List<?> l) {
            return (List<Object>) Values.deepCopyValue(l);
        }
        fail(path, "expected a list, found '" + v + "'");
        return new ArrayList<>();
    }

    /** The string at path with {@code {{ ... }}} expressions evaluated. */
    public String tpl(String path) {
        return tplText(path, str(path));
    }

    /** Evaluates expressions in any value tree (the chart's {@code common.tplvalues.render}). */
    public Object tplValue(String path, Object value) {
        try {
            return template.renderTree(value);
        } catch (IllegalArgumentException e) {
            fail(path, e.getMessage());
            return value;
        }
    }

    public String tplText(String path, String text) {
        try {
            return template.render(text);
        } catch (IllegalArgumentException e) {
            fail(path, e.getMessage());
            return text;
        }
    }

    /** Records a problem with a key; the chart throws them all together at the end. */
    public void fail(String path, String message) {
        String origin = values.originOf(path);
        errors.add((origin.isEmpty() ? "" : origin + ": ") + path + ": " + message);
    }

    public List<String> errors() {
        return errors;
    }

    public void throwIfErrors() {
        if (!errors.isEmpty()) {
            throw new RenderException(errors);
        }
    }
}
