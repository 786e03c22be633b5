package io.driftless.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The alert rules are checked and unit-tested by Prometheus's own {@code promtool} (Debian package
 * {@code prometheus}, installed by {@code .ci/run}), and the PrometheusRule in deploy/ carries the same rules.
 */
public class AlertRulesTest {

    public static final Path ALERTS = Path.of("..", "dashboards", "alerts");

    private static String promtool(String... args) throws IOException, InterruptedException {
        return promtool(ALERTS, args);
    }

    /** Runs promtool in {@code dir}; asserts it succeeds and answers its output. */
    public static String promtool(Path workDir, String... args) throws IOException, InterruptedException {
        Path promtool = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
                .map(dir -> Path.of(dir, "promtool")).filter(Files::isExecutable).findFirst()
                .orElse(Path.of("/usr/bin/promtool"));
        assertThat(promtool).as("promtool is missing: install the Debian package prometheus (as .ci/run does)")
                .isExecutable();
        ProcessBuilder pb = new ProcessBuilder(promtool.toString());
        pb.command().addAll(List.of(args));
        Process p = pb.directory(workDir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void theRulesAreValidAndPassTheirUnitTests() throws Exception {
        assertThat(promtool("check", "rules", "driftless.rules.yaml")).contains("SUCCESS: 12 rules found");
        assertThat(promtool("test", "rules", "driftless.rules.test.yaml")).contains("SUCCESS");
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePrometheusRuleForTheOperatorCarriesTheSameRules() throws IOException {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        Map<String, Object> rules = yaml.load(Files.readString(ALERTS.resolve("driftless.rules.yaml")));
        Map<String, Object> resource = yaml.load(Files.readString(Path.of("..", "deploy", "monitoring",
                "prometheusrule.yaml")));
        assertThat(resource.get("kind")).isEqualTo("PrometheusRule");
        assertThat(((Map<String, Object>) resource.get("spec")).get("groups")).isEqualTo(rules.get("groups"));
    }
}
