package io.driftless.render;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.driftless.config.SafeYaml;
import io.driftless.render.prefect.PrefectServerChart;
import io.driftless.render.prefect.legacy.LegacyServerChart;

/** The builtin charts, by name; renders a release from its values layers. */
public final class ChartRegistry {

    private final Map<String, Chart> charts = new TreeMap<>();

    public ChartRegistry(List<Chart> charts) {
        charts.forEach(c -> this.charts.put(c.name(), c));
    }

    public static ChartRegistry builtin() {
        return new ChartRegistry(List.of(new PrefectServerChart(), new LegacyServerChart()));
    }

    public Chart chart(String name) {
        Chart chart = charts.get(name);
        if (chart == null) {
            throw new RenderException("chart.name: unknown chart '" + name + "'; builtin charts: " + charts.keySet());
        }
        return chart;
    }

    /** Layers values over the chart's defaults (in order) and renders. */
    public Chart.Rendered render(String chartName, Chart.Release release, List<SafeYaml.Document> layers) {
        Chart chart = chart(chartName);
        Map<String, Object> defaults = chart.defaults(release.chartVersion());
        Values values = Values.layered(defaults, layers);
        List<String> wrongTypes = ValueTypes.problems(defaults, values);
        if (!wrongTypes.isEmpty()) {
            throw new RenderException(wrongTypes);
        }
        return chart.render(release, values);
    }
}
