package io.driftless.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.driftless.api.ApiCredentials;
import io.driftless.app.DriftlessService;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.status.SyncState;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneRelease;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One commit to a release of 40 targets (40 in-memory clusters) is one message per chat channel (JSON and Slack),
 * with each cluster's outcome and a link to the release's page, not 40; a failure of all 40 is one more; Alertmanager
 * still gets one alert per failing target; a quiet fleet sends nothing.
 */
class NoticeDigestIT {

    private static final int CLUSTERS = 40;
    private static final String EXTERNAL = "https://driftless.example.com";

    @TempDir
    Path tmp;

    /** What each receiver path got, in order. */
    private final Map<String, Queue<String>> received = Map.of("/json", new ConcurrentLinkedQueue<>(), "/slack",
            new ConcurrentLinkedQueue<>(), "/alerts", new ConcurrentLinkedQueue<>());

    @Test
    void oneCommitToFortyTargetsIsOneMessagePerChannel() throws Exception {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        received.forEach((path, bodies) -> receiver.createContext(path, exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        }));
        receiver.start();
        String hooks = "http://127.0.0.1:" + receiver.getAddress().getPort();
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            git.commit("values", Map.of("values.yaml", OneRelease.EXTERNAL_DATABASE));
            String clusters = IntStream.range(0, CLUSTERS).mapToObj(i -> String.format(
                    "{name: c%02d, embedded: true, labels: {fleet: digest}}", i)).collect(Collectors.joining(", "));
            Fleet fleet = FleetLoader.parse("fleet.yaml", """
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [%s]
                    releases:
                      - {name: prefect, namespace: prefect, chart: {name: prefect-server, version: 2026.8.18172642},
                         source: values, values: [values.yaml], clusters: {matchLabels: {fleet: digest}}}
                    notifications:
                      - {name: chat, url: "%s/json", format: json, window: 2s, events: [Synced, SyncFailed]}
                      - {name: slack, url: "%s/slack", format: slack, window: 2s, events: [Synced, SyncFailed]}
                      - {name: am, url: "%s/alerts", format: alertmanager, events: [SyncFailed]}
                    """.formatted(git.url(), GitHttpServer.USER, clusters, hooks, hooks, hooks)
                    .getBytes(StandardCharsets.UTF_8), tmp);
            try (DriftlessService service = DriftlessService.start(fleet, new DriftlessService.Settings(
                    tmp.resolve("state"), "127.0.0.1", 0, 4, Map.of("PW", GitHttpServer.PASSWORD),
                    ApiCredentials.of("admin:pw"), null, io.driftless.render.helm.HelmSandbox.Limits.DEFAULT, false,
                    List.of(), EXTERNAL))) {
                await().atMost(Duration.ofSeconds(120)).until(() -> allAt(service, null));
                // the first syncs: one message per channel
                await().atMost(Duration.ofSeconds(20)).until(() -> received.get("/json").size() == 1
                        && received.get("/slack").size() == 1);
                received.values().forEach(Queue::clear);

                String second = git.commit("values", Map.of("values.yaml", OneRelease.EXTERNAL_DATABASE
                        + "server: {replicaCount: 2}\n"));
                refresh(service);
                await().atMost(Duration.ofSeconds(60)).until(() -> allAt(service, second));
                await().atMost(Duration.ofSeconds(20)).until(() -> received.get("/json").size() == 1
                        && received.get("/slack").size() == 1);
                Thread.sleep(3000); // two windows more: nothing else comes
                assertThat(received.get("/json")).hasSize(1);
                assertThat(received.get("/slack")).hasSize(1);
                JsonObject json = new JsonObject(received.get("/json").peek());
                assertThat(json.getString("type")).isEqualTo("Synced");
                assertThat(json.getString("revision")).isEqualTo(second);
                assertThat(json.getString("message")).isEqualTo("prefect at " + second.substring(0, 12)
                        + ": rolled out to 40 of 40 target(s)");
                assertThat(json.getString("link")).isEqualTo(EXTERNAL + "/ui/#/releases/prefect");
                JsonArray outcomes = json.getJsonArray("outcomes");
                assertThat(outcomes.stream().map(o -> ((JsonObject) o).getString("cluster")).sorted().toList())
                        .isEqualTo(IntStream.range(0, CLUSTERS).mapToObj(i -> String.format("c%02d", i)).toList());
                assertThat(outcomes.getJsonObject(0).getString("message")).contains("1 configured");
                assertThat(outcomes.getJsonObject(0).getString("link")).startsWith(EXTERNAL + "/ui/#/targets/c");
                JsonObject slack = new JsonObject(received.get("/slack").peek());
                JsonArray blocks = slack.getJsonArray("blocks");
                assertThat(blocks.getJsonObject(0).getJsonObject("text").getString("text"))
                        .contains("rolled out to 40 of 40", "<" + EXTERNAL + "/ui/#/releases/prefect|open in Driftless>");
                assertThat(blocks.getJsonObject(1).getJsonObject("text").getString("text"))
                        .contains("• *c00*: ", "… and 20 more");
                assertThat(blocks.getJsonObject(2).getJsonArray("elements").getJsonObject(0).getString("text"))
                        .as("the change they share, counted").contains("Deployment/prefect/prefect-server configured")
                        .contains("×40");
                assertThat(received.get("/alerts")).isEmpty();
                received.values().forEach(Queue::clear);

                // every target fails the same way: one message per chat channel, one alert per target
                String broken = git.commit("values", Map.of("values.yaml", "server: {replicaCount: [2\n"));
                refresh(service);
                await().atMost(Duration.ofSeconds(60)).until(() -> service.board().all().stream()
                        .allMatch(s -> s.syncState() == SyncState.Failed && broken.equals(s.attemptedRevision())));
                await().atMost(Duration.ofSeconds(20)).until(() -> received.get("/json").size() == 1
                        && received.get("/alerts").size() >= CLUSTERS);
                Thread.sleep(3000);
                assertThat(received.get("/json")).hasSize(1);
                assertThat(received.get("/slack")).hasSize(1);
                JsonObject failed = new JsonObject(received.get("/json").peek());
                assertThat(failed.getString("type")).isEqualTo("SyncFailed");
                assertThat(failed.getString("severity")).isEqualTo("warning");
                assertThat(failed.getJsonArray("outcomes")).hasSize(CLUSTERS);
                assertThat(failed.getJsonArray("outcomes").getJsonObject(0).getString("message"))
                        .contains("values.yaml:2");
                assertThat(received.get("/alerts").stream().map(a -> new JsonArray(a).getJsonObject(0)
                        .getJsonObject("labels").getString("cluster")).distinct().count()).isEqualTo(CLUSTERS);
                received.values().forEach(Queue::clear);

                // a quiet fleet: a poll that finds nothing new sends nothing
                refresh(service);
                Thread.sleep(4000);
                assertThat(received.get("/json")).isEmpty();
                assertThat(received.get("/slack")).isEmpty();
            }
        } finally {
            receiver.stop(0);
        }
    }

    /** Whether every target is Synced at the commit (at any commit, when null). */
    private static boolean allAt(DriftlessService service, String commit) {
        return service.board().all().size() == CLUSTERS && service.board().all().stream()
                .allMatch(s -> s.syncState() == SyncState.Synced && (commit == null || commit.equals(s.revision())));
    }

    private static void refresh(DriftlessService service) throws Exception {
        var answer = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + service.httpPort() + "/api/v1/sources/values/refresh"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).header("Content-Type", "application/json")
                .header("X-Driftless-Request", "1").header("Authorization", "Basic " + java.util.Base64.getEncoder()
                        .encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(202);
    }
}
