package io.driftless.realcluster;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.status.SyncState;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneRelease;
import io.driftless.testing.RealCluster;
import io.driftless.testing.TcpProxy;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The API server goes away under open watches and comes back (every connection cut, new ones refused, as in a
 * restart), while another client changes a watched object and etcd compacts the revisions the watches would
 * resume from (410 Gone, then a relist). The change must still be seen, without a poll: a cache whose watch is
 * down is not trusted, and a cluster that answers again has its targets compared.
 */
@RealCluster
class RealRelistIT {

    @TempDir
    Path tmp;

    @Test
    void aChangeMadeWhileTheApiServerWasAwayIsSeenWhenItAnswersAgain(RealCluster.ControlPlane plane)
            throws Exception {
        int apiPort = URI.create(plane.url()).getPort();
        try (TcpProxy proxy = new TcpProxy(apiPort);
             GitHttpServer git = new GitHttpServer(tmp.resolve("origin"));
             KubernetesClient admin = plane.admin()) {
            Path kubeconfig = tmp.resolve("via-proxy.kubeconfig");
            Files.writeString(kubeconfig, Files.readString(plane.kubeconfig())
                    .replace("https://127.0.0.1:" + apiPort, "https://127.0.0.1:" + proxy.port()));
            git.commit("values", Map.of("values.yaml", OneRelease.EXTERNAL_DATABASE));
            Fleet fleet = OneRelease.fleet(git, tmp, "{name: real, kubeconfig: " + kubeconfig + "}", "relist", "{}");
            ClusterConnections clusters = new ClusterConnections(fleet.clusters());
            try (DriftlessService service = OneRelease.start(fleet, tmp, clusters)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> service.board().get("real/prefect").syncState()
                        == SyncState.Synced && clusters.watches().covers("real", "prefect"));

                String seen = admin.configMaps().inNamespace("relist").list().getMetadata().getResourceVersion();
                proxy.down();
                // a merge patch, as kubectl scale or edit would send it: no resourceVersion, so the controllers'
                // status updates of the moment cannot make it conflict
                admin.apps().deployments().inNamespace("relist").withName("prefect-server").patch(
                        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":4}}");
                // more writes than the watches saw, then a compaction past them (every 2 s on this control plane)
                for (int i = 0; i < 5; i++) {
                    admin.configMaps().inNamespace("relist").resource(new io.fabric8.kubernetes.api.model
                            .ConfigMapBuilder().withNewMetadata().withName("churn-" + i).endMetadata().build()).create();
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> compactedPast(admin, seen));
                proxy.up();

                await().atMost(Duration.ofSeconds(60)).until(() -> service.board().get("real/prefect").outOfSync() > 0);
                await().atMost(Duration.ofSeconds(10)).until(() -> service.board().get("real/prefect").driftLines()
                        .stream().anyMatch(l -> l.contains("/spec/replicas: live 4, desired 1")));
            }
        }
    }

    /** Whether etcd no longer has the revision (a watch resuming from it gets 410 Gone). */
    private static boolean compactedPast(KubernetesClient admin, String resourceVersion) {
        try {
            admin.configMaps().inNamespace("relist").list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                    .withResourceVersion(resourceVersion).withResourceVersionMatch("Exact").build());
            return false;
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            return e.getCode() == 410;
        }
    }
}
