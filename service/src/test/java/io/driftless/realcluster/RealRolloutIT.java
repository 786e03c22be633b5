package io.driftless.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.config.FleetLoader;
import io.driftless.demo.LocalControlPlanes;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.RealCluster;
import io.driftless.testing.TestCharts;

/**
 * A three-wave rollout over six real control planes (one canary, two staging, three prod two at a time), where
 * controllers and kwok's kubelets decide health: a commit reaches canary, staging and prod in that order, each after
 * the one before stayed Healthy; a commit whose pods crash-loop turns the canary Degraded and halts the rollout
 * before staging; an operator's resume continues it past the Degraded targets; the fix that follows starts a new
 * rollout from the canary and reaches every cluster.
 */
class RealRolloutIT {

    private static final List<String> CLUSTERS = List.of("canary", "staging-1", "staging-2", "prod-1", "prod-2",
            "prod-3");
    /** Each cluster's wave, by index in {@link #CLUSTERS}. */
    private static final List<Integer> WAVES = List.of(0, 1, 1, 2, 2, 2);

    @TempDir
    Path tmp;

    private static String deployment(String version, boolean crash) {
        return TestCharts.webDeployment("{version: \"" + version + "\", driftless.io/kwok-crash: \"" + crash + "\"}");
    }

    @Test
    void aCommitGoesWaveByWaveACrashingOneHaltsAtTheCanaryAndTheFixReachesEveryCluster() throws Exception {
        Path bin = RealCluster.Extension.build().resolve("bin");
        try (LocalControlPlanes planes = LocalControlPlanes.start(bin, tmp.resolve("planes"), CLUSTERS, List.of(),
                new PrintStream(OutputStream.nullOutputStream()));
             GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            String v1 = git.commit("v1", Map.of("web/web.yaml", deployment("1", false)));
            StringBuilder clusters = new StringBuilder();
            for (String c : CLUSTERS) {
                clusters.append("  - {name: ").append(c).append(", kubeconfig: ").append(planes.adminKubeconfig(c))
                        .append(", labels: {wave: ").append(c.replaceAll("-\\d$", "")).append("}}\n");
            }
            byte[] fleet = ("""
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters:
                    """.formatted(git.url(), GitHttpServer.USER) + clusters + """
                    releases:
                      - name: web
                        namespace: web
                        chart: {manifests: web}
                        source: values
                        rollout:
                          waves:
                            - {name: canary, clusters: {matchLabels: {wave: canary}}}
                            - {name: staging, clusters: {matchLabels: {wave: staging}}}
                            - {name: prod, clusters: {matchLabels: {wave: prod}}, maxParallel: 2}
                          healthyFor: 2s
                    """).getBytes(StandardCharsets.UTF_8);
            try (DriftlessService service = DriftlessService.start(FleetLoader.parse("fleet.yaml", fleet, tmp),
                    new DriftlessService.Settings(tmp.resolve("state"), "127.0.0.1", 0, 2,
                            Map.of("PW", GitHttpServer.PASSWORD)))) {
                awaitEverywhere(service, v1);
                assertWaveByWave(service);

                String crashing = git.commit("v2 crashes", Map.of("web/web.yaml", deployment("2", true)));
                service.refresh("values");
                TargetStatus degraded = await().atMost(Duration.ofSeconds(90)).until(() ->
                        service.board().get("canary/web"), s -> crashing.equals(s.revision())
                        && "Degraded".equals(s.health()));
                assertThat(degraded.healthDetails()).anySatisfy(d -> assertThat(d).contains("CrashLoopBackOff"));
                TargetStatus halted = await().atMost(Duration.ofSeconds(30)).until(() ->
                        service.board().get("staging-1/web"), s -> s.summary().contains("halted"));
                assertThat(halted.syncState()).isEqualTo(SyncState.Waiting);
                assertThat(halted.revision()).as("staging keeps the commit it has").isEqualTo(v1);
                assertThat(halted.summary()).contains("the rollout halted: canary/web is Degraded");
                assertThat(CLUSTERS.subList(1, 6)).allSatisfy(c -> assertThat(service.board().get(c + "/web")
                        .revision()).isEqualTo(v1));

                // an operator resumes: the rollout goes on past the Degraded targets, wave by wave
                service.vertx().eventBus().request(io.driftless.fleet.FleetVerticle.ROLLOUT,
                        new io.vertx.core.json.JsonObject().put("release", "web").put("action", "resume"))
                        .toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() -> CLUSTERS
                        .stream().allMatch(c -> crashing.equals(service.board().get(c + "/web").revision())));
                Instant staged = CLUSTERS.subList(1, 3).stream().map(c -> service.board().get(c + "/web")
                        .lastSuccess()).max(Instant::compareTo).orElseThrow();
                assertThat(CLUSTERS.subList(3, 6)).as("prod after staging").allSatisfy(c -> assertThat(service
                        .board().get(c + "/web").lastSuccess()).isAfter(staged));

                String fixed = git.commit("v3 fixed", Map.of("web/web.yaml", deployment("3", false)));
                service.refresh("values");
                awaitEverywhere(service, fixed);
                assertWaveByWave(service);
            }
        }
    }

    private static void awaitEverywhere(DriftlessService service, String commit) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() -> CLUSTERS.stream()
                .map(c -> service.board().get(c + "/web")).allMatch(s -> commit.equals(s.revision())
                        && s.syncState() == SyncState.Synced && "Healthy".equals(s.health())));
    }

    /** Each wave was applied after every target of the one before it was Synced and had been Healthy for 2 s. */
    private static void assertWaveByWave(DriftlessService service) {
        Instant before = null;
        for (int wave = 0; wave < 3; wave++) {
            Instant last = null;
            for (int i = 0; i < CLUSTERS.size(); i++) {
                if (WAVES.get(i) != wave) {
                    continue;
                }
                Instant at = service.board().get(CLUSTERS.get(i) + "/web").lastSuccess();
                if (before != null) {
                    assertThat(at).as(CLUSTERS.get(i) + " after the wave before it stayed Healthy for 2 s")
                            .isAfter(before.plusSeconds(2));
                }
                last = last == null || at.isAfter(last) ? at : last;
            }
            before = last;
        }
    }
}
