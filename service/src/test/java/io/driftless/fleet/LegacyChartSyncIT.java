package io.driftless.fleet;

import io.driftless.status.TargetStatus;
import io.driftless.status.SyncState;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.testing.OneTarget;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The legacy chart synced into a cluster: objects without a namespace land in the release namespace, a
 * second sync changes nothing, and the health report names the unfinished tenant Job until it completes.
 */
class LegacyChartSyncIT {

    @TempDir
    Path tmp;

    @Test
    void reportsTheBlankDashboardUntilTheTenantJobCompletes() throws Exception {
        try (OneTarget t = new OneTarget(tmp, "prefect-server-legacy", "2022.09.23", "workflows", """
                ui:
                  apolloApiUrl: https://apollo.example.com/graphql
                jobs:
                  createTenant:
                    enabled: true
                """)) {
            KubernetesClient client = t.client();
            TargetStatus first = t.sync();
            assertThat(first.syncState()).isEqualTo(SyncState.Synced);
            assertThat(first.warnings()).isEmpty();
            assertThat(client.apps().deployments().inNamespace("workflows").list().getItems())
                    .extracting(d -> d.getMetadata().getName())
                    .containsExactlyInAnyOrder("prefect-apollo", "prefect-graphql", "prefect-hasura",
                            "prefect-towel", "prefect-ui");
            assertThat(first.health()).isEqualTo("Progressing");
            assertThat(client.v1().events().inNamespace("workflows").list().getItems())
                    .as("kubectl get events shows the sync").singleElement().satisfies(e -> {
                        assertThat(e.getReason()).isEqualTo("Synced");
                        assertThat(e.getMessage()).startsWith("16 created");
                        assertThat(e.getInvolvedObject().getName()).isEqualTo("driftless-inventory-prefect");
                    });
            assertThat(t.metrics().scrape())
                    .contains("driftless_target_health{cluster=\"dev\",release=\"prefect\",status=\"Progressing\"} 1.0")
                    .contains("driftless_target_health{cluster=\"dev\",release=\"prefect\",status=\"Healthy\"} 0.0");

            TargetStatus second = t.sync();
            assertThat(second.outOfSync()).as("env entries without a value do not churn").isZero();
            assertThat(second.healthDetails())
                    .contains("Job/workflows/prefect-create-tenant-job Progressing: has not completed; the tenant is "
                            + "not created yet: the UI shows a blank dashboard until this Job completes");

            // the Job controller's part: mark the Job complete through the status subresource
            Job job = client.batch().v1().jobs().inNamespace("workflows").withName("prefect-create-tenant-job").get();
            job.setStatus(new JobStatusBuilder().withSucceeded(1).withConditions(new JobConditionBuilder()
                    .withType("Complete").withStatus("True").build()).build());
            client.batch().v1().jobs().inNamespace("workflows").resource(job).updateStatus();

            TargetStatus third = t.sync();
            assertThat(third.healthDetails()).as("only what needs controllers the embedded cluster lacks")
                    .isNotEmpty().allMatch(m -> m.startsWith("Deployment/workflows/")
                            || m.startsWith("StatefulSet/workflows/") || m.endsWith("no load balancer address assigned yet"));
            assertThat(third.outOfSync()).isZero();
        }
    }
}
