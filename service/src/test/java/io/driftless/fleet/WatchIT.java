package io.driftless.fleet;

import io.driftless.status.TargetStatus;
import io.driftless.status.SyncState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.testing.GitHttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Three clusters watched with informers, sources polled only hourly: a hand edit of a live object is seen
 * without any poll, healed where selfHeal is on and only reported where it is off, and a poll cycle that
 * finds nothing changed makes no API call at all.
 */
class WatchIT {

    private static final Pattern REQUESTS = Pattern.compile(
            "driftless_kubernetes_requests_total\\{cluster=\"(\\w+)\",code=\"\\w+\",verb=\"\\w+\"} ([0-9.]+)");

    @TempDir
    Path tmp;
    private GitHttpServer git;
    private DriftlessService service;

    @BeforeEach
    void start() throws Exception {
        git = new GitHttpServer(tmp.resolve("origin"));
        git.commit("values", Map.of("values.yaml", "sqlite:\n  enabled: true\npostgresql:\n  enabled: false\n"));
        Fleet fleet = FleetLoader.parse("fleet.yaml", ("""
                sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW},
                           webhook: {secretEnv: HOOK}}]
                clusters:
                  - {name: a, embedded: true, labels: {heal: "yes"}}
                  - {name: b, embedded: true, labels: {heal: "yes"}}
                  - {name: c, embedded: true, labels: {heal: "no"}}
                releases:
                  - {name: healed, namespace: prefect, chart: {name: prefect-server, version: 2026.8.18172642},
                     source: values, values: [values.yaml], clusters: {matchLabels: {heal: "yes"}},
                     syncPolicy: {selfHeal: true}}
                  - {name: reported, namespace: prefect, chart: {name: prefect-server, version: 2026.8.18172642},
                     source: values, values: [values.yaml], clusters: {matchLabels: {heal: "no"}}}
                """).formatted(git.url(), GitHttpServer.USER).getBytes(StandardCharsets.UTF_8), tmp);
        service = DriftlessService.start(fleet, new DriftlessService.Settings(tmp.resolve("state"), "127.0.0.1", 0, 4,
                Map.of("PW", GitHttpServer.PASSWORD, "HOOK", "push-secret")), new ClusterConnections(fleet.clusters()));
        await().atMost(Duration.ofSeconds(30)).until(() -> service.board().allAttempted());
        for (String target : new String[] {"a/healed", "b/healed", "c/reported"}) {
            await().atMost(Duration.ofSeconds(10)).until(() -> service.clusters().watches()
                    .covers(target.split("/")[0], target.split("/")[1]));
        }
    }

    @AfterEach
    void stop() throws Exception {
        service.close();
        git.close();
    }

    private static String server(KubernetesClient client) {
        return client.apps().deployments().inNamespace("prefect").list().getItems().get(0).getMetadata().getName();
    }

    private static void scale(KubernetesClient client, String name, int replicas) {
        client.apps().deployments().inNamespace("prefect").withName(name).edit(d -> {
            d.getSpec().setReplicas(replicas);
            return d;
        });
    }

    private static int replicas(KubernetesClient client, String name) {
        return client.apps().deployments().inNamespace("prefect").withName(name).get().getSpec().getReplicas();
    }

    @Test
    void aHandEditIsHealedWhereSelfHealIsOnAndReportedWhereItIsOffWithoutAPoll() {
        KubernetesClient b = service.clusters().client("b");
        KubernetesClient c = service.clusters().client("c");
        String healed = server(b);
        String reported = server(c);
        scale(b, healed, 4);
        scale(c, reported, 5);

        await().atMost(Duration.ofSeconds(10)).until(() -> replicas(b, healed) == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> service.board().get("c/reported").outOfSync() == 1);
        assertThat(service.board().get("c/reported").driftLines()).singleElement().asString()
                .startsWith("Deployment/prefect/" + reported + " /spec/replicas: live 5, desired 1");
        assertThat(replicas(c, reported)).as("selfHeal off: reported, not changed").isEqualTo(5);
        assertThat(service.board().get("b/healed").syncState()).isEqualTo(SyncState.Synced);
        assertThat(service.board().get("b/healed").history()).extracting(TargetStatus.SyncRecord::syncState)
                .startsWith(SyncState.Synced, SyncState.OutOfSync);
        assertThat(service.metrics().scrape())
                .contains("driftless_drift_events_total{cluster=\"b\",kind=\"Deployment\",release=\"healed\"} 1.0")
                .contains("driftless_drift_events_total{cluster=\"c\",kind=\"Deployment\",release=\"reported\"} 1.0");
        assertThat(service.board().get("a/healed").outOfSync()).as("the other clusters are untouched").isZero();
    }

    @Test
    void aPollThatFindsNothingChangedMakesNoApiCall() {
        // let the echoes of the first syncs' own writes (compared once each) die down
        Object[] last = {null};
        await().pollInterval(Duration.ofMillis(700)).atMost(Duration.ofSeconds(15)).until(() -> {
            Map<String, Double> now = requests();
            boolean settled = now.equals(last[0]);
            last[0] = now;
            return settled;
        });
        Map<String, Double> before = requests();
        TargetStatus quiet = service.board().get("c/reported");
        service.refresh("values");
        await().atMost(Duration.ofSeconds(10)).until(() -> service.metrics().scrape()
                .contains("driftless_source_fetch_total{result=\"success\",source=\"values\"} 2.0"));
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> service.board().get("c/reported") == quiet);
        assertThat(requests()).as("no request to any cluster").isEqualTo(before);
    }

    @Test
    void aPushIsAppliedOnEverySelectedCluster() throws Exception {
        String pushed = git.commit("more logging", Map.of("values.yaml",
                "sqlite:\n  enabled: true\npostgresql:\n  enabled: false\nserver:\n  loggingLevel: DEBUG\n"));
        String body = "{\"ref\":\"refs/heads/main\"}";
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("push-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + service.httpPort()
                                + "/api/v1/webhooks/values"))
                        .header("X-Driftless-Signature", "sha256=" + java.util.HexFormat.of().formatHex(
                                mac.doFinal(body.getBytes(StandardCharsets.UTF_8))))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(202);
        for (String target : new String[] {"a/healed", "b/healed", "c/reported"}) {
            await().atMost(Duration.ofSeconds(20)).until(() -> pushed.equals(service.board().get(target).revision()));
            assertThat(service.board().get(target).syncState()).isEqualTo(SyncState.Synced);
        }
    }

    private Map<String, Double> requests() {
        Map<String, Double> out = new java.util.TreeMap<>();
        Matcher m = REQUESTS.matcher(service.metrics().scrape());
        while (m.find()) {
            out.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
        }
        return out;
    }
}
