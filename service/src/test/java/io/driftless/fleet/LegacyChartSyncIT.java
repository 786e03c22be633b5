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
import io.driftless.telemetry.Metrics;
import io.driftless.testing.GitHttpServer;
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
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("origin"))) {
            git.commit("legacy server", Map.of("values.yaml", """
                    ui:
                      apolloApiUrl: https://apollo.example.com/graphql
                    jobs:
                      createTenant:
                        enabled: true
                    """));
            Fleet fleet = FleetLoader.parse("fleet.yaml", ("""
                    sources: [{name: values, url: %s, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: dev, embedded: true}]
                    releases:
                      - {name: prefect, namespace: workflows, chart: {name: prefect-server-legacy, version: 2022.09.23},
                         source: values, values: [values.yaml]}
                    """).formatted(git.url(), GitHttpServer.USER).getBytes(StandardCharsets.UTF_8), tmp);
            Target target = fleet.targets().get(0);
            try (ClusterConnections clusters = new ClusterConnections(fleet.clusters());
                 GitSource source = new GitSource(fleet.sources().get(0), tmp.resolve("cache"),
                         Map.of("PW", GitHttpServer.PASSWORD))) {
                TargetSyncer syncer = new TargetSyncer(ChartRegistry.builtin(), clusters,
                        new StatusBoard(fleet.targets()), new Metrics(), Clock.systemUTC());
                KubernetesClient client = clusters.client("dev");

                TargetStatus first = syncer.sync(target, source.fetch(), true);
                assertThat(first.syncState()).isEqualTo("Synced");
                assertThat(first.warnings()).isEmpty();
                assertThat(client.apps().deployments().inNamespace("workflows").list().getItems())
                        .extracting(d -> d.getMetadata().getName())
                        .containsExactlyInAnyOrder("prefect-apollo", "prefect-graphql", "prefect-hasura",
                                "prefect-towel", "prefect-ui");
                assertThat(first.health()).isEqualTo("Progressing");

                TargetStatus second = syncer.sync(target, source.fetch(), true);
                assertThat(second.outOfSync()).as("env entries without a value do not churn").isZero();
                assertThat(second.healthDetails())
                        .contains("Job/workflows/prefect-create-tenant-job Progressing: has not completed; the tenant is "
                                + "not created yet: the UI shows a blank dashboard until this Job completes");

                // the Job controller's part: mark the Job complete through the status subresource
                Job job = client.batch().v1().jobs().inNamespace("workflows").withName("prefect-create-tenant-job").get();
                job.setStatus(new JobStatusBuilder().withSucceeded(1).withConditions(new JobConditionBuilder()
                        .withType("Complete").withStatus("True").build()).build());
                client.batch().v1().jobs().inNamespace("workflows").resource(job).updateStatus();

                TargetStatus third = syncer.sync(target, source.fetch(), true);
                assertThat(third.healthDetails()).noneMatch(m -> m.contains("create-tenant-job"));
                assertThat(third.healthDetails()).allMatch(m -> m.startsWith("Deployment/workflows/")
                        || m.startsWith("StatefulSet/workflows/"));
                assertThat(third.outOfSync()).isZero();
            }
        }
    }
}
