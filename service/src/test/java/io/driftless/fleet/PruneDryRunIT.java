package io.driftless.fleet;

import io.driftless.status.TargetStatus;
import io.driftless.status.SyncState;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.model.Tracking;
import io.driftless.testing.OneTarget;

/** A compare (the diff endpoint, or a dryRun policy) lists exactly what a sync would prune and what it would keep. */
class PruneDryRunIT {

    private static final String VALUES = """
            sqlite:
              enabled: true
            postgresql:
              enabled: false
            ingress:
              enabled: %s
              host:
                hostname: prefect.example.com
            """;

    @TempDir
    Path tmp;

    @Test
    void aCompareListsWhatWouldBePrunedAndKeptAndDeletesNothing() throws Exception {
        try (OneTarget t = new OneTarget(tmp, "prefect-server", "2026.8.18172642", "prefect",
                VALUES.formatted(true))) {
            assertThat(t.sync().syncState()).isEqualTo(SyncState.Synced);
            String ingress = t.client().network().v1().ingresses().inNamespace("prefect").list().getItems().get(0)
                    .getMetadata().getName();
            String account = t.client().serviceAccounts().inNamespace("prefect").list().getItems().stream()
                    .filter(sa -> sa.getMetadata().getLabels() != null
                            && sa.getMetadata().getLabels().containsKey(Tracking.TARGET_LABEL))
                    .findFirst().orElseThrow().getMetadata().getName();
            t.client().serviceAccounts().inNamespace("prefect").withName(account).edit(sa -> {
                sa.getMetadata().getAnnotations().put(Tracking.PRUNE_ANNOTATION, "disabled");
                return sa;
            });
            t.commit(VALUES.formatted(false).replace("postgresql:\n  enabled: false\n",
                    "postgresql:\n  enabled: false\nserviceAccount:\n  create: false\n"));

            TargetStatus preview = t.compare();
            assertThat(preview.driftLines()).contains("Ingress/prefect/" + ingress + " no longer rendered (would be pruned)",
                    "ServiceAccount/prefect/" + account + " no longer rendered, kept: not pruned: annotated "
                            + Tracking.PRUNE_ANNOTATION + "=disabled");
            assertThat(t.client().network().v1().ingresses().inNamespace("prefect").withName(ingress).get())
                    .as("a compare deletes nothing").isNotNull();

            TargetStatus synced = t.sync();
            assertThat(synced.changeLines()).contains("Ingress/prefect/" + ingress + " pruned (no longer rendered)");
            assertThat(t.client().network().v1().ingresses().inNamespace("prefect").withName(ingress).get()).isNull();
            assertThat(t.client().serviceAccounts().inNamespace("prefect").withName(account).get()).isNotNull();
        }
    }
}
