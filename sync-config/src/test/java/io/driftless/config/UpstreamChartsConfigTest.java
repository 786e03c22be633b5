package io.driftless.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Where the builtin charts' other versions come from: Prefect's repositories unless the fleet names others. */
class UpstreamChartsConfigTest {

    private static final String RELEASES = """
            sources: [{name: values, url: https://git.example.com/values.git}]
            clusters: [{name: prod, inCluster: true}]
            releases:
              - {name: p, namespace: p, source: values, chart: {name: prefect-server, version: 2026.3.5205142},
                 syncPolicy: {verifyBuiltin: true}}
            """;

    private static Fleet load(String yaml, FleetTrust trust) {
        return FleetLoader.parse("fleet.yaml", yaml.getBytes(StandardCharsets.UTF_8), Path.of("/etc/driftless"), trust);
    }

    @Test
    void prefectsRepositoriesAreTheDefaultsAndAFleetReplacesOneOfThem() {
        assertThat(load(RELEASES, FleetTrust.OPERATOR).upstreamCharts()).isEqualTo(UpstreamChart.DEFAULTS);
        Fleet mirrored = load(RELEASES + """
                upstreamCharts:
                  - {chart: prefect-server, repository: "https://charts.example.com/prefect/",
                     auth: {username: bot, passwordEnv: MIRROR_TOKEN}}
                """, FleetTrust.OPERATOR);
        assertThat(mirrored.upstreamCharts()).hasSize(2);
        UpstreamChart modern = mirrored.upstreamCharts().get(0);
        assertThat(modern.chart()).isEqualTo("prefect-server");
        assertThat(modern.version("2026.3.5205142")).satisfies(ref -> {
            assertThat(ref.repository()).isEqualTo("https://charts.example.com/prefect");
            assertThat(ref.name()).isEqualTo("prefect-server");
            assertThat(ref.version()).isEqualTo("2026.3.5205142");
            assertThat(ref.auth().passwordEnv()).isEqualTo("MIRROR_TOKEN");
        });
        assertThat(mirrored.upstreamCharts().get(1).source().repository()).isEqualTo("https://prefecthq.github.io/server");
        assertThat(mirrored.upstreamCharts().get(1).source().name()).as("the legacy chart's name upstream")
                .isEqualTo("prefect-server");
        assertThat(mirrored.releases().get(0).syncPolicy().verifyBuiltin()).isTrue();
    }

    @Test
    void eachMistakeIsAProblemAtItsLine() {
        assertThatThrownBy(() -> load(RELEASES + """
                upstreamCharts:
                  - {chart: prefect-server, repository: "ftp://charts.example.com"}
                  - {chart: prefect-server, repository: "https://bot:pw@charts.example.com", name: "a b"}
                  - {repository: "https://charts.example.com"}
                """, FleetTrust.OPERATOR)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                .extracting(Problem::toString).anySatisfy(p -> assertThat(p).startsWith("fleet.yaml:7: upstreamCharts[0]"
                        + ".repository").contains("must be an https://"))
                .anySatisfy(p -> assertThat(p).startsWith("fleet.yaml:8: upstreamCharts[1].repository")
                        .contains("carries credentials"))
                .anySatisfy(p -> assertThat(p).contains("upstreamCharts[1].name").contains("is not a chart name"))
                .anySatisfy(p -> assertThat(p).contains("upstreamCharts[2].chart"))
                .anySatisfy(p -> assertThat(p).contains("upstreamCharts").contains("prefect-server")
                        .containsIgnoringCase("duplicate")));
    }

    @Test
    void aFleetFromGitNamesOnlyAllowListedCredentials() {
        assertThatThrownBy(() -> load(RELEASES + """
                upstreamCharts:
                  - {chart: prefect-server, repository: "https://charts.example.com", auth: {username: bot,
                     passwordEnv: DRIFTLESS_API_AUTH}}
                """, FleetTrust.git(List.of("CHARTS_"), null, null, null)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .asString().contains("upstreamCharts[0].auth", "DRIFTLESS_API_AUTH"));
    }
}
