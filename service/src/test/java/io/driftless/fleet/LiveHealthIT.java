package io.driftless.fleet;

import io.driftless.status.SyncState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneRelease;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Health follows the live objects' status as it changes, without a poll, a render or an API call. */
class LiveHealthIT {

    @TempDir
    Path tmp;

    @Test
    void aDeploymentThatBecomesAvailableMakesTheTargetHealthyWithoutAPoll() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("origin"))) {
            git.commit("values", Map.of("values.yaml", "sqlite: {enabled: true}\npostgresql: {enabled: false}\n"));
            Fleet fleet = OneRelease.fleet(git, tmp, "{name: dev, embedded: true}", "prefect", "{}");
            ClusterConnections clusters = new ClusterConnections(fleet.clusters());
            try (DriftlessService service = OneRelease.start(fleet, tmp, clusters)) {
                // the test writes through a client of its own, so the service's request count is its own
                KubernetesClient dev = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                        new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl(clusters.embeddedUrls().get("dev"))
                                .build()).build();
                await().atMost(Duration.ofSeconds(30)).until(() -> service.board().get("dev/prefect")
                        .syncState() == SyncState.Synced && clusters.watches().covers("dev", "prefect"));
                assertThat(service.board().get("dev/prefect").health()).isEqualTo("Progressing");
                // the compare its own creations trigger (through the watches) settles first
                double[] settled = {requests(service)};
                await().pollInterval(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10)).until(() -> {
                    double now = requests(service);
                    boolean quiet = now == settled[0];
                    settled[0] = now;
                    return quiet;
                });
                double requests = settled[0];

                dev.persistentVolumeClaims().inNamespace("prefect").withName("prefect-server-sqlite").editStatus(p -> {
                    p.setStatus(new PersistentVolumeClaimStatusBuilder().withPhase("Bound").build());
                    return p;
                });
                dev.apps().deployments().inNamespace("prefect").withName("prefect-server").editStatus(d -> {
                    d.setStatus(new DeploymentStatusBuilder().withAvailableReplicas(1).withReadyReplicas(1).withUpdatedReplicas(1)
                            .withReplicas(1).withObservedGeneration(d.getMetadata().getGeneration()).build());
                    return d;
                });
                await().atMost(Duration.ofSeconds(10)).until(() -> "Healthy".equals(service.board().get("dev/prefect")
                        .health()));
                assertThat(service.metrics().scrape()).contains(
                        "driftless_target_health{cluster=\"dev\",release=\"prefect\",status=\"Healthy\"} 1.0");
                assertThat(requests(service) - requests).as("the service made no API request for it").isZero();
                dev.close();
            }
        }
    }

    private static double requests(DriftlessService service) {
        return service.metrics().scrape().lines()
                .filter(l -> l.startsWith("driftless_kubernetes_requests_total{cluster=\"dev\""))
                .filter(l -> !l.contains("code=\"101\"")) // the watches' own connections
                // the pods of a Deployment that is not ready are listed (is one stuck?); the status change is not read
                .filter(l -> !l.contains("verb=\"list\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
