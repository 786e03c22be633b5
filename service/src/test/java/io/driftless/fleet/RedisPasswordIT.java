package io.driftless.fleet;

import io.driftless.status.TargetStatus;
import io.driftless.status.SyncState;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.testing.OneTarget;

/** A generated Redis password is stored by the first sync and kept by every later render, also after a restart. */
class RedisPasswordIT {

    @TempDir
    Path tmp;

    @Test
    void aGeneratedRedisPasswordSurvivesARestart() throws Exception {
        try (OneTarget t = new OneTarget(tmp, "prefect-server", "2026.8.18172642", "prefect",
                "backgroundServices:\n  runAsSeparateDeployment: true\nredis:\n  enabled: true\nmigrations:\n  enabled: false\n")) {
            TargetStatus first = t.sync();
            assertThat(first.syncState()).isEqualTo(SyncState.Synced);
            assertThat(first.warnings()).singleElement().asString().startsWith("redis.auth.password is not set");
            String stored = t.client().secrets().inNamespace("prefect").withName("prefect-redis").get()
                    .getData().get("redis-password");

            t.restart(); // an empty render cache
            TargetStatus again = t.sync();
            assertThat(again.outOfSync()).isZero();
            assertThat(again.warnings()).isEmpty();
            assertThat(t.client().secrets().inNamespace("prefect").withName("prefect-redis").get()
                    .getData().get("redis-password")).isEqualTo(stored);
        }
    }
}
