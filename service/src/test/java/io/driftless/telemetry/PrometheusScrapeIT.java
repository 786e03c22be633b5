package io.driftless.telemetry;

import io.driftless.status.SyncState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.driftless.app.DriftlessService;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.fleet.FleetVerticle;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.Kubeconfigs;
import io.driftless.testing.PrefectChartRepository;
import io.driftless.testing.PromQueries;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * End to end: Driftless with several targets on three clusters (one of them unreachable), a real Git server,
 * a webhook receiver for notifications and a real Prometheus (Debian package) scraping it. After a sync, a
 * drift, failures and a webhook, every PromQL expression of the Grafana dashboards must return data, every
 * series the alert rules select must exist, and the alerts this scenario should raise must evaluate true:
 * a renamed metric or label can never silently break a panel or an alert.
 */
class PrometheusScrapeIT {

    private static final String HOOK_SECRET = "hook-secret-1";
    /** Alerts whose condition this scenario creates: their whole expression must return data. */
    private static final List<String> EXPECTED_ALERTS = List.of("DriftlessDriftPresent", "DriftlessSyncFailing",
            "DriftlessSourceStale", "DriftlessClusterUnreachable");

    @TempDir
    Path tmp;

    @Test
    void everyDashboardPanelAndAlertRuleFindsItsMetrics() throws Exception {
        int closedPort = freePort();
        Kubeconfigs.write(tmp.resolve("lost.kubeconfig"), "https://127.0.0.1:" + closedPort);
        Queue<String> notices = new ConcurrentLinkedQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            notices.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        Process prometheus = null;
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("origin"));
             PrefectChartRepository upstream = new PrefectChartRepository()) {
            git.commit("values", Map.of("values.yaml", "sqlite:\n  enabled: true\npostgresql:\n  enabled: false\n",
                    "broken.yaml", "server:\n  replicaCount: [1\n"));
            Fleet fleet = FleetLoader.parse("fleet.yaml", ("""
                    sources:
                      - {name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW},
                         webhook: {secretEnv: HOOK}}
                      - {name: gone, url: "http://127.0.0.1:%d/nothing.git", pollInterval: 1h}
                    clusters:
                      - {name: dev, embedded: true}
                      - {name: prod, embedded: true}
                      - {name: lost, kubeconfig: lost.kubeconfig}
                    upstreamCharts: [{chart: prefect-server, repository: "%s"}]
                    releases:
                      - {name: prefect, namespace: prefect, chart: {name: prefect-server, version: 2026.8.18172642},
                         source: values, values: [values.yaml], syncPolicy: {verifyBuiltin: true}}
                      - {name: broken, namespace: broken, chart: {name: prefect-server, version: 2026.8.18172642},
                         source: values, values: [broken.yaml], clusters: {names: [dev]}}
                      - {name: gated, namespace: gated, chart: {name: prefect-server, version: 2026.8.18172642},
                         source: values, values: [values.yaml], clusters: {names: [dev]},
                         dependsOn: [{release: broken}]}
                      - {name: stale, namespace: stale, chart: {name: prefect-server, version: 2026.8.18172642},
                         source: gone, values: [values.yaml], clusters: {names: [prod]}}
                    notifications:
                      - {name: receiver, url: "http://127.0.0.1:%d/hook", format: json}
                    """).formatted(git.url(), GitHttpServer.USER, closedPort, upstream.url(),
                            receiver.getAddress().getPort())
                    .getBytes(StandardCharsets.UTF_8), tmp);
            DriftlessService service = DriftlessService.start(fleet, new DriftlessService.Settings(tmp.resolve("state"),
                    "127.0.0.1", 0, 4, Map.of("PW", GitHttpServer.PASSWORD, "HOOK", HOOK_SECRET)),
                    new ClusterConnections(fleet.clusters()));
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> service.board().allAttempted());
                assertThat(service.board().get("dev/prefect").syncState()).as("an unreachable cluster stops no other")
                        .isEqualTo(SyncState.Synced);
                assertThat(service.board().get("prod/prefect").syncState()).isEqualTo(SyncState.Synced);
                assertThat(service.board().get("lost/prefect").lastError()).startsWith("cluster lost: ");
                assertThat(service.board().get("dev/broken").lastError()).startsWith("broken.yaml:3: invalid YAML");
                assertThat(service.board().get("dev/gated").summary()).as("held by the release it depends on")
                        .endsWith("waits: waiting for dev/broken (not at its newest commit)");
                service.vertx().eventBus().request(FleetVerticle.SYNC, new JsonObject().put("target", "lost/prefect"))
                        .await();
                assertThat(service.board().get("lost/prefect").lastError()).as("while backing off, a sync of the "
                        + "unreachable cluster fails at once").contains("unreachable since", "retried with backoff");

                int port = freePort();
                Path config = Files.writeString(tmp.resolve("prometheus.yml"), """
                        global: {scrape_interval: 1s, evaluation_interval: 1s}
                        scrape_configs:
                          - job_name: driftless
                            static_configs: [{targets: ['127.0.0.1:%d']}]
                        """.formatted(service.httpPort()));
                prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
                        "--storage.tsdb.path=" + tmp.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                        .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
                PromQueries prom = new PromQueries("http://127.0.0.1:" + port);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                        .until(() -> prom.hasData("driftless_sync_total"));

                // a drift, a push webhook that fetches at once (finding the drift and failing again), a failed fetch
                KubernetesClient dev = service.clusters().client("dev");
                Deployment server = dev.apps().deployments().inNamespace("prefect").list().getItems().get(0);
                dev.apps().deployments().inNamespace("prefect").withName(server.getMetadata().getName())
                        .edit(d -> {
                            d.getSpec().setReplicas(3);
                            return d;
                        });
                assertThat(postWebhook(service, "values", "{}")).isEqualTo(202);
                service.refresh("gone");
                await().atMost(Duration.ofSeconds(30)).until(() -> service.board().get("dev/prefect").outOfSync() == 1);
                await().atMost(Duration.ofSeconds(30)).until(() -> notices.stream()
                        .anyMatch(n -> new JsonObject(n).getString("type").equals("DriftDetected")));
                JsonArray reachability = new JsonArray(clusters(service));
                assertThat(reachability.getJsonObject(0).getString("cluster")).isEqualTo("dev");
                assertThat(reachability.getJsonObject(0).getBoolean("reachable")).isTrue();
                assertThat(reachability.getJsonObject(2).getBoolean("reachable")).as("lost").isFalse();
                assertThat(reachability.getJsonObject(2).getString("lastError")).isNotBlank();

                Map<String, String> expressions = new LinkedHashMap<>(PromQueries.dashboardExpressions(
                        Path.of("..", "dashboards")));
                assertThat(expressions).as("the dashboards' queries").hasSizeGreaterThan(20);
                Map<String, String> rules = PromQueries.alertExpressions(
                        Path.of("..", "dashboards", "alerts", "driftless.rules.yaml"));
                rules.forEach((alert, expr) -> PromQueries.selectors(expr)
                        .forEach(selector -> expressions.put(alert + " selects " + selector, selector)));
                EXPECTED_ALERTS.forEach(alert -> expressions.put(alert + " fires", rules.get(alert)));
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                        assertThat(prom.withoutData(expressions)).as("expressions that return no data").isEmpty());
            } finally {
                service.close();
            }
        } finally {
            if (prometheus != null) {
                prometheus.destroy();
                prometheus.waitFor();
            }
            receiver.stop(0);
        }
    }

    private static int postWebhook(DriftlessService service, String source, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort()
                        + "/api/v1/webhooks/" + source))
                .header("X-Driftless-Signature", "sha256=" + hmacHex(body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String hmacHex(String body) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(HOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String clusters(DriftlessService service) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + service.httpPort() + "/api/v1/clusters")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
