package io.driftless.fleet;

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
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.TestCharts;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A Helm chart and a folder of plain manifests kept in the values repository, synced end to end into an
 * embedded cluster: created, changed by a commit, and pruned when they stop rendering an object.
 */
class ChartKindsIT {

    @TempDir
    Path tmp;

    /** The test resources' folder as files of the repository under {@code prefix}. */
    private static Map<String, String> files(String resource, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        TestCharts.folder(resource).forEach((path, bytes) -> out.put(prefix + "/" + path,
                new String(bytes, StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void aHelmChartAndAManifestFolderFromTheValuesRepositoryAreSyncedAndPruned() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            Map<String, String> files = new LinkedHashMap<>(files("webapp", "charts/webapp"));
            files.putAll(files("manifests/app", "apps/plain"));
            files.put("webapp/values.yaml", "replicaCount: 2\nmigration: {enabled: false}\n");
            git.commit("a chart and manifests", files);
            Fleet fleet = FleetLoader.parse("fleet.yaml", """
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: dev, embedded: true}]
                    releases:
                      - {name: shop, namespace: shop, chart: {path: charts/webapp, version: 1.2.0}, source: values,
                         values: [webapp/values.yaml], syncPolicy: {maxPrunePercent: 70}}
                      - {name: plain, namespace: plain, chart: {manifests: apps/plain}, source: values}
                    """.formatted(git.url(), GitHttpServer.USER).getBytes(StandardCharsets.UTF_8), tmp);
            try (DriftlessService service = DriftlessService.start(fleet, new DriftlessService.Settings(
                    tmp.resolve("state"), "127.0.0.1", 0, 2, Map.of("PW", GitHttpServer.PASSWORD)))) {
                TargetStatus shop = await(service, "dev/shop", SyncState.Synced, null);
                await(service, "dev/plain", SyncState.Synced, null);
                KubernetesClient dev = service.clusters().client("dev");
                assertThat(dev.apps().deployments().inNamespace("shop").withName("shop-webapp").get().getSpec()
                        .getReplicas()).isEqualTo(2);
                assertThat(dev.services().inNamespace("shop").withName("shop-cache").get()).as("the subchart's")
                        .isNotNull();
                assertThat(dev.configMaps().inNamespace("shop").withName("shop-config").get().getData())
                        .containsEntry("greeting", "hello");
                assertThat(dev.apps().deployments().inNamespace("plain").withName("plain").get()).isNotNull();
                assertThat(dev.configMaps().inNamespace("plain").withName("plain-config").get().getData())
                        .containsEntry("mode", "json");

                // a commit stops rendering the subchart and the ConfigMap (two of three objects: within the release's
                // maxPrunePercent of 70), and removes a manifest file
                Map<String, String> smaller = new java.util.HashMap<>();
                smaller.put("webapp/values.yaml", "replicaCount: 3\nmigration: {enabled: false}\n"
                        + "cache: {enabled: false}\nconfig: {enabled: false}\n");
                smaller.put("apps/plain/more/config.json", null); // deleted
                git.commit("smaller", smaller);
                service.refresh("values");
                await(service, "dev/shop", SyncState.Synced, shop.revision());
                await(service, "dev/plain", SyncState.Synced, shop.revision());
                assertThat(dev.apps().deployments().inNamespace("shop").withName("shop-webapp").get().getSpec()
                        .getReplicas()).isEqualTo(3);
                assertThat(dev.services().inNamespace("shop").withName("shop-cache").get()).isNull();
                assertThat(dev.configMaps().inNamespace("shop").withName("shop-config").get()).isNull();
                assertThat(dev.configMaps().inNamespace("plain").withName("plain-config").get()).isNull();
                assertThat(dev.apps().deployments().inNamespace("plain").withName("plain").get()).isNotNull();

                // values the chart's schema refuses fail the target and keep what is applied
                git.commit("bad", Map.of("webapp/values.yaml", "replicaCount: 0\n"));
                service.refresh("values");
                TargetStatus failed = await(service, "dev/shop", SyncState.Failed, null);
                assertThat(failed.lastError()).contains("chart charts/webapp", "replicaCount");
                assertThat(dev.apps().deployments().inNamespace("shop").withName("shop-webapp").get().getSpec()
                        .getReplicas()).isEqualTo(3);
            }
        }
    }

    /** The target's status once it is in the state, at another revision than {@code notAt} when given. */
    private static TargetStatus await(DriftlessService service, String target, SyncState state, String notAt) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            TargetStatus s = service.board().get(target);
            return s.syncState() == state && (notAt == null || !notAt.equals(s.attemptedRevision()));
        });
        return service.board().get(target);
    }
}
