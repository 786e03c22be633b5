package io.driftless.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import io.driftless.config.ReleaseSpec;
import io.driftless.config.SafeYaml;
import io.driftless.config.UpstreamChart;
import io.driftless.render.Chart;
import io.driftless.render.ChartCatalogue;
import io.driftless.render.ChartEngine;
import io.driftless.render.ChartRegistry;
import io.driftless.render.NotReproduced;

/**
 * The builtin charts with their published upstream behind them ({@code chart: {name: prefect-server, version: X}}):
 * a version the builtin chart reproduces renders natively (the fast path); any other version renders through Helm
 * from the chart's upstream repository ({@link UpstreamChart}, Prefect's own by default, the fleet's
 * {@code upstreamCharts} to use a mirror or credentials), downloaded once and kept by digest like every repository
 * chart, with a warning on the target naming the engine. A version the repository does not have fails the target
 * with the nearest versions it has.
 */
public final class UpstreamCharts implements ChartEngine {

    /** How the warning of a render Helm made goes on. */
    private static final String BY_HELM = ": rendered by the Helm engine (";

    private final ChartRegistry builtin;
    private final ChartRepositories repositories;
    private final Supplier<List<UpstreamChart>> upstream;

    /** @param upstream the current fleet's upstream repositories (a fleet reload may change them) */
    public UpstreamCharts(ChartRegistry builtin, ChartRepositories repositories,
                          Supplier<List<UpstreamChart>> upstream) {
        this.builtin = builtin;
        this.repositories = repositories;
        this.upstream = upstream;
    }

    @Override
    public ReleaseSpec.ChartRef.Kind kind() {
        return ReleaseSpec.ChartRef.Kind.BUILTIN;
    }

    /** An unknown chart; a version neither built in nor with an upstream repository to render it from. */
    @Override
    public List<String> problems(ReleaseSpec.ChartRef ref, List<UpstreamChart> upstream) {
        return builtin.problems(ref, upstream);
    }

    @Override
    public boolean readsLiveSecrets() {
        return true;
    }

    /** Whether the builtin chart reproduces the reference's version (else Helm renders it). */
    public boolean covers(ReleaseSpec.ChartRef ref) {
        return builtin.covers(ref);
    }

    @Override
    public String label(ReleaseSpec.ChartRef ref) {
        return builtin.covers(ref) ? ref.name() : "helm";
    }

    /** {@code helm} also for a builtin version whose render Helm made (what it does not reproduce). */
    @Override
    public String label(ReleaseSpec.ChartRef ref, Chart.Rendered rendered) {
        return rendered.warnings().stream().anyMatch(w -> w.contains(BY_HELM)) ? "helm" : label(ref);
    }

    @Override
    public Chart.Rendered render(ReleaseSpec.ChartRef ref, Chart.Release release, List<SafeYaml.Document> layers,
                                 ChartCatalogue.Files files) {
        String why;
        if (builtin.covers(ref)) {
            try {
                return builtin.render(ref, release, layers, files);
            } catch (NotReproduced e) {
                if (upstream(ref.name()).isEmpty()) {
                    throw e;
                }
                why = e.getMessage();
            }
        } else {
            why = "chart " + ref.name() + " version " + ref.version() + " is not built into this Driftless (builtin: "
                    + String.join(", ", builtin.versions(ref.name())) + ")";
        }
        ReleaseSpec.ChartRef from = upstreamRef(ref);
        Chart.Rendered rendered = repositories.render(from, release, layers, files);
        List<String> warnings = new ArrayList<>(rendered.warnings());
        warnings.add(0, why + BY_HELM + io.driftless.render.helm.HelmCharts.HELM_VERSION + ") from " + from
                + "; a builtin version renders natively");
        return new Chart.Rendered(rendered.objects(), List.copyOf(warnings), rendered.healthHints(),
                rendered.notes());
    }

    /**
     * The release rendered by the builtin chart alone: one side of the shadow verification.
     *
     * @throws NotReproduced the builtin version does not reproduce these values (nothing to verify)
     */
    public Chart.Rendered renderBuiltin(ReleaseSpec.ChartRef ref, Chart.Release release,
                                        List<SafeYaml.Document> layers) {
        return builtin.render(ref, release, layers, path -> new java.util.TreeMap<>());
    }

    /**
     * The same release rendered by Helm from the upstream package of the reference's version, whatever the builtin
     * covers: the other side of the shadow verification.
     */
    public Chart.Rendered renderUpstream(ReleaseSpec.ChartRef ref, Chart.Release release,
                                         List<SafeYaml.Document> layers) {
        return repositories.render(upstreamRef(ref), release, layers, path -> new java.util.TreeMap<>());
    }

    /** The upstream repository's reference of the version, or a render error naming the missing entry. */
    private ReleaseSpec.ChartRef upstreamRef(ReleaseSpec.ChartRef ref) {
        return upstream(ref.name()).map(u -> u.version(ref.version())).orElseThrow(() ->
                new io.driftless.render.RenderException(builtin.problems(ref)));
    }

    private Optional<UpstreamChart> upstream(String chart) {
        return upstream.get().stream().filter(u -> u.chart().equals(chart) && u.source() != null).findFirst();
    }
}
