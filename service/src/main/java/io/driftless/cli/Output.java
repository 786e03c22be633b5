package io.driftless.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/** Prints what the service answered: a table of chosen columns, or the whole answer as JSON or YAML. */
final class Output {

    enum Format { table, json, yaml }

    /** A table column: its heading and the JSON field (a path like {@code /health}) it shows. */
    record Column(String heading, String pointer) {
    }

    private Output() {
    }

    static void print(PrintWriter out, Format format, JsonNode answer, List<Column> columns) {
        switch (format) {
            case json -> {
                try {
                    out.println(ServiceClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
                } catch (JsonProcessingException e) {
                    throw new CliException("cannot print the answer as JSON", 2);
                }
            }
            case yaml -> {
                DumperOptions options = new DumperOptions();
                options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
                out.print(new Yaml(options).dump(ServiceClient.JSON.convertValue(answer, Object.class)));
            }
            case table -> table(out, answer.isArray() ? answer : ServiceClient.JSON.createArrayNode().add(answer),
                    columns);
        }
        out.flush();
    }

    private static void table(PrintWriter out, JsonNode rows, List<Column> columns) {
        List<String[]> cells = new ArrayList<>();
        cells.add(columns.stream().map(Column::heading).toArray(String[]::new));
        for (JsonNode row : rows) {
            cells.add(columns.stream().map(c -> text(row.at(c.pointer()))).toArray(String[]::new));
        }
        int[] widths = new int[columns.size()];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        boolean colour = System.console() != null && System.getenv("NO_COLOR") == null;
        for (String[] line : cells) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                String cell = i == line.length - 1 ? line[i] : String.format("%-" + widths[i] + "s  ", line[i]);
                b.append(colour ? paint(line[i], cell) : cell);
            }
            out.println(b.toString().stripTrailing());
        }
    }

    private static final Map<String, String> COLOURS = Map.of("Synced", "32", "Healthy", "32", "OutOfSync", "33",
            "Progressing", "33", "Failed", "31", "Degraded", "31", "Missing", "31", "false", "31", "Waiting", "36");

    private static String paint(String value, String cell) {
        String code = COLOURS.get(value);
        return code == null ? cell : "\u001b[" + code + "m" + cell + "\u001b[0m";
    }

    private static String text(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "-";
        }
        if (node.isTextual() && node.asText().matches("[0-9a-f]{40}")) {
            return node.asText().substring(0, 12);
        }
        return node.isContainerNode() ? node.toString() : node.asText();
    }
}
