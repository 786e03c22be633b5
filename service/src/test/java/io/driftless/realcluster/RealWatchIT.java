package io.driftless.realcluster;

import io.driftless.status.SyncState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
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

                // a merge patch (no resourceVersion): a controller's status update of the moment cannot conflict
                admin.apps().deployments().inNamespace("watched").withName("prefect-server").patch(
                        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":4}}");
                await().atMost(Duration.ofSeconds(15)).until(() -> admin.apps().deployments().inNamespace("watched")
                        .withName("prefect-server").get().getSpec().getReplicas() == 1);

                // gone, or already back: Driftless may bring it back before a look sees it gone
                String uid = admin.namespaces().withName("watched").get().getMetadata().getUid();
                admin.namespaces().withName("watched").delete();
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    var ns = admin.namespaces().withName("watched").get();
                    return ns == null || !uid.equals(ns.getMetadata().getUid());
                });
                service.refresh("values");
                await().atMost(Duration.ofSeconds(60)).until(() -> admin.apps().deployments().inNamespace("watched")
                        .withName("prefect-server").get() != null);
                assertThat(admin.namespaces().withName("watched").get()).isNotNull();
                await().atMost(Duration.ofSeconds(30)).until(() -> 
                        service.board().get("real/prefect").syncState() == SyncState.Synced);
            }
        }
    }

    /**
     * A hand edit made while the first sync is still writing (the edited object was written early, the sync goes
     * on for seconds): the change is seen then, and compared once that sync recorded its commit, so it is healed
     * without a poll. It used to be dropped: the target had no applied commit yet when the change came.
     */
    @Test
    void aHandEditDuringTheFirstSyncIsHealedOnceTheSyncEnds(RealCluster.ControlPlane plane) throws Exception {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            many.append("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-").append(i)
                    .append("}\ndata: {key: value-").append(i).append("}\n");
        }
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("origin"));
             KubernetesClient admin = plane.admin()) {
            git.start(0);
            git.commit("many", Map.of("many/config-maps.yaml", many.toString()));
            byte[] fleet = """
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: real, kubeconfig: %s}]
                    releases:
                      - {name: early, namespace: early-edit, chart: {manifests: many}, source: values,
                         syncPolicy: {selfHeal: true, createNamespace: true}}
                    """.formatted(git.url(), GitHttpServer.USER, plane.kubeconfig()).getBytes(StandardCharsets.UTF_8);
            try (DriftlessService service = DriftlessService.start(FleetLoader.parse("fleet.yaml", fleet, tmp),
                    new DriftlessService.Settings(tmp.resolve("state"), "127.0.0.1", 0, 2,
                            Map.of("PW", GitHttpServer.PASSWORD)))) {
                var cm0 = admin.configMaps().inNamespace("early-edit").withName("cm-0");
                await("cm-0 written by the first sync").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(10)).until(() -> cm0.get() != null);
                cm0.edit(cm -> { cm.getData().put("key", "by hand"); return cm; });
                assertThat(service.board().get("real/early").revision()).as("the first sync is still writing")
                        .isNull();
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        service.board().get("real/early").syncState() == SyncState.Synced);
                await("the edit healed without a poll").atMost(Duration.ofSeconds(30))
                        .until(() -> "value-0".equals(cm0.get().getData().get("key")));
            }
        }
    }
}
