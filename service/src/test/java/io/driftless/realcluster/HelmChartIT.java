package io.driftless.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.config.FleetLoader;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.RealCluster;
import io.driftless.testing.TestCharts;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A Helm chart of the values repository on a real API server: its pre-install hook runs (kwok completes the
 * Job) before the workloads are created, and {@code .Capabilities.KubeVersion} is the cluster's.
 */
@RealCluster
class HelmChartIT {

    @TempDir
    Path tmp;

    @Test
    void theChartsHookRunsFirstAndItSeesTheClustersKubernetesVersion(RealCluster.ControlPlane plane) throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"));
             KubernetesClient admin = plane.admin()) {
            git.start(0);
            Map<String, String> files = new LinkedHashMap<>();
            TestCharts.folder("webapp").forEach((path, bytes) -> files.put("charts/webapp/" + path,
                    new String(bytes, StandardCharsets.UTF_8)));
            files.put("shop.yaml", "replicaCount: 1\n");
            git.commit("chart", files);
            byte[] fleet = """
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: real, kubeconfig: %s}]
                    releases:
                      - {name: shop, namespace: helm-shop, chart: {path: charts/webapp}, source: values,
                         values: [shop.yaml], syncPolicy: {createNamespace: true}}
                    """.formatted(git.url(), GitHttpServer.USER, plane.kubeconfig()).getBytes(StandardCharsets.UTF_8);
            try (DriftlessService service = DriftlessService.start(FleetLoader.parse("fleet.yaml", fleet, tmp),
                    new DriftlessService.Settings(tmp.resolve("state"), "127.0.0.1", 0, 2,
                            Map.of("PW", GitHttpServer.PASSWORD)))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> service.board().get("real/shop").syncState()
                        != SyncState.Unknown && service.board().get("real/shop").lastSync() != null);
                TargetStatus status = service.board().get("real/shop");
                assertThat(status.lastError()).isNull();
                assertThat(status.syncState()).isEqualTo(SyncState.Synced);
                assertThat(status.changeLines()).first().asString()
                        .startsWith("Job/helm-shop/shop-migrate created (hook succeeded");
                var job = admin.batch().v1().jobs().inNamespace("helm-shop").withName("shop-migrate").get();
                assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
                var deployment = admin.apps().deployments().inNamespace("helm-shop").withName("shop-webapp").get();
                assertThat(deployment.getMetadata().getCreationTimestamp()).as("created after the hook ran")
                        .isGreaterThanOrEqualTo(job.getStatus().getCompletionTime());
                String kubeVersion = admin.getKubernetesVersion().getGitVersion();
                assertThat(admin.configMaps().inNamespace("helm-shop").withName("shop-config").get().getData())
                        .containsEntry("kubeVersion", kubeVersion);
            }
        }
    }
}
