package io.driftless.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.demo.LocalControlPlanes;
import io.driftless.fleet.FleetVerticle;
import io.driftless.fleet.Shards;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.RealCluster;
import io.driftless.testing.TestCharts;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vertx.core.json.JsonObject;

/**
 * Progressive delivery on two real control planes, where controllers and kwok's kubelets decide health, run by two
 * replicas that share the fleet's shards through Leases: a release waits for the one it depends on until that one
 * is Healthy; a replica stopped mid-rollout leaves the rest of the rollout to the other; a rollback pins one target
 * and heals it to the old commit while the other releases keep syncing; a deny window defers a commit that is
 * applied within seconds of the window's end.
 */
class RealDeliveryIT {

    private static final List<String> CLUSTERS = List.of("one", "two");

    @TempDir
    Path tmp;

    private static String web(String version, boolean crash) {
        return TestCharts.webDeployment("{version: \"" + version + "\", driftless.io/kwok-crash: \"" + crash + "\"}");
    }

    private static String configMap(String version) {
        return io.driftless.testing.TestCharts.configMap("other", version);
    }

    @Test
    void dependenciesRolloutsAcrossAReplicaStopRollbacksAndDenyWindowsOnRealClusters() throws Exception {
        Path bin = RealCluster.Extension.build().resolve("bin");
        try (LocalControlPlanes planes = LocalControlPlanes.start(bin, tmp.resolve("planes"), CLUSTERS, List.of(),
                new PrintStream(OutputStream.nullOutputStream()));
             GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            if (now.getSecond() > 30) { // a window of the current minute: leave time for the replicas to start in it
                Thread.sleep((61 - now.getSecond()) * 1000L);
                now = ZonedDateTime.now(ZoneOffset.UTC);
            }
            Instant windowEnds = now.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1).toInstant();
            String v1 = git.commit("v1: the database crashes", Map.of("db/db.yaml", web("1", true),
                    "app/app.yaml", web("1", false), "other/other.yaml", configMap("1")));
            StringBuilder clusters = new StringBuilder();
            for (String c : CLUSTERS) {
                clusters.append("  - {name: ").append(c).append(", kubeconfig: ").append(planes.adminKubeconfig(c))
                        .append(", labels: {wave: ").append(c).append("}}\n");
            }
            Fleet fleet = FleetLoader.parse("fleet.yaml", ("""
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    highAvailability: {cluster: one, namespace: driftless, shards: 4, leaseDuration: 3s}
                    clusters:
                    """.formatted(git.url(), GitHttpServer.USER) + clusters + """
                    releases:
                      - {name: db, namespace: db, chart: {manifests: db}, source: values}
                      - name: app
                        namespace: app
                        chart: {manifests: app}
                        source: values
                        syncPolicy: {selfHeal: true}
                        dependsOn: [{release: db}]
                        rollout:
                          waves:
                            - {name: first, clusters: {matchLabels: {wave: one}}}
                            - {name: second, clusters: {matchLabels: {wave: two}}}
                          healthyFor: 5s
                      - {name: other, namespace: other, chart: {manifests: other}, source: values}
                    syncWindows:
                      - {kind: deny, schedule: "%d %d * * *", duration: 1m, releases: [other], clusters: {matchLabels: {wave: two}}}
                    """.formatted(now.getMinute(), now.getHour())).getBytes(StandardCharsets.UTF_8), tmp);
            DriftlessService a = replica(fleet, "a");
            DriftlessService b = replica(fleet, "b");
            DriftlessService stopped = null;
            try {
                // the window holds other on cluster two; the Degraded database holds app everywhere
                TargetStatus deferred = await().atMost(Duration.ofSeconds(60)).until(() -> status(a, "two/other"),
                        s -> s.syncState() == SyncState.Waiting);
                assertThat(deferred.summary()).isEqualTo("commit " + v1.substring(0, 12) + " waits: in a deny "
                        + "window until " + windowEnds);
                TargetStatus blocked = await().atMost(Duration.ofSeconds(120)).until(() -> status(a, "one/app"),
                        s -> s.syncState() == SyncState.Waiting && s.summary().contains("Degraded"));
                assertThat(blocked.summary()).isEqualTo("commit " + v1.substring(0, 12) + " waits: waiting for "
                        + "one/db (Degraded)");
                try (KubernetesClient one = client(planes, "one")) {
                    assertThat(one.apps().deployments().inNamespace("app").withName("web").get())
                            .as("nothing of app is applied before its dependency is Healthy").isNull();
                }

                // the window ends: other is applied on two within seconds, without a poll
                TargetStatus applied = await().atMost(Duration.ofSeconds(90)).until(() -> status(a, "two/other"),
                        s -> s.syncState() == SyncState.Synced);
                assertThat(applied.lastSuccess()).isAfterOrEqualTo(windowEnds).isBefore(windowEnds.plusSeconds(10));

                // the database is fixed: app follows, wave by wave
                String v2 = git.commit("v2: the database is fixed", Map.of("db/db.yaml", web("2", false)));
                refresh(a, b);
                awaitEverywhere(a, "app", v2);
                assertThat(status(a, "two/app").lastSuccess()).as("the second wave after the first stayed Healthy")
                        .isAfter(status(a, "one/app").lastSuccess().plusSeconds(5));

                // a new commit; once the first wave has it, the replica holding two/app stops: the other one
                // takes its shard over and finishes the same rollout
                String v3 = git.commit("v3", Map.of("app/app.yaml", web("3", false)));
                refresh(a, b);
                await().atMost(Duration.ofSeconds(90)).until(() -> v3.equals(status(a, "one/app").revision()));
                DriftlessService holder = holds(a, "two/app") ? a : b;
                DriftlessService survivor = holder == a ? b : a;
                assertThat(status(survivor, "two/app").revision()).as("not reached yet").isEqualTo(v2);
                holder.close();
                stopped = holder;
                awaitEverywhere(survivor, "app", v3);
                assertThat(holds(survivor, "two/app")).isTrue();

                // a rollback of two/app to v2: it is synced and healed to v2 while the rest keeps syncing
                JsonObject pinned = new JsonObject().put("target", "two/app").put("revision", v2.substring(0, 10));
                survivor.vertx().eventBus().request(FleetVerticle.PIN, pinned).toCompletionStage()
                        .toCompletableFuture().get(30, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(60)).until(() -> status(survivor, "two/app"),
                        s -> v2.equals(s.revision()) && s.syncState() == SyncState.Synced);
                try (KubernetesClient two = client(planes, "two")) {
                    // v2 changed only the database: app's Deployment is back at version 1
                    await().atMost(Duration.ofSeconds(30)).until(() -> "1".equals(version(two)));
                    // a merge patch (no resourceVersion): the controllers' status updates cannot conflict with it
                    two.apps().deployments().inNamespace("app").withName("web").patch(
                            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                    io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                            "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"version\":\"drifted\"}}}}}");
                    await().atMost(Duration.ofSeconds(30)).until(() -> "1".equals(version(two)));
                }
                try (KubernetesClient one = client(planes, "one")) { // the Leases' cluster
                    assertThat(one.configMaps().inNamespace("driftless").withName("driftless-pins").get().getData()
                            .get("entries")).as("the pin is kept in the cluster").contains("two/app", v2);
                }
                String v4 = git.commit("v4", Map.of("other/other.yaml", configMap("4"),
                        "app/app.yaml", web("4", false)));
                refresh(survivor);
                await().atMost(Duration.ofSeconds(90)).until(() -> v4.equals(status(survivor, "one/app").revision())
                        && v4.equals(status(survivor, "one/other").revision())
                        && v4.equals(status(survivor, "two/other").revision()));
                assertThat(status(survivor, "two/app").revision()).as("pinned").isEqualTo(v2);
            } finally {
                for (DriftlessService replica : List.of(a, b)) {
                    if (replica != stopped) {
                        replica.close();
                    }
                }
            }
        }
    }

    private DriftlessService replica(Fleet fleet, String name) {
        return DriftlessService.start(fleet, new DriftlessService.Settings(tmp.resolve("state-" + name), "127.0.0.1",
                0, 2, Map.of("PW", GitHttpServer.PASSWORD, "DRIFTLESS_IDENTITY", name)),
                new ClusterConnections(fleet.clusters()));
    }

    /** The status of a target as a replica shows it (its own, or the one another replica shares). */
    private static TargetStatus status(DriftlessService replica, String target) {
        return replica.board().get(target);
    }

    private static boolean holds(DriftlessService replica, String target) throws Exception {
        int shard = Shards.of(target, 4);
        JsonObject shards = new JsonObject(java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + replica.httpPort()
                        + "/api/v1/shards")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
        return shards.getJsonArray("shards").stream().map(JsonObject.class::cast)
                .anyMatch(h -> h.getInteger("shard") == shard && h.getBoolean("mine"));
    }

    private static void refresh(DriftlessService... replicas) {
        for (DriftlessService replica : replicas) {
            replica.refresh("values");
        }
    }

    private static void awaitEverywhere(DriftlessService replica, String release, String commit) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() -> CLUSTERS.stream()
                .map(c -> status(replica, c + "/" + release)).allMatch(s -> commit.equals(s.revision())
                        && s.syncState() == SyncState.Synced && "Healthy".equals(s.health())));
    }

    private static String version(KubernetesClient client) {
        Deployment d = client.apps().deployments().inNamespace("app").withName("web").get();
        return d == null ? null : d.getSpec().getTemplate().getMetadata().getAnnotations().get("version");
    }

    private static KubernetesClient client(LocalControlPlanes planes, String cluster) throws Exception {
        return new KubernetesClientBuilder().withConfig(io.fabric8.kubernetes.client.Config.fromKubeconfig(
                java.nio.file.Files.readString(planes.adminKubeconfig(cluster)))).build();
    }
}
