package io.driftless.render.prefect.legacy;

import java.util.Map;
import java.util.TreeSet;

import io.driftless.render.RenderException;

/** Published versions of the legacy chart Driftless reproduces, with their pinned image tags. */
final class LegacyVersions {

    /**
     * How the chart reads its PostgreSQL values.
     * FLAT: 2022.04.14 and older (bitnami postgresql 9.3, {@code postgresql.postgresqlUsername}, key postgresql-password);
     * NESTED: 2022.09.x ({@code postgresql.auth.*}, key postgres-password, Secret name from postgresql.existingSecret);
     * GIT: the unreleased chart (as NESTED, Secret name from postgresql.auth.existingSecret).
     */
    enum Generation { FLAT, NESTED, GIT }

    record Pin(String appVersion, String prefectVersionTag, String uiVersionTag, String hasuraTag, Generation generation) {
    }

    static final String DEFAULT_VERSION = "2022.09.23";

    private static final Map<String, Pin> PINS = Map.of(
            "2022.09.23", new Pin("2022.09.23", "1.4.0", "2022-09-14", "v2.1.1", Generation.NESTED),
            "2022.04.14", new Pin("2022.04.14", "1.2.0", "2022-02-17", "v2.0.9", Generation.FLAT),
            "0.0.0", new Pin("latest", "latest", "latest", "v2.1.1", Generation.GIT));

    private LegacyVersions() {
    }

    static Pin pin(String version) {
        Pin pin = PINS.get(version);
        if (pin == null) {
            throw new RenderException("chart.version: prefect-server-legacy version '" + version
                    + "' is not built into this Driftless; builtin: " + new TreeSet<>(PINS.keySet()));
        }
        return pin;
    }

    static boolean has(String version) {
        return PINS.containsKey(version);
    }

    /** The published versions of the list, oldest first. */
    static java.util.List<String> published() {
        return new TreeSet<>(PINS.keySet()).stream().filter(v -> !"0.0.0".equals(v)).toList();
    }
}
