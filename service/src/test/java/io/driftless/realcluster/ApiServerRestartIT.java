package io.driftless.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.config.FleetLoader;
import io.driftless.demo.LocalControlPlanes;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.RealCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * A real kube-apiserver restarted under the service, as a control-plane node reboots: stopped while a first sync
 * of many objects is being applied and while the service's watches are open, down for a while, then back with its
 * data (the launcher's keep mode: same URL, credentials and etcd). The target converges with every object, the
 * objects written before the stop are the same objects (uids kept: nothing was deleted and recreated), and the
 * watches resumed: a hand edit after the restart is healed without a poll (the poll interval is an hour).
 */
class ApiServerRestartIT {

    private static final int CONFIG_MAPS = 600;

    @TempDir
    Path tmp;

    @Test
    void aRestartedApiServerMidApplyEndsSyncedWithTheSameObjectsAndLiveWatches() throws Exception {
        Path bin = RealCluster.Extension.build().resolve("bin");
        try (LocalControlPlanes planes = LocalControlPlanes.start(bin, tmp.resolve("planes"), List.of("rebooting"),
                List.of(), new PrintStream(OutputStream.nullOutputStream()));
             GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            git.commit("many objects", Map.of("many/config-maps.yaml", configMaps()));
            byte[] fleet = """
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: rebooting, kubeconfig: %s}]
                    releases:
                      - {name: many, namespace: many, chart: {manifests: many}, source: values,
                         syncPolicy: {selfHeal: true}}
                    """.formatted(git.url(), GitHttpServer.USER, planes.adminKubeconfig("rebooting"))
                    .getBytes(StandardCharsets.UTF_8);
            try (KubernetesClient admin = client(planes);
                 DriftlessService service = DriftlessService.start(FleetLoader.parse("fleet.yaml", fleet, tmp),
                         new DriftlessService.Settings(tmp.resolve("state"), "127.0.0.1", 0, 2,
                                 Map.of("PW", GitHttpServer.PASSWORD)))) {
                await("the first sync under way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> admin.configMaps().inNamespace("many").withLabel("driftless.io/target", "many")
                                .list().getItems().size() >= 20);
                Map<String, String> before = uids(planes);
                planes.stop("rebooting");
                assertThat(before.size()).as("the stop came in the middle of the apply").isLessThan(CONFIG_MAPS);

                // down for longer than the client's retries of one request (about 6 s): the sync fails
                await("the sync failed at the first request without an answer").atMost(Duration.ofSeconds(60)).until(() ->
                        service.board().get("rebooting/many").failing());
                TargetStatus down = service.board().get("rebooting/many");
                System.out.println("while down: " + down.syncState() + " / " + down.lastError());
                assertThat(down.syncState()).as("nothing claims Synced while the API server is down")
                        .isNotEqualTo(SyncState.Synced);
                assertThat(down.lastError()).contains("no answer from the API server");

                planes.restart("rebooting");
                await("converged after the restart").atMost(Duration.ofSeconds(120)).until(() ->
                        service.board().get("rebooting/many").syncState() == SyncState.Synced);
                Map<String, String> after = uids(planes);
                assertThat(after).hasSize(CONFIG_MAPS);
                assertThat(after).as("the objects written before the stop are the same objects")
                        .containsAllEntriesOf(before);

                try (KubernetesClient again = client(planes)) {
                    again.configMaps().inNamespace("many").withName("cm-7")
                            .edit(cm -> { cm.getData().put("key", "by hand"); return cm; });
                    await("a hand edit after the restart healed by the resumed watches")
                            .atMost(Duration.ofSeconds(30)).until(() -> "value-7".equals(again.configMaps()
                                    .inNamespace("many").withName("cm-7").get().getData().get("key")));
                }
            }
        }
    }

    private static String configMaps() {
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < CONFIG_MAPS; i++) {
            yaml.append("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-").append(i)
                    .append("}\ndata: {key: value-").append(i).append("}\n");
        }
        return yaml.toString();
    }

    /** The release's ConfigMaps by name, with their uids. */
    private static Map<String, String> uids(LocalControlPlanes planes) throws Exception {
        try (KubernetesClient admin = client(planes)) {
            return admin.configMaps().inNamespace("many").withLabel("driftless.io/target", "many").list().getItems()
                    .stream().collect(Collectors.toMap(c -> c.getMetadata().getName(),
                            (ConfigMap c) -> c.getMetadata().getUid()));
        }
    }

    private static KubernetesClient client(LocalControlPlanes planes) throws Exception {
        Path kubeconfig = planes.adminKubeconfig("rebooting");
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(null,
                Files.readString(kubeconfig), kubeconfig.toString())).build();
    }
}
