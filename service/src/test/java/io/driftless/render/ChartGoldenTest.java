package io.driftless.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.driftless.config.SafeYaml;

/**
 * Golden fixtures: {@code src/test/resources/render/<chart>/<case>/values.yaml} (first line may be
 * {@code # release: NAME namespace: NS version: V}) rendered must equal {@code expected.yaml}, compared as
 * parsed objects. Regenerate deliberately with {@code -Ddriftless.golden.update=true} and review the diff.
 */
class ChartGoldenTest {

    private static final Path SOURCE = Path.of("src/test/resources/render");

    static Stream<String> cases() throws IOException, URISyntaxException {
        Path root = Path.of(ChartGoldenTest.class.getResource("/render").toURI());
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.sorted().flatMap(chart -> {
                try (Stream<Path> cases = Files.list(chart)) {
                    return cases.map(c -> chart.getFileName() + "/" + c.getFileName()).sorted().toList().stream();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rendersTheExpectedObjects(String name) throws IOException, URISyntaxException {
        Path dir = Path.of(ChartGoldenTest.class.getResource("/render/" + name).toURI());
        String values = Files.readString(dir.resolve("values.yaml"));
        Map<String, String> header = io.driftless.render.prefect.UpstreamFixtures.header(values);
        ChartRegistry charts = ChartRegistry.builtin();
        String chart = name.substring(0, name.indexOf('/'));
        Chart.Rendered rendered = charts.render(chart,
                new Chart.Release(header.getOrDefault("release", "prefect-server"),
                        header.getOrDefault("namespace", "default"),
                        header.getOrDefault("version", charts.chart(chart).defaultVersion()),
                        (namespace, secret, key) -> java.util.Optional.of("from-the-live-secret")),
                List.of(SafeYaml.parse(name + "/values.yaml", values)));
        String actual = Manifests.toYaml(rendered.objects());
        if (Boolean.getBoolean("driftless.golden.update")) {
            Files.writeString(SOURCE.resolve(name).resolve("expected.yaml"), actual);
            return;
        }
        assertThat(byIdentity(actual)).isEqualTo(byIdentity(Files.readString(dir.resolve("expected.yaml"))));
    }

    /** Objects keyed by Kind/namespace/name, so order differences do not matter but everything else does. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> byIdentity(String yaml) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Object> docs = new ArrayList<>();
        new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml).forEach(docs::add);
        for (Object doc : docs) {
            if (doc == null) {
                continue;
            }
            Map<String, Object> o = (Map<String, Object>) doc;
            Map<String, Object> md = (Map<String, Object>) o.get("metadata");
            out.put(o.get("kind") + "/" + md.get("namespace") + "/" + md.get("name"), o);
        }
        return out;
    }
}
