package io.driftless.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.testing.OneTarget;

/** Defects of the sync core, each reproduced against an embedded cluster and a real Git server. */
class SyncCoreIT {

    @TempDir
    Path tmp;

    @Test
    void aPreviewOfAnotherRefLeavesTheTargetsWatchesAsTheyWere() throws Exception {
        try (OneTarget t = new OneTarget(tmp, "prefect-server", "2026.8.18172642", "prefect", "server: {}\n")) {
            assertThat(t.sync().syncState()).isEqualTo("Synced");
            Set<String> watched = t.clusters().watches().kinds("dev", "prefect");
            assertThat(watched).isNotEmpty().noneMatch(k -> k.endsWith("|Ingress"));

            t.commit("ingress:\n  enabled: true\n  host: {hostname: prefect.example.com}\n");
            Preview preview = t.preview();
            assertThat(preview.result()).isEqualTo("OutOfSync");
            assertThat(t.clusters().watches().kinds("dev", "prefect")).isEqualTo(watched);
            await().atMost(Duration.ofSeconds(5)).until(() -> t.clusters().watches().covers("dev", "prefect"));
        }
    }
}
