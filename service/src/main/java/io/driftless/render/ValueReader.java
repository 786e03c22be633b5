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

    /**
     * A scalar as a Helm template prints it ({@code {{ .Values.x }}} or {@code | quote}): Helm reads numbers
     * from values files as float64 and Go prints those with {@code %v}, so 5432 stays 5432 but 1000000
     * becomes 1e+06.
     */
    public static String scalar(Object v) {
        if (v instanceof Number n) {
            return goFloat(n.doubleValue());
        }
        return String.valueOf(v);
    }

    /** Go's shortest {@code %v} form of a float64: exponent form when the exponent is below -4 or at least 6. */
    static String goFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == 0) {
            return "0";
        }
        java.math.BigDecimal b = new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = b.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - b.scale();
        String sign = d < 0 ? "-" : "";
        if (exp < -4 || exp >= 6) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            int abs = Math.abs(exp);
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (abs < 10 ? "0" : "") + abs;
        }
        return b.toPlainString();
    }

    /** A whole number in Kubernetes' int32 range, or null when unset; anything else is a problem with the key. */
    public Integer integer(String path) {
        return integer(path, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /**
     * A whole number between {@code min} and {@code max} (the schema's bounds), or null when unset; a value of
     * another type, a fraction, NaN or a number out of range is recorded as a problem with the key and answers
     * null.
     */
    public Integer integer(String path, int min, int max) {
        Object v = get(path);
        if (v == null || "".equals(v)) {
            return null;
        }
        java.math.BigDecimal number = null;
        if (v instanceof Number n && !(n instanceof Double d && (d.isNaN() || d.isInfinite()))) {
            number = n instanceof java.math.BigInteger b ? new java.math.BigDecimal(b)
                    : new java.math.BigDecimal(n.toString());
        } else if (v instanceof String s && s.matches("-?\\d{1,20}")) {
            number = new java.math.BigDecimal(s);
        }
        if (number == null || number.stripTrailingZeros().scale() > 0) {
            fail(path, "expected a whole number, found " + describe(v));
            return null;
        }
        if (number.compareTo(java.math.BigDecimal.valueOf(min)) < 0
                || number.compareTo(java.math.BigDecimal.valueOf(max)) > 0) {
            fail(path, "must be " + range(min, max) + ", found " + number.toPlainString());
            return null;
        }
        return number.intValueExact();
    }

    /** As {@link #integer(String, int, int)}, for a key the chart cannot do without: unset is a problem too. */
    public int requiredInteger(String path, int min, int max) {
        if (get(path) == null) {
            fail(path, "is required: a whole number " + range(min, max));
            return min;
        }
        Integer value = integer(path, min, max);
        return value == null ? min : value;
    }

    private static String range(int min, int max) {
        if (max == Integer.MAX_VALUE) {
            return min == Integer.MIN_VALUE ? "within the 32-bit range" : "at least " + min;
        }
        return "between " + min + " and " + max;
    }

    private static String describe(Object v) {
        return v instanceof Map || v instanceof List ? io.driftless.config.SafeYaml.typeName(v) : "'" + scalar(v) + "'";
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
        String problem = located(path) + ": " + message;
        if (!errors.contains(problem)) {
            errors.add(problem);
        }
    }

    /** The key with the file and line that set it: {@code values.yaml:12: server.replicas}. */
    public String located(String path) {
        String origin = values.originOf(path);
        return (origin.isEmpty() ? "" : origin + ": ") + path;
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
