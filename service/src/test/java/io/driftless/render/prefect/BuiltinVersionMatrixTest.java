package io.driftless.render.prefect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.driftless.config.SafeYaml;
import io.driftless.render.Chart;
import io.driftless.render.ChartRegistry;
import io.driftless.render.NotReproduced;
import io.driftless.render.RenderComparison;

/**
 * The version matrix: for every published version in the builtin list, the builtin chart renders every values case
 * object for object as real Helm rendered the published package ({@code src/test/resources/upstream}, made by
 * {@link UpstreamFixtures}); a version whose bundled Redis is another subchart than the one the builtin reproduces
 * refuses that case (Helm renders it, {@code UpstreamCharts}).
 */
class BuiltinVersionMatrixTest {

    /**
     * Where the builtin deliberately renders what Helm gets wrong, by case: upstream passes
     * {@code server.extraArgs: [--keep-alive-timeout, 30]} through as the number 30, which the API server refuses in
     * a container's args (strings); the builtin writes "30".
     */
    private static final Map<String, List<String>> FIXED = Map.of("overrides-and-templates", List.of(
            "Deployment prefect-system/analytics-prefect-server: spec.template.spec.containers[0].args[6] differs"));

    private static Path root() throws URISyntaxException {
        return Path.of(BuiltinVersionMatrixTest.class.getResource("/upstream/prefect-server").toURI());
    }

    static Stream<String> cells() throws IOException, URISyntaxException {
        return PrefectVersions.published().stream().flatMap(v -> {
            try (Stream<Path> files = Files.list(root().resolve(v))) {
                return files.map(f -> v + "/" + caseOf(f)).sorted().toList().stream();
            } catch (IOException | URISyntaxException e) {
                throw new IllegalStateException(v + " has no fixtures", e);
            }
        });
    }

    private static String caseOf(Path fixture) {
        return fixture.getFileName().toString().replaceFirst("\\.(yaml|refused)$", "");
    }

    @Test
    void everyBuiltinVersionHasEveryCaseFromHelm() throws IOException, URISyntaxException {
        assertThat(PrefectVersions.published()).hasSizeGreaterThan(1).contains(PrefectVersions.DEFAULT_VERSION);
        for (String v : PrefectVersions.published()) {
            try (Stream<Path> files = Files.list(root().resolve(v))) {
                assertThat(files.map(BuiltinVersionMatrixTest::caseOf))
                        .as(v).containsExactlyInAnyOrderElementsOf(UpstreamFixtures.cases(Path.of(
                                getClass().getResource("/render/prefect-server").toURI())).keySet());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void theBuiltinRendersWhatHelmRendered(String cell) throws IOException, URISyntaxException {
        String version = cell.substring(0, cell.indexOf('/'));
        String name = cell.substring(cell.indexOf('/') + 1);
        String values = Files.readString(Path.of(getClass().getResource("/render/prefect-server/" + name
                + "/values.yaml").toURI()));
        Map<String, String> header = UpstreamFixtures.header(values);
        Chart.Release release = new Chart.Release(header.get("release"), header.get("namespace"), version,
                RenderComparison.GENERATED, UpstreamFixtures.CLUSTER);
        List<SafeYaml.Document> layers = List.of(SafeYaml.parse(name + "/values.yaml", values));
        if (!PrefectVersions.pin(version).reproducesBundledRedis() && name.equals("background-services-bundled-redis")) {
            // that version's bundled Redis is another subchart: the builtin refuses, and Helm renders it
            assertThatThrownBy(() -> ChartRegistry.builtin().render("prefect-server", release, layers))
                    .isInstanceOf(NotReproduced.class).hasMessageContaining("bundles bitnami redis 22.0.4");
            return;
        }
        Path refused = root().resolve(cell + ".refused");
        if (Files.exists(refused)) { // Helm refused these values for this version: so does the builtin
            java.util.regex.Matcher key = java.util.regex.Pattern.compile("at '/([^']*)': additional properties "
                    + "'([^']*)' not allowed").matcher(Files.readString(refused));
            assertThat(key.find()).as("Helm's refusal names a key the version's schema does not know").isTrue();
            assertThatThrownBy(() -> ChartRegistry.builtin().render("prefect-server", release, layers))
                    .isInstanceOf(io.driftless.render.RenderException.class)
                    .hasMessageContaining(key.group(1).replace('/', '.') + "." + key.group(2));
            return;
        }
        Chart.Rendered builtin = ChartRegistry.builtin().render("prefect-server", release, layers);
        List<Map<String, Object>> helm = SafeYaml.parseAll(cell, Files.readString(root().resolve(cell + ".yaml")),
                Integer.MAX_VALUE).stream().map(SafeYaml.Document::asMap).toList();
        assertThat(RenderComparison.differences(builtin.objects(), helm))
                .isEqualTo(FIXED.getOrDefault(name, List.of()));
    }
}
