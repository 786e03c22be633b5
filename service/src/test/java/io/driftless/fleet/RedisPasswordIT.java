package io.driftless.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.config.Target;
import io.driftless.render.ChartRegistry;
import io.driftless.source.GitSource;
import io.driftless.source.Snapshot;
import io.driftless.telemetry.Metrics;
import io.driftless.testing.GitHttpServer;

/** A generated Redis password is stored by the first sync and kept by every later render, also after a restart. */
class RedisPasswordIT {

    @TempDir
    Path tmp;

    @Test
    void aGeneratedRedisPasswordSurvivesARestart() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("origin"))) {
            git.commit("bundled redis", Map.of("values.yaml",
                    "backgroundServices:\n  runAsSeparateDeployment: true\nredis:\n  enabled: true\n"));
            Fleet fleet = FleetLoader.parse("fleet.yaml", ("""
                    sources: [{name: values, url: %s, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: dev, embedded: true}]
                    releases:
                      - {name: prefect, namespace: prefect, chart: {name: prefect-server, version: 2026.8.18172642},
                         source: values, values: [values.yaml]}
                    """).formatted(git.url(), GitHttpServer.USER).getBytes(StandardCharsets.UTF_8), tmp);
            Target target = fleet.targets().get(0);
            try (ClusterConnections clusters = new ClusterConnections(fleet.clusters());
                 GitSource source = new GitSource(fleet.sources().get(0), tmp.resolve("cache"),
                         Map.of("PW", GitHttpServer.PASSWORD))) {
                Snapshot snapshot = source.fetch();
                TargetStatus first = newSyncer(fleet, clusters).sync(target, snapshot, true);
                assertThat(first.syncState()).isEqualTo("Synced");
                assertThat(first.warnings()).singleElement().asString().startsWith("redis.auth.password is not set");
                String stored = clusters.client("dev").secrets().inNamespace("prefect").withName("prefect-redis").get()
                        .getData().get("redis-password");

                // a restart: a new syncer with an empty render cache
                TargetStatus again = newSyncer(fleet, clusters).sync(target, source.fetch(), true);
                assertThat(again.outOfSync()).isZero();
                assertThat(again.warnings()).isEmpty();
                assertThat(clusters.client("dev").secrets().inNamespace("prefect").withName("prefect-redis").get()
                        .getData().get("redis-password")).isEqualTo(stored);
            }
        }
    }

    private static TargetSyncer newSyncer(Fleet fleet, ClusterConnections clusters) {
        return new TargetSyncer(ChartRegistry.builtin(), clusters, new StatusBoard(fleet.targets()), new Metrics(),
                Clock.systemUTC());
    }
}
