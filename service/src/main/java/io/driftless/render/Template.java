package io.driftless.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Helm's {@code tpl} that values files use: {@code {{ .Release.Name }}},
 * {@code {{ .Release.Namespace }}}, {@code {{ .Chart.Name }}}, {@code {{ .Chart.Version }}},
 * {@code {{ .Chart.AppVersion }}} and {@code {{ .Values.some.key }}}, with {@code {{-} / {@code -}}}
 * whitespace trimming. Anything else is rejected with a clear message rather than guessed at.
 */
public final class Template {

    private static final Pattern EXPR = Pattern.compile("(\\s*)\\{\\{(-?)\\s*(.*?)\\s*(-?)}}(\\s*)", Pattern.DOTALL);
    private static final Pattern PATH = Pattern.compile("\\.[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_-]*)*");
    /** Expressions one render may evaluate in all, nested ones included: values cannot make a render unbounded. */
    static final int MAX_EVALUATIONS = 10_000;
    /** Longest text one expression may expand to. */
    static final int MAX_OUTPUT_CHARS = 256 * 1024;

    /** What a template can see besides the values. */
    public record Scope(String releaseName, String releaseNamespace, String chartName, String chartVersion,
                        String appVersion) {
    }

    private final Scope scope;
    private final Map<String, Object> values;
    private int evaluations;

    public Template(Scope scope, Map<String, Object> values) {
        this.scope = scope;
        this.values = values;
    }

    /**
     * Evaluates the expressions of the text once, as Helm's {@code tpl} does: a value that itself looks like a
     * template is inserted as text, not evaluated again.
     */
    public String render(String text) {
        if (text == null || !text.contains("{{")) {
            return text;
        }
        Matcher m = EXPR.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String lead = m.group(2).isEmpty() ? m.group(1) : "";
            String trail = m.group(4).isEmpty() ? m.group(5) : "";
            if (++evaluations > MAX_EVALUATIONS) {
                throw new IllegalArgumentException("template expressions expand to more than " + MAX_EVALUATIONS
                        + " evaluations");
            }
            String value = evaluate(m.group(3).trim());
            m.appendReplacement(sb, Matcher.quoteReplacement(lead + value + trail));
            if (sb.length() > MAX_OUTPUT_CHARS) {
                throw new IllegalArgumentException("template expands to more than " + MAX_OUTPUT_CHARS
                        + " characters");
            }
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Evaluates expressions in every string of a tree; a tree without {@code {{} is returned as is. */
    @SuppressWarnings("unchecked")
    public Object renderTree(Object value) {
        if (value instanceof String s) {
            return render(s);
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, v) -> out.put(render(k), renderTree(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(i -> out.add(renderTree(i)));
            return out;
        }
        return value;
    }

    private String evaluate(String expr) {
        switch (expr) {
            case ".Release.Name":
                return scope.releaseName();
            case ".Release.Namespace":
                return scope.releaseNamespace();
            case ".Chart.Name":
                return scope.chartName();
            case ".Chart.Version":
                return scope.chartVersion();
            case ".Chart.AppVersion":
                return scope.appVersion();
            default:
                break;
        }
        if (expr.startsWith(".Values.") && PATH.matcher(expr).matches()) {
            Object node = values;
            for (String part : expr.substring(".Values.".length()).split("\\.")) {
                node = node instanceof Map<?, ?> m ? m.get(part) : null;
            }
            if (node instanceof Map || node instanceof List) {
                throw new IllegalArgumentException("'{{ " + expr + " }}' names a mapping or list, not a value");
            }
            return node == null ? "" : ValueReader.scalar(node);
        }
        throw new IllegalArgumentException("unsupported template expression '{{ " + expr
                + " }}'; supported: .Release.Name, .Release.Namespace, .Chart.Name, .Chart.Version, "
                + ".Chart.AppVersion and .Values.<key>");
    }
}
