package io.driftless.render;

import java.util.List;

import io.driftless.config.ReleaseSpec;
import io.driftless.config.SafeYaml;

/** One way of rendering a release; {@link ChartCatalogue} holds one per kind of chart reference. */
public interface ChartEngine {

    /** The references it renders. */
    ReleaseSpec.ChartRef.Kind kind();

    /** How a reference renders, for the render metrics: the builtin chart's name, {@code helm}, {@code manifests}. */
    default String label(ReleaseSpec.ChartRef ref) {
        return kind().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** How this render of the reference was made (an engine may hand a render to another). */
    default String label(ReleaseSpec.ChartRef ref, Chart.Rendered rendered) {
        return label(ref);
    }

    /**
     * What is wrong with a reference, known without reading a commit (checked when the fleet is loaded).
     *
     * @param upstream the fleet's upstream repositories of the builtin charts (their other versions render there)
     */
    default List<String> problems(ReleaseSpec.ChartRef ref, List<io.driftless.config.UpstreamChart> upstream) {
        return List.of();
    }

    /**
     * Fetches what a render of the reference will need from elsewhere (a chart repository's archive), so that the
     * render itself does no network I/O; by default nothing. Failures are left for the render to report.
     */
    default void prepare(ReleaseSpec.ChartRef ref) {
    }

    /** Whether it reads live Secrets (to reuse generated passwords): only then does a render get a lookup. */
    default boolean readsLiveSecrets() {
        return false;
    }

    /**
     * @param layers the release's values files, in order
     * @param files  the values repository at the commit being rendered
     * @throws RenderException                     the chart refuses the values or cannot be rendered
     * @throws io.driftless.config.ConfigException a file it reads is not valid (file:line)
     */
    Chart.Rendered render(ReleaseSpec.ChartRef ref, Chart.Release release, List<SafeYaml.Document> layers,
                          ChartCatalogue.Files files);
}
