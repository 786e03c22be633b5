package io.driftless.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.testing.GitHttpServer;

/**
 * A real Prometheus (Debian package) scrapes a running Driftless; every metric the alert rules use must
 * then be queryable, so a renamed metric can never silently break an alert.
 */
class PrometheusScrapeIT {

    private static final Pattern METRIC = Pattern.compile("\\b(driftless_[a-z_]+|up)\\b");

    @TempDir
    Path tmp;

    @Test
    void everyMetricTheAlertRulesUseIsScraped() throws Exception {
        Set<String> used = new TreeSet<>();
        Matcher m = METRIC.matcher(Files.readString(Path.of("..", "dashboards", "alerts", "driftless.rules.yaml")));
        while (m.find()) {
            used.add(m.group(1));
        }
        assertThat(used).contains("driftless_objects_out_of_sync", "driftless_target_health", "up");

        try (GitHttpServer git = new GitHttpServer(tmp.resolve("origin"))) {
            git.commit("values", Map.of("values.yaml", "sqlite:\n  enabled: true\npostgresql:\n  enabled: false\n"));
            Fleet fleet = FleetLoader.parse("fleet.yaml", ("""
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: dev, embedded: true}]
                    releases:
                      - {name: prefect, namespace: prefect, chart: {name: prefect-server, version: 2026.8.18172642},
                         source: values, values: [values.yaml]}
                    """).formatted(git.url(), GitHttpServer.USER).getBytes(StandardCharsets.UTF_8), tmp);
            DriftlessService service = DriftlessService.start(fleet, new DriftlessService.Settings(tmp.resolve("state"),
                    "127.0.0.1", 0, 2, Map.of("PW", GitHttpServer.PASSWORD)), new ClusterConnections(fleet.clusters()));
            Process prometheus = null;
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> service.board().allAttempted());
                int port;
                try (ServerSocket s = new ServerSocket(0)) {
                    port = s.getLocalPort();
                }
                Path config = Files.writeString(tmp.resolve("prometheus.yml"), """
                        global: {scrape_interval: 1s, evaluation_interval: 1s}
                        scrape_configs:
                          - job_name: driftless
                            static_configs: [{targets: ['127.0.0.1:%d']}]
                        """.formatted(service.httpPort()));
                prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
                        "--storage.tsdb.path=" + tmp.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                        .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
                String base = "http://127.0.0.1:" + port;
                HttpClient http = HttpClient.newHttpClient();
                for (String metric : used) {
                    String query = base + "/api/v1/query?query=" + URLEncoder.encode(metric, StandardCharsets.UTF_8);
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                            .untilAsserted(() -> assertThat(http.send(HttpRequest.newBuilder(URI.create(query)).build(),
                                    HttpResponse.BodyHandlers.ofString()).body())
                                    .as(metric + " in Prometheus").contains("\"__name__\":\"" + metric + "\""));
                }
            } finally {
                if (prometheus != null) {
                    prometheus.destroy();
                    prometheus.waitFor();
                }
                service.close();
            }
        }
    }
}
