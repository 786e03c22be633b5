package io.driftless.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.yaml.snakeyaml.Yaml;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The PromQL the project ships (Grafana dashboards, alert rules) and a real Prometheus to run it against.
 */
public final class PromQueries {

    /** Series selectors of the metrics Driftless exports (and {@code up}), with their label matchers. */
    private static final Pattern SELECTOR = Pattern.compile(
            "\\b((?:driftless|jvm|process|system)_[a-z_]+|up)\\b(\\{[^}]*})?");
    /** Grafana's {@code label_values(selector, label)}: only the selector is PromQL. */
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*\\w+\\)");

    private final String base;
    private final HttpClient http = HttpClient.newHttpClient();

    public PromQueries(String base) {
        this.base = base;
    }

    /**
     * Every query of every dashboard in the directory, keyed by file, panel title and refId (template
     * variables too), with Grafana's variables replaced as "All" would: {@code $cluster} by {@code .*},
     * {@code $__rate_interval} by {@code 1m}, {@code $__range} by {@code 5m}.
     */
    public static Map<String, String> dashboardExpressions(Path dir) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        for (Path file : files) {
            JsonObject dashboard = new JsonObject(Files.readString(file));
            for (Object v : dashboard.getJsonObject("templating").getJsonArray("list")) {
                JsonObject variable = (JsonObject) v;
                Object query = variable.getValue("query");
                String text = query instanceof JsonObject q ? q.getString("query") : String.valueOf(query);
                Matcher m = LABEL_VALUES.matcher(text);
                if ("query".equals(variable.getString("type")) && m.matches()) {
                    out.put(file.getFileName() + " variable " + variable.getString("name"), grafana(m.group(1)));
                }
            }
            for (JsonObject panel : panels(dashboard.getJsonArray("panels"))) {
                JsonArray targets = panel.getJsonArray("targets", new JsonArray());
                for (Object t : targets) {
                    JsonObject target = (JsonObject) t;
                    out.put(file.getFileName() + " panel '" + panel.getString("title") + "' "
                            + target.getString("refId"), grafana(target.getString("expr")));
                }
            }
        }
        return out;
    }

    /** Every panel of a dashboard, rows' nested panels included. */
    public static List<JsonObject> panels(JsonArray panels) {
        List<JsonObject> out = new ArrayList<>();
        for (Object p : panels) {
            JsonObject panel = (JsonObject) p;
            out.add(panel);
            if (panel.containsKey("panels")) {
                out.addAll(panels(panel.getJsonArray("panels")));
            }
        }
        return out;
    }

    private static String grafana(String expr) {
        return expr.replaceAll("\\$\\{?(cluster|release|source|notifier)}?", ".*")
                .replace("$__rate_interval", "1m").replace("$__range", "5m");
    }

    /** Alert name to expression, from a rules file. */
    @SuppressWarnings("unchecked")
    public static Map<String, String> alertExpressions(Path rulesFile) throws IOException {
        Map<String, Object> doc = new Yaml().load(Files.readString(rulesFile));
        Map<String, String> out = new LinkedHashMap<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                out.put((String) rule.get("alert"), (String) rule.get("expr"));
            }
        }
        return out;
    }

    /** The series selectors in an expression, e.g. {@code driftless_sync_total{result="failure"}}. */
    public static Set<String> selectors(String expr) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = SELECTOR.matcher(expr);
        while (m.find()) {
            out.add(m.group(1) + (m.group(2) == null ? "" : m.group(2)));
        }
        return out;
    }

    /** Whether the instant query returns at least one sample. */
    public boolean hasData(String expr) {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/query?query="
                    + URLEncoder.encode(expr, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            JsonObject answer = new JsonObject(body);
            if (!"success".equals(answer.getString("status"))) {
                throw new IllegalArgumentException(expr + ": " + answer.getString("error"));
            }
            Object result = answer.getJsonObject("data").getValue("result");
            return !(result instanceof JsonArray a) || !a.isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The named expressions that return nothing (or do not parse), with why. */
    public List<String> withoutData(Map<String, String> expressions) {
        List<String> out = new ArrayList<>();
        expressions.forEach((name, expr) -> {
            try {
                if (!hasData(expr)) {
                    out.add(name + ": " + expr);
                }
            } catch (IllegalArgumentException e) {
                out.add(name + ": " + e.getMessage());
            }
        });
        return out;
    }
}
