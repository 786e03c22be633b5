package io.driftless.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.driftless.config.ConfigException;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;

class ChartCatalogueTest {

    private static Fleet fleet(String chart) {
        return FleetLoader.parse("fleet.yaml", ("""
                sources: [{name: values, url: https://git.example.com/values.git}]
                clusters: [{name: dev, embedded: true}]
                releases:
                  - {name: ok, namespace: ok, chart: {name: prefect-server, version: 2026.8.18172642}, source: values}
                  - {name: p, namespace: p, chart: %s, source: values}
                """.formatted(chart)).getBytes(StandardCharsets.UTF_8), Path.of("/fleets"));
    }

    @Test
    void anUnknownBuiltinChartIsRefusedWhenTheFleetIsLoadedAtItsLine() {
        ChartCatalogue catalogue = ChartCatalogue.standard();
        assertThatThrownBy(() -> catalogue.requireKnownCharts(fleet("{name: prefect-servr, version: 1}")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().startsWith("fleet.yaml:5: releases[1].chart")
                        .contains("unknown chart 'prefect-servr'", "prefect-server", "prefect-server-legacy"));
        assertThat(catalogue.requireKnownCharts(fleet("{path: charts/x}")).releases()).hasSize(2);
    }

    @Test
    void aVersionTheBuiltinDoesNotReproduceIsAcceptedOnlyWithAnUpstreamRepositoryToRenderItFrom() {
        ChartCatalogue catalogue = ChartCatalogue.standard();
        Fleet withUpstream = fleet("{name: prefect-server, version: 2026.3.5205142}");
        assertThat(withUpstream.upstreamCharts()).extracting(u -> u.chart())
                .containsExactly("prefect-server", "prefect-server-legacy");
        assertThat(catalogue.requireKnownCharts(withUpstream).releases()).hasSize(2);
        Fleet without = new Fleet(withUpstream.sources(), withUpstream.clusters(), withUpstream.releases(),
                withUpstream.notifications(), withUpstream.highAvailability(), false, List.of(), List.of(), List.of());
        assertThatThrownBy(() -> catalogue.requireKnownCharts(without))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().startsWith("fleet.yaml:5: releases[1].chart").contains("2026.3.5205142",
                                "is not built into this Driftless"));
    }
}
