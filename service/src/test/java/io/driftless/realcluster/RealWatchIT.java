package io.driftless.realcluster;

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
import io.driftless.testing.RealCluster;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The service's watches on a real API server: a hand edit by another client is healed without a poll, and a
 * namespace deleted under a target (its contents removed by the namespace controller) is recreated with
 * everything in it by the next sync.
 */
@RealCluster
class RealWatchIT {

    @TempDir
    Path tmp;

    @Test
    void aHandEditIsHealedWithoutAPollAndADeletedNamespaceComesBack(RealCluster.ControlPlane plane) throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("origin"));
             KubernetesClient admin = plane.admin()) {
            git.commit("values", Map.of("values.yaml", OneRelease.EXTERNAL_DATABASE));
            Fleet fleet = OneRelease.fleet(git, tmp, "{name: real, kubeconfig: " + plane.kubeconfig() + "}",
                    "watched", "{selfHeal: true}");
            try (DriftlessService service = OneRelease.start(fleet, tmp, new ClusterConnections(fleet.clusters()))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> 
                        service.board().get("real/prefect").syncState() == SyncState.Synced);
                // the Deployment becomes available after the sync: only its status changes, and the watches
                // bring the health along without a poll (the poll interval is an hour)
                await().atMost(Duration.ofSeconds(60)).until(() -> "Healthy".equals(
                        service.board().get("real/prefect").health()));

                admin.apps().deployments().inNamespace("watched").withName("prefect-server")
                        .edit(d -> { d.getSpec().setReplicas(4); return d; });
                await().atMost(Duration.ofSeconds(15)).until(() -> admin.apps().deployments().inNamespace("watched")
                        .withName("prefect-server").get().getSpec().getReplicas() == 1);

                admin.namespaces().withName("watched").delete();
                await().atMost(Duration.ofSeconds(90)).until(() -> admin.namespaces().withName("watched").get() == null);
                service.refresh("values");
                await().atMost(Duration.ofSeconds(60)).until(() -> admin.apps().deployments().inNamespace("watched")
                        .withName("prefect-server").get() != null);
                assertThat(admin.namespaces().withName("watched").get()).isNotNull();
                await().atMost(Duration.ofSeconds(30)).until(() -> 
                        service.board().get("real/prefect").syncState() == SyncState.Synced);
            }
        }
    }
}
