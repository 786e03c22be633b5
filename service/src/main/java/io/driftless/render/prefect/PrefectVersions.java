package io.driftless.render.prefect;

import java.util.List;
import java.util.Map;

import io.driftless.render.RenderException;

/**
 * The published prefect-server chart versions the builtin chart reproduces, as data: what Prefect's release
 * workflow stamps into each package (the app version and the default image tag), the bundled Redis subchart's
 * version, and the template changes between them as gates. Every published version here is proven equal to Helm
 * rendering its package (the version matrix test, {@code src/test/resources/upstream}); any other version is
 * rendered by Helm from Prefect's chart repository ({@code UpstreamCharts}).
 */
final class PrefectVersions {

    /**
     * @param redisChart     the vendored bitnami redis chart's version (its {@code helm.sh/chart} label)
     * @param automountToken whether the templates set {@code automountServiceAccountToken} on the server's and
     *                       background services' pods and service accounts (from 2026.8.18172642 on)
     */
    record Pin(String appVersion, String prefectTag, String redisChart, boolean automountToken) {
    }

    static final String DEFAULT_VERSION = "2026.8.18172642";

    /** The unreleased chart straight from git. */
    static final String GIT = "0.0.0";

    private static final Map<String, Pin> PINS = Map.of(
            "2026.8.7211611", new Pin("3.8.2", "3.8.2-python3.11", "28.0.0", false),
            "2026.8.12210735", new Pin("3.8.2", "3.8.2-python3.11", "28.0.2", false),
            "2026.8.13185342", new Pin("3.8.3", "3.8.3-python3.11", "28.0.2", false),
            "2026.8.18172642", new Pin("3.8.3", "3.8.3-python3.11", "28.0.5", true),
            GIT, new Pin("3-latest", "3-latest", "28.0.5", true));

    private PrefectVersions() {
    }

    static Pin pin(String version) {
        Pin pin = PINS.get(version);
        if (pin == null) {
            throw new RenderException("chart.version: prefect-server version '" + version
                    + "' is not built into this Driftless; builtin: " + PINS.keySet().stream()
                    .sorted(java.util.Comparator.comparing(io.driftless.render.ChartVersions::key)).toList());
        }
        return pin;
    }

    static boolean has(String version) {
        return PINS.containsKey(version);
    }

    /** The published versions of the list, oldest first. */
    static List<String> published() {
        return PINS.keySet().stream().filter(v -> !GIT.equals(v))
                .sorted(java.util.Comparator.comparing(io.driftless.render.ChartVersions::key)).toList();
    }
}
