package io.driftless.fleet;

import io.driftless.status.TargetStatus;
import io.driftless.status.SyncState;
import io.driftless.reconcile.Preview;

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
            assertThat(t.sync().syncState()).isEqualTo(SyncState.Synced);
            Set<String> watched = t.clusters().watches().kinds("dev", "prefect");
            assertThat(watched).isNotEmpty().noneMatch(k -> k.endsWith("|Ingress"));

            t.commit("ingress:\n  enabled: true\n  host: {hostname: prefect.example.com}\n");
            Preview preview = t.preview();
            assertThat(preview.result()).isEqualTo(Preview.Result.OutOfSync);
            assertThat(t.clusters().watches().kinds("dev", "prefect")).isEqualTo(watched);
            await().atMost(Duration.ofSeconds(5)).until(() -> t.clusters().watches().covers("dev", "prefect"));
        }
    }

    @Test
    void anUnreadableInventoryFailsTheTargetAndWritesNothing() throws Exception {
        try (OneTarget t = new OneTarget(tmp, "prefect-server", "2026.8.18172642", "prefect", "server: {}\n")) {
            assertThat(t.sync().syncState()).isEqualTo(SyncState.Synced);
            t.client().configMaps().inNamespace("prefect").withName("driftless-inventory-prefect")
                    .edit(cm -> { cm.getData().put("objects", "{not json"); return cm; });
            t.client().apps().deployments().inNamespace("prefect").withName("prefect-server")
                    .edit(d -> { d.getSpec().setReplicas(3); return d; });
            TargetStatus failed = t.sync();
            assertThat(failed.syncState()).isEqualTo(SyncState.Failed);
            assertThat(failed.lastError()).isEqualTo("ConfigMap/prefect/driftless-inventory-prefect: inventory is "
                    + "unreadable, so nothing is written or pruned; fix or delete it (MismatchedInputException)");
            assertThat(t.client().apps().deployments().inNamespace("prefect").withName("prefect-server").get()
                    .getSpec().getReplicas()).isEqualTo(3);
            assertThat(t.notices()).anySatisfy(n -> assertThat(n.type()).isEqualTo(io.driftless.config.NoticeType.SyncFailed));
        }
    }
}
