package io.driftless.fleet;

import io.driftless.status.TargetStatus;
import io.driftless.status.SyncState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.testing.OneTarget;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The migration Job is a hook: after a first install it runs once everything else exists; on an upgrade it
 * runs first and the workloads change only once it succeeded. The embedded API server has no Job controller,
 * so the test plays it, turning the Job Complete or Failed through the status subresource.
 */
class HookIT {

    private static final String VALUES = """
            backgroundServices:
              runAsSeparateDeployment: true
            redis:
              enabled: true
            migrations:
              timeoutSeconds: 30
            server:
              replicaCount: %d
            """;
    private static final String JOB = "prefect-server-db-migrations";

    @TempDir
    Path tmp;

    @Test
    void runsTheMigrationAfterInstallAndBeforeAnUpgradeWhichAFailedMigrationStops() throws Exception {
        try (OneTarget t = new OneTarget(tmp, "prefect-server", "2026.8.18172642", "prefect", VALUES.formatted(1))) {
            KubernetesClient client = t.client();

            CompletableFuture<TargetStatus> install = CompletableFuture.supplyAsync(t::sync);
            Job running = awaitJob(client);
            assertThat(client.apps().deployments().inNamespace("prefect").withName("prefect-server").get())
                    .as("post-install: the workloads exist before the migration runs").isNotNull();
            finish(client, running, "Complete");
            TargetStatus installed = install.get();
            assertThat(installed.syncState()).isEqualTo(SyncState.Synced);
            assertThat(installed.changeLines()).contains("Job/prefect/" + JOB
                    + " created (hook succeeded and was deleted (hook-succeeded))");
            await().atMost(Duration.ofSeconds(10)).until(() -> job(client) == null);

            TargetStatus quiet = t.sync();
            assertThat(quiet.outOfSync()).as("a deleted hook is not drift and does not run again").isZero();
            assertThat(job(client)).isNull();
            assertThat(quiet.health()).isNotEqualTo("Missing");
            assertThat(quiet.healthDetails()).as("a hook is not part of the target's health").noneMatch(l -> l.contains(JOB));

            client.apps().deployments().inNamespace("prefect").withName("prefect-server")
                    .edit(d -> { d.getSpec().setReplicas(5); return d; });
            TargetStatus healed = t.sync();
            assertThat(healed.changeLines()).as("a drift heal at the same commit").contains(
                    "Deployment/prefect/prefect-server configured (/spec/replicas)");
            assertThat(replicas(client)).isEqualTo(1);
            assertThat(job(client)).as("a drift heal does not run the migration again").isNull();

            t.commit(VALUES.formatted(2));
            CompletableFuture<TargetStatus> upgrade = CompletableFuture.supplyAsync(t::sync);
            running = awaitJob(client);
            assertThat(replicas(client)).as("pre-upgrade: the workloads wait for the migration").isEqualTo(1);
            finish(client, running, "Failed");
            TargetStatus refused = upgrade.get();
            assertThat(refused.syncState()).isEqualTo(SyncState.Failed);
            assertThat(refused.lastError()).startsWith("Job/prefect/" + JOB + " failed (hook failed: BackoffLimitExceeded");
            assertThat(refused.changeLines()).contains("Deployment/prefect/prefect-server skipped (not applied: the hook Job/"
                    + "prefect/" + JOB + " failed)");
            assertThat(replicas(client)).isEqualTo(1);

            CompletableFuture<TargetStatus> retry = CompletableFuture.supplyAsync(t::sync);
            Job again = awaitNewJob(client, running.getMetadata().getUid());
            finish(client, again, "Complete");
            assertThat(retry.get().syncState()).isEqualTo(SyncState.Synced);
            assertThat(replicas(client)).isEqualTo(2);
        }
    }

    @Test
    void aShutdownDuringAnUpgradeStopsAfterTheObjectInProgress() throws Exception {
        try (OneTarget t = new OneTarget(tmp, "prefect-server", "2026.8.18172642", "prefect", VALUES.formatted(1))) {
            KubernetesClient client = t.client();
            CompletableFuture<TargetStatus> install = CompletableFuture.supplyAsync(t::sync);
            finish(client, awaitJob(client), "Complete");
            assertThat(install.get().syncState()).isEqualTo(SyncState.Synced);

            t.commit(VALUES.formatted(2));
            CompletableFuture<TargetStatus> upgrade = CompletableFuture.supplyAsync(t::sync);
            Job running = awaitJob(client);
            t.syncer().stopWriting(); // the service is asked to stop while the migration runs
            finish(client, running, "Complete");
            TargetStatus interrupted = upgrade.get();
            assertThat(interrupted.syncState()).isEqualTo(SyncState.Failed);
            assertThat(interrupted.lastError()).isEqualTo("interrupted by shutdown with 1 object(s) not applied; the "
                    + "inventory is consistent and they are applied at the next start");
            assertThat(interrupted.changeLines()).contains("Deployment/prefect/prefect-server skipped (not applied: "
                    + "Driftless is shutting down; applied at the next start)");
            assertThat(interrupted.revision()).as("the new commit is not recorded as applied")
                    .isNotEqualTo(interrupted.attemptedRevision());
            assertThat(replicas(client)).isEqualTo(1);

            t.restart(); // the next start applies the rest, after migrating again
            CompletableFuture<TargetStatus> resumed = CompletableFuture.supplyAsync(t::sync);
            finish(client, awaitNewJob(client, running.getMetadata().getUid()), "Complete");
            assertThat(resumed.get().syncState()).isEqualTo(SyncState.Synced);
            assertThat(replicas(client)).isEqualTo(2);
        }
    }

    private static Job job(KubernetesClient client) {
        return client.batch().v1().jobs().inNamespace("prefect").withName(JOB).get();
    }

    private static Job awaitJob(KubernetesClient client) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> job(client), j -> j != null && j.getStatus() == null);
    }

    /** The failed run is replaced (before-hook-creation), not reused. */
    private static Job awaitNewJob(KubernetesClient client, String oldUid) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> job(client),
                j -> j != null && !j.getMetadata().getUid().equals(oldUid));
    }

    private static int replicas(KubernetesClient client) {
        return client.apps().deployments().inNamespace("prefect").withName("prefect-server").get().getSpec().getReplicas();
    }

    private static void finish(KubernetesClient client, Job job, String condition) {
        client.batch().v1().jobs().inNamespace("prefect").withName(job.getMetadata().getName()).editStatus(j -> {
            j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withConditions(List.of(
                    new JobConditionBuilder().withType(condition).withStatus("True")
                            .withReason(condition.equals("Failed") ? "BackoffLimitExceeded" : null)
                            .withMessage(condition.equals("Failed") ? "Job has reached the specified backoff limit"
                                    : null).build())).build());
            return j;
        });
    }
}
