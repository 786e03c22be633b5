package io.driftless.config;

import java.util.List;

/**
 * Where a builtin chart's published versions come from ({@code upstreamCharts:}): a version the builtin chart does
 * not reproduce is rendered by Helm from this chart repository, and the shadow verification renders from it too.
 *
 * @param chart  the builtin chart's name ({@code prefect-server}, {@code prefect-server-legacy})
 * @param source the chart repository (or OCI registry), the chart's name there and its credentials; no version
 */
public record UpstreamChart(String chart, ReleaseSpec.ChartRef source) {

    /** Prefect's own chart repositories, used for a builtin chart the fleet names no repository for. */
    public static final List<UpstreamChart> DEFAULTS = List.of(
            new UpstreamChart("prefect-server", new ReleaseSpec.ChartRef("prefect-server", null, null, null,
                    "https://prefecthq.github.io/prefect-helm", SourceSpec.GitAuth.NONE)),
            new UpstreamChart("prefect-server-legacy", new ReleaseSpec.ChartRef("prefect-server", null, null, null,
                    "https://prefecthq.github.io/server", SourceSpec.GitAuth.NONE)));

    /** A builtin chart's name in its upstream repository by default: its own, or Prefect's default's. */
    public static String defaultName(String chart) {
        return DEFAULTS.stream().filter(d -> d.chart().equals(chart)).findFirst().map(d -> d.source().name())
                .orElse(chart);
    }

    /** The reference of one version of it. */
    public ReleaseSpec.ChartRef version(String version) {
        return new ReleaseSpec.ChartRef(source.name(), version, null, null, source.repository(), source.auth());
    }

    /** The fleet's own entries, then the defaults for the builtin charts it names none for. */
    public static List<UpstreamChart> withDefaults(List<UpstreamChart> own) {
        List<UpstreamChart> out = new java.util.ArrayList<>(own);
        DEFAULTS.stream().filter(d -> own.stream().noneMatch(o -> d.chart().equals(o.chart()))).forEach(out::add);
        return List.copyOf(out);
    }
}
