package io.driftless.render.prefect;

import java.util.Map;

import io.driftless.render.RenderException;

/** Published prefect-server chart versions Driftless reproduces, with their app version and image tag. */
final class PrefectVersions {

    record Pin(String appVersion, String prefectTag) {
    }

    static final String DEFAULT_VERSION = "2026.8.18172642";

    private static final Map<String, Pin> PINS = Map.of(
            "2026.8.18172642", new Pin("3.8.3", "3.8.3-python3.11"),
            // the unreleased chart straight from git
            "0.0.0", new Pin("3-latest", "3-latest"));

    private PrefectVersions() {
    }

    static Pin pin(String version) {
        Pin pin = PINS.get(version);
        if (pin == null) {
            throw new RenderException("chart.version: prefect-server version '" + version
                    + "' is not known to this Driftless; known: " + new java.util.TreeSet<>(PINS.keySet()));
        }
        return pin;
    }
}
