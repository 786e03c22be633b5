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
     * @param redisChart      the vendored bitnami redis chart's version (its {@code helm.sh/chart} label); the builtin
     *                        reproduces the 28.0.x series only, so a bundled Redis of another is rendered by Helm
     * @param automountToken  whether the templates set {@code automountServiceAccountToken} on the server's and
     *                        background services' pods and service accounts (from 2026.8.18172642 on)
     * @param templatedUiUrl  whether {@code server.uiConfig.prefectUiApiUrl} goes through {@code tpl} (from
     *                        2026.7.31163938 on; before, it is written as it is)
     */
    record Pin(String appVersion, String prefectTag, String redisChart, boolean automountToken,
               boolean templatedUiUrl, Probes probes) {

        Pin(String appVersion, String prefectTag, String redisChart, boolean automountToken, boolean templatedUiUrl) {
            this(appVersion, prefectTag, redisChart, automountToken, templatedUiUrl, Probes.STARTUP);
        }

        boolean reproducesBundledRedis() {
            return redisChart.startsWith("28.0.");
        }
    }

    /** The server's probes, by generation of the templates. */
    enum Probes {
        /** liveness and readiness off by default, at {@code apiBasePath} + /health and /ready (to 2026.7.9212806) */
        FIXED_PATHS,
        /** as FIXED_PATHS, their paths set by {@code livenessProbe.path}, {@code readinessProbe.path} ({@code tpl}) */
        PATHS,
        /** a startup probe, and all three on by default (from 2026.7.23210422 on) */
        STARTUP
    }

    static final String DEFAULT_VERSION = "2026.8.18172642";

    /** The unreleased chart straight from git. */
    static final String GIT = "0.0.0";

    private static final Map<String, Pin> PINS = Map.ofEntries(
            Map.entry("2026.6.16181256", old("3.7.4", Probes.FIXED_PATHS)),
            Map.entry("2026.6.18212926", old("3.7.5", Probes.FIXED_PATHS)),
            Map.entry("2026.6.25230347", old("3.7.6", Probes.FIXED_PATHS)),
            Map.entry("2026.7.2194107", old("3.7.6", Probes.FIXED_PATHS)),
            Map.entry("2026.7.2211359", old("3.7.7", Probes.FIXED_PATHS)),
            Map.entry("2026.7.9212806", old("3.7.8", Probes.FIXED_PATHS)),
            Map.entry("2026.7.15163855", old("3.7.8", Probes.PATHS)),
            Map.entry("2026.7.23210422", new Pin("3.8.0", "3.8.0-python3.11", "22.0.4", false, false)),
            Map.entry("2026.7.23214924", new Pin("3.8.0", "3.8.0-python3.11", "22.0.4", false, false)),
            Map.entry("2026.7.24183254", new Pin("3.8.0", "3.8.0-python3.11", "22.0.4", false, false)),
            Map.entry("2026.7.28215845", new Pin("3.8.0", "3.8.0-python3.11", "22.0.4", false, false)),
            Map.entry("2026.7.30211541", new Pin("3.8.1", "3.8.1-python3.11", "22.0.4", false, false)),
            Map.entry("2026.7.31163938", new Pin("3.8.1", "3.8.1-python3.11", "22.0.4", false, true)),
            Map.entry("2026.8.7211611", new Pin("3.8.2", "3.8.2-python3.11", "28.0.0", false, true)),
            Map.entry("2026.8.12210735", new Pin("3.8.2", "3.8.2-python3.11", "28.0.2", false, true)),
            Map.entry("2026.8.13185342", new Pin("3.8.3", "3.8.3-python3.11", "28.0.2", false, true)),
            Map.entry("2026.8.18172642", new Pin("3.8.3", "3.8.3-python3.11", "28.0.5", true, true)),
            Map.entry(GIT, new Pin("3-latest", "3-latest", "28.0.5", true, true)));

    private PrefectVersions() {
    }

    /** A version before 2026.7.23210422: bitnami redis 22.0.4, no automount or ui-url gates. */
    private static Pin old(String prefect, Probes probes) {
        return new Pin(prefect, prefect + "-python3.11", "22.0.4", false, false, probes);
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
