package io.driftless.render;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;


import io.driftless.config.Fleet;
import io.driftless.config.Problem;
import io.driftless.config.ReleaseSpec;
import io.driftless.config.SafeYaml;
import io.driftless.render.helm.HelmCharts;

/**
 * Every way a release is rendered, behind one call: the builtin charts (the fast path: microsecond renders,
 * file:line validation of values, live-password reuse, upstream template bugs fixed), Helm charts in the values
 * repository (rendered by the Helm library itself) and folders of plain manifests; with chart repositories too
 * where the service makes it ({@code ChartRepositories#catalogue}). Each render's output is cached per target and
 * commit by the caller.
 */
public final class ChartCatalogue {

    /** The values repository at the commit being rendered: a folder's files by their path inside it. */
    @FunctionalInterface
    public interface Files {
        SortedMap<String, byte[]> folder(String path);
    }

    private final java.util.Map<ReleaseSpec.ChartRef.Kind, ChartEngine> engines =
            new java.util.EnumMap<>(ReleaseSpec.ChartRef.Kind.class);

    public ChartCatalogue(List<ChartEngine> engines) {
        engines.forEach(e -> this.engines.put(e.kind(), e));
    }

    /** These builtin charts, Helm charts in the values repository and manifest folders. */
    public static ChartCatalogue of(ChartRegistry builtin) {
        return new ChartCatalogue(List.of(builtin, new HelmCharts(), new ManifestFolder()));
    }

    /** The builtin charts, Helm charts and manifest folders. */
    public static ChartCatalogue standard() {
        return of(ChartRegistry.builtin());
    }

    /** Fetches what rendering the reference needs from elsewhere ({@link ChartEngine#prepare}). */
    public void prepare(ReleaseSpec.ChartRef ref) {
        ChartEngine engine = engines.get(ref.kind());
        if (engine != null) {
            engine.prepare(ref);
        }
    }

    /** The engine of a reference's kind. */
    public ChartEngine engine(ReleaseSpec.ChartRef ref) {
        ChartEngine engine = engines.get(ref.kind());
        if (engine == null) {
            throw new RenderException("chart: " + ref.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + " charts are not available here");
        }
        return engine;
    }

    /**
     * What is wrong with the fleet's chart references, known without reading a commit (an unknown builtin chart, or
     * a version neither built in nor with an upstream repository), each at the release's line: checked when the
     * fleet is loaded, not at each render.
     */
    public List<Problem> problems(Fleet fleet) {
        List<Problem> problems = new ArrayList<>();
        for (ReleaseSpec r : fleet.releases()) {
            if (r.chart() == null) {
                continue;
            }
            ChartEngine engine = engines.get(r.chart().kind());
            List<String> wrong = engine == null ? List.of() : engine.problems(r.chart(), fleet.upstreamCharts());
            if (!wrong.isEmpty()) {
                problems.add(new Problem(r.origin().file(), r.origin().line(), r.origin().key() + ".chart",
                        String.join("; ", wrong)));
            }
        }
        return problems;
    }

    /** The fleet as it is, when every builtin chart and version it names exists; else all problems, file:line. */
    public Fleet requireKnownCharts(Fleet fleet) {
        List<Problem> problems = problems(fleet);
        if (!problems.isEmpty()) {
            throw new io.driftless.config.ConfigException(problems);
        }
        return fleet;
    }

    /**
     * @param layers the release's values files, in order (a folder of manifests takes none)
     * @param files  the values repository at the commit (Helm charts and manifests live there)
     * @throws RenderException                        the chart refuses the values, or fails to render
     * @throws io.driftless.config.ConfigException    a manifest is not valid YAML (file:line)
     */
    public Chart.Rendered render(ReleaseSpec.ChartRef ref, Chart.Release release, List<SafeYaml.Document> layers,
                                 Files files) {
        return engine(ref).render(ref, release, layers, files);
    }
}
