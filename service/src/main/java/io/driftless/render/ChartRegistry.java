package io.driftless.render;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.driftless.config.ReleaseSpec;
import io.driftless.config.SafeYaml;
import io.driftless.render.prefect.PrefectServerChart;
import io.driftless.render.prefect.legacy.LegacyServerChart;

/** The builtin charts, by name; renders a release from its values layers. */
public final class ChartRegistry implements ChartEngine {

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

    /** Whether a chart of this name is built in. */
    public boolean knows(String name) {
        return charts.containsKey(name);
    }

    /** Whether the builtin chart reproduces the reference's version (asked at each render: no defaults built). */
    public boolean covers(ReleaseSpec.ChartRef ref) {
        return knows(ref.name()) && chart(ref.name()).reproduces(ref.version());
    }

    /** The versions the builtin chart of this name reproduces, oldest first. */
    public List<String> versions(String name) {
        return chart(name).versions();
    }

    @Override
    public String label(ReleaseSpec.ChartRef ref) {
        return ref.name();
    }

    @Override
    public ReleaseSpec.ChartRef.Kind kind() {
        return ReleaseSpec.ChartRef.Kind.BUILTIN;
    }

    /** An unknown chart, or a version neither built in nor with an upstream repository to render it from. */
    @Override
    public List<String> problems(ReleaseSpec.ChartRef ref, List<io.driftless.config.UpstreamChart> upstream) {
        List<String> problems = problems(ref);
        return knows(ref.name()) && upstream.stream().anyMatch(u -> u.chart().equals(ref.name()) && u.source() != null)
                ? List.of() : problems;
    }

    /** An unknown chart or a version the builtin chart does not reproduce. */
    public List<String> problems(ReleaseSpec.ChartRef ref) {
        try {
            chart(ref.name()).defaults(ref.version());
            return List.of();
        } catch (RenderException e) {
            return e.messages();
        }
    }

    /** Generated passwords are reused from the live Secrets, as upstream's templates do with lookup. */
    @Override
    public boolean readsLiveSecrets() {
        return true;
    }

    @Override
    public Chart.Rendered render(ReleaseSpec.ChartRef ref, Chart.Release release, List<SafeYaml.Document> layers,
                                 ChartCatalogue.Files files) {
        return render(ref.name(), release, layers);
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
