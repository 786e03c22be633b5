package io.driftless.fleet;

import io.driftless.status.SyncState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.Kubeconfigs;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.json.JsonObject;

/**
 * Two replicas share one fleet through Leases on a (mock) API server: each target is synced by exactly one
 * of them, and when that one stops, the other takes its shards over and syncs its targets.
 */
class HighAvailabilityIT {

    /**
     * How long the replica left takes over the shards of one that stopped: its lease rounds, plus the in-memory API
     * server's (fabric8's mock) stall of up to 30 s when it writes a watch event to a connection the stopped replica
     * cut ("VertxMockWebSocket write did not complete within 30s"), during which it answers nobody. A real API
     * server has no such stall.
     */
    private static final Duration TAKE_OVER = Duration.ofSeconds(45);

    private static final List<String> TARGETS = List.of("shared/one", "shared/two", "shared/three", "shared/four");
    private static final String ADMIN = "the-admin-token";

    @TempDir
    Path tmp;
    private KubernetesMockServer api;
    private GitHttpServer git;
    private Fleet fleet;

    @BeforeEach
    void start() throws Exception {
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        Kubeconfigs.write(tmp.resolve("shared.yaml"), api.createClient().getMasterUrl().toString());
        git = new GitHttpServer(tmp.resolve("origin"));
        git.commit("values", Map.of("values.yaml", "sqlite:\n  enabled: true\npostgresql:\n  enabled: false\n"));
        StringBuilder releases = new StringBuilder();
        for (String target : TARGETS) {
            String name = target.split("/")[1];
            releases.append("  - {name: ").append(name).append(", namespace: ").append(name)
                    .append(", chart: {name: prefect-server, version: 2026.8.18172642}, source: values, values: "
                            + "[values.yaml]}\n");
        }
        fleet = FleetLoader.parse("fleet.yaml", ("""
                sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                clusters: [{name: shared, kubeconfig: shared.yaml}]
                highAvailability: {cluster: shared, namespace: driftless, shards: 4, leaseDuration: 2s}
                releases:
                """.formatted(git.url(), GitHttpServer.USER) + releases).getBytes(StandardCharsets.UTF_8), tmp);
    }

    @AfterEach
    void stop() throws Exception {
        git.close();
        api.destroy();
    }

    private DriftlessService replica(String name) {
        return DriftlessService.start(fleet, new DriftlessService.Settings(tmp.resolve("state-" + name), "127.0.0.1", 0,
                2, Map.of("PW", GitHttpServer.PASSWORD, "DRIFTLESS_IDENTITY", name, "DRIFTLESS_API_AUTH", ADMIN)),
                new ClusterConnections(fleet.clusters()));
    }

    private static boolean synced(DriftlessService replica, String target) {
        return replica.board().get(target).syncState() == SyncState.Synced;
    }

    private static JsonObject shards(DriftlessService replica) throws Exception {
        return new JsonObject(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + replica.httpPort() + "/api/v1/shards")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private static int readyz(DriftlessService replica) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + replica.httpPort() + "/readyz")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static long held(DriftlessService replica) throws Exception {
        return shards(replica).getJsonArray("shards").stream().filter(h -> ((JsonObject) h).getBoolean("mine")).count();
    }

    /** Whether the replica ever created the release's objects (each release is written by one replica only). */
    private static boolean created(DriftlessService replica, String release) {
        return replica.metrics().scrape().lines().anyMatch(l -> l.startsWith("driftless_apply_actions_total{")
                && l.contains("action=\"created\"") && l.contains("release=\"" + release + "\""));
    }

    @Test
    void theReplicasShareTheShardsEachTargetIsWrittenByOneAndTheOtherTakesOverWhenOneStops() throws Exception {
        DriftlessService first = replica("first");
        DriftlessService second = null;
        boolean firstStopped = false;
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> TARGETS.stream().allMatch(t -> synced(first, t)));
            DriftlessService other = replica("second");
            second = other;
            await().atMost(Duration.ofSeconds(30)).until(() -> held(first) == 2 && held(other) == 2);
            JsonObject view = shards(other);
            assertThat(view.getString("identity")).startsWith("second-");
            for (Object h : view.getJsonArray("shards")) {
                JsonObject holding = (JsonObject) h;
                assertThat(holding.getString("holder")).as("shard " + holding.getInteger("shard"))
                        .startsWith(holding.getBoolean("mine") ? "second-" : "first-");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> TARGETS.stream()
                    .allMatch(t -> synced(first, t) || synced(other, t)));
            await().atMost(Duration.ofSeconds(30)).until(() -> readyz(other) == 200);
            for (String target : TARGETS) {
                String series = "driftless_target_in_sync{cluster=\"shared\",release=\"" + target.split("/")[1] + "\"}";
                boolean otherHolds = shards(other).getJsonArray("shards").getJsonObject(Shards.of(target, 4))
                        .getBoolean("mine");
                assertThat(first.metrics().scrape().contains(series)).as(target + ": exported only by its holder")
                        .isEqualTo(!otherHolds);
            }
            for (String target : TARGETS) {
                String release = target.split("/")[1];
                assertThat(created(first, release)).as(release + " is written by one replica only")
                        .isNotEqualTo(created(other, release));
            }

            first.close();
            firstStopped = true;
            await().atMost(TAKE_OVER).until(() -> held(other) == 4);
            await().atMost(Duration.ofSeconds(20)).until(() -> TARGETS.stream().allMatch(t -> synced(other, t)));
        } finally {
            if (!firstStopped) {
                first.close();
            }
            if (second != null) {
                second.close();
            }
        }
    }

    private static boolean holds(DriftlessService replica, String target) throws Exception {
        return shards(replica).getJsonArray("shards").getJsonObject(Shards.of(target, 4)).getBoolean("mine");
    }

    /** The start of a target's series in a scrape, up to its release label. */
    private static String series(String metric, String target) {
        return metric + "{cluster=\"shared\",release=\"" + target.split("/")[1] + "\"";
    }

    /**
     * What each replica exports for the targets it does not hold: their counters (at 0 where it never synced them,
     * frozen where it did), never their gauges. A replica that gets a shard back (the other one stops) syncs its
     * targets in full and exports their gauges again, although it had synced them at the same commit before.
     */
    @Test
    void aReplicaExportsGaugesOnlyForWhatItHoldsAndAgainForAShardItGetsBack() throws Exception {
        DriftlessService first = replica("first");
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> TARGETS.stream().allMatch(t -> synced(first, t)));
            List<String> moved;
            try (DriftlessService second = replica("second")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> held(first) == 2 && held(second) == 2);
                List<String> kept = new java.util.ArrayList<>();
                List<String> gone = new java.util.ArrayList<>();
                for (String target : TARGETS) {
                    (holds(first, target) ? kept : gone).add(target);
                }
                moved = gone;
                assertThat(moved).as("targets whose shard moved to the second replica").isNotEmpty();
                assertThat(kept).as("targets the first replica kept").isNotEmpty();
                await().atMost(Duration.ofSeconds(30)).until(() -> moved.stream().allMatch(t -> synced(second, t)
                        && second.metrics().scrape().contains(series("driftless_target_in_sync", t) + "} 1.0")));
                String firstScrape = first.metrics().scrape();
                String secondScrape = second.metrics().scrape();
                for (String target : moved) {
                    assertThat(firstScrape).as(target + ": no gauge on the replica that handed it over")
                            .doesNotContain(series("driftless_target_in_sync", target),
                                    series("driftless_objects_out_of_sync", target))
                            .contains(series("driftless_sync_total", target) + ",result=\"failure\"} 0.0");
                }
                for (String target : kept) {
                    assertThat(secondScrape).as(target + ": counters at 0 and no gauge on the replica not holding it")
                            .contains(series("driftless_sync_total", target) + ",result=\"success\"} 0.0",
                                    series("driftless_sync_total", target) + ",result=\"failure\"} 0.0")
                            .doesNotContain(series("driftless_target_in_sync", target),
                                    series("driftless_target_health", target));
                }
            }
            await().atMost(TAKE_OVER).until(() -> held(first) == 4);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(first.metrics().scrape())
                    .as("the shards it got back").contains(moved.stream()
                            .map(t -> series("driftless_target_in_sync", t) + "} 1.0").toList()));
        } finally {
            first.close();
        }
    }

    /** A target's status as a replica's API answers it (its suspension aside, which is per replica). */
    private static JsonObject view(DriftlessService replica, String target) throws Exception {
        JsonObject status = new JsonObject(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + replica.httpPort() + "/api/v1/targets/" + target)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        status.remove("suspended");
        return status;
    }

    private static JsonObject fleetView(DriftlessService replica) throws Exception {
        JsonObject all = new JsonObject();
        for (String target : TARGETS) {
            all.put(target, view(replica, target));
        }
        return all;
    }

    /**
     * Either replica answers for the whole fleet, with the same status for every target, whichever holds it; after
     * one replica stops, the other shows the targets it took over as they were (history included) and goes on
     * from there.
     */
    @Test
    void everyTargetLooksTheSameThroughEitherReplicaBeforeAndAfterAHandOver() throws Exception {
        DriftlessService first = replica("first");
        DriftlessService second = replica("second");
        boolean firstStopped = false;
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> held(first) == 2 && held(second) == 2);
            await().atMost(Duration.ofSeconds(30)).until(() -> TARGETS.stream().allMatch(t -> holdsSynced(first, second, t)));
            await("both replicas show the same fleet").atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(fleetView(first)).isEqualTo(fleetView(second)));
            JsonObject before = fleetView(second);
            for (String target : TARGETS) {
                assertThat(before.getJsonObject(target).getString("syncState")).as(target).isEqualTo("Synced");
            }
            List<String> firsts = new java.util.ArrayList<>();
            for (String target : TARGETS) {
                if (holds(first, target)) {
                    firsts.add(target);
                }
            }

            first.close();
            firstStopped = true;
            await().atMost(TAKE_OVER).until(() -> held(second) == 4);
            for (String target : firsts) {
                JsonObject after = view(second, target);
                assertThat(after.getString("syncState")).isEqualTo("Synced");
                assertThat(after.getJsonArray("history").getList()).as(target + ": its history came along")
                        .containsAll(before.getJsonObject(target).getJsonArray("history").getList());
            }
        } finally {
            if (!firstStopped) {
                first.close();
            }
            second.close();
        }
    }

    private static boolean holdsSynced(DriftlessService first, DriftlessService second, String target) {
        try {
            return synced(holds(first, target) ? first : second, target);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int suspend(DriftlessService replica, String target) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + replica.httpPort() + "/api/v1/targets/" + target + "/suspend"))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .header("X-Driftless-Request", "1").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * A target suspended through the replica that does not hold it stays suspended on the one that does, and after
     * its shard moves: the suspensions live in the cluster, not in a replica's state folder.
     */
    @Test
    void aSuspensionMadeThroughEitherReplicaHoldsWhereverTheTargetsShardIs() throws Exception {
        DriftlessService first = replica("first");
        DriftlessService second = replica("second");
        boolean firstStopped = false;
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> held(first) == 2 && held(second) == 2);
            await().atMost(Duration.ofSeconds(30)).until(() -> TARGETS.stream().allMatch(t -> holdsSynced(first, second, t)));
            String target = TARGETS.stream().filter(t -> holdsSynced(first, second, t)).filter(t -> {
                try {
                    return holds(first, t);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).findFirst().orElseThrow();
            String applied = first.board().get(target).revision();
            assertThat(suspend(second, target)).as("suspended through the replica that does not hold it")
                    .isEqualTo(200);

            String commit = git.commit("more replicas", Map.of("values.yaml",
                    "sqlite:\n  enabled: true\npostgresql:\n  enabled: false\nserver:\n  replicaCount: 1\n"
                            + "  env: [{name: GREETING, value: suspended}]\n"));
            first.refresh("values");
            second.refresh("values");
            String other = TARGETS.stream().filter(t -> !t.equals(target)).findFirst().orElseThrow();
            await().atMost(Duration.ofSeconds(30)).until(() -> commit.equals(first.board().get(other).revision()));
            assertThat(first.board().get(target).revision()).as("the holder leaves the suspended target alone")
                    .isEqualTo(applied);

            first.close();
            firstStopped = true;
            await().atMost(TAKE_OVER).until(() -> held(second) == 4);
            second.refresh("values");
            await().atMost(Duration.ofSeconds(30)).until(() -> TARGETS.stream().filter(t -> !t.equals(target))
                    .allMatch(t -> commit.equals(second.board().get(t).revision())));
            assertThat(second.board().get(target).revision()).as("suspended after its shard moved too")
                    .isEqualTo(applied);
        } finally {
            if (!firstStopped) {
                first.close();
            }
            second.close();
        }
    }
}
