package io.driftless.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.config.FleetLoader;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneTarget;
import io.driftless.testing.RealCluster;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Health on a real control plane, where controllers and kwok's kubelets move the objects along: the Deployments
 * become available and the target Healthy, and the migration Job (a Helm hook) really runs to completion after
 * the install and before an upgrade changes the workloads.
 */
@RealCluster
class RealHealthIT {

    private static final String VALUES = """
            postgresql: {enabled: false}
            externalDatabase:
              existingSecret: prefect-db
              host: db.example.com
              username: prefect
              passwordSecretKey: password
              name: prefect
            backgroundServices:
              runAsSeparateDeployment: true
              messaging:
                redis: {host: redis.cache.svc, existingSecret: redis-auth}
            migrations: {timeoutSeconds: 60}
            server: {replicaCount: %d}
            """;

    @TempDir
    Path tmp;

    @Test
    void theTargetBecomesHealthyAndTheMigrationRunsBeforeAnUpgrade(RealCluster.ControlPlane plane) throws Exception {
        try (OneTarget t = new OneTarget(tmp, "prefect-server", "2026.8.18172642", "health", VALUES.formatted(1),
                "kubeconfig: " + plane.kubeconfig(), "{createNamespace: true}");
             KubernetesClient client = plane.admin()) {
            TargetStatus installed = t.sync();
            assertThat(installed.lastError()).isNull();
            assertThat(installed.changeLines()).anySatisfy(c -> assertThat(c)
                    .startsWith("Job/health/prefect-server-db-migrations created (hook succeeded"));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> "Healthy".equals(t.compare().health()));

            t.commit(VALUES.formatted(2));
            TargetStatus upgraded = t.sync();
            assertThat(upgraded.lastError()).isNull();
            assertThat(upgraded.changeLines()).first().asString()
                    .as("the pre-upgrade migration runs before anything else changes")
                    .startsWith("Job/health/prefect-server-db-migrations created (hook succeeded");
            assertThat(client.apps().deployments().inNamespace("health").withName("prefect-server").get()
                    .getSpec().getReplicas()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> "Healthy".equals(t.compare().health()));
        }
    }

    /**
     * The demo's legacy release, whose tenant Job kwok completes within a second of its creation, while the first
     * sync is still applying: the running service must show the target Healthy from its watches alone (no compare,
     * no poll: the poll interval is an hour).
     */
    @Test
    void aJobThatCompletesDuringTheFirstSyncLeavesTheTargetHealthy(RealCluster.ControlPlane plane) throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            git.commit("legacy", Map.of("values.yaml", Files.readString(Path.of("../sync-config/examples/values-repo/"
                    + "releases/prefect-server-legacy/values.yaml"))));
            byte[] fleet = """
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: real, kubeconfig: %s}]
                    releases:
                      - {name: prefect-v1, namespace: legacy, chart: {name: prefect-server-legacy, version: 2022.09.23},
                         source: values, values: [values.yaml], syncPolicy: {createNamespace: true}}
                    """.formatted(git.url(), GitHttpServer.USER, plane.kubeconfig()).getBytes(StandardCharsets.UTF_8);
            try (DriftlessService service = DriftlessService.start(FleetLoader.parse("fleet.yaml", fleet, tmp),
                    new DriftlessService.Settings(tmp.resolve("state"), "127.0.0.1", 0, 2,
                            Map.of("PW", GitHttpServer.PASSWORD)))) {
                TargetStatus healthy = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> service.board().get("real/prefect-v1"),
                                s -> s.syncState() == SyncState.Synced && "Healthy".equals(s.health()));
                assertThat(healthy.healthDetails()).isEmpty();
            }
        }
    }

    @Test
    void aCrashLoopingPodMakesTheTargetDegraded(RealCluster.ControlPlane plane) throws Exception {
        // kwok keeps the pods of this annotation waiting in CrashLoopBackOff, as a kubelet would
        String crashing = VALUES.replace("server: {replicaCount: %d}",
                "server: {replicaCount: 1, podAnnotations: {driftless.io/kwok-crash: \"true\"}}");
        try (OneTarget t = new OneTarget(tmp, "prefect-server", "2026.8.18172642", "crashing", crashing,
                "kubeconfig: " + plane.kubeconfig(), "{createNamespace: true}")) {
            assertThat(t.sync().lastError()).isNull();
            TargetStatus degraded = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(t::compare, s -> "Degraded".equals(s.health()));
            assertThat(degraded.healthDetails()).anySatisfy(d -> assertThat(d)
                    .startsWith("Deployment/crashing/prefect-server Degraded: pod prefect-server-")
                    .contains("CrashLoopBackOff"));
        }
    }

    /**
     * The object tree from the watches on a real control plane: the Deployment's ReplicaSet and Pod as its
     * controllers made them, Ready once kwok runs it; kwok then fails the Pod and the next look shows it so, with no
     * sync in between.
     */
    @Test
    void theObjectTreeShowsAPodOfTheDeploymentAndItsFailure(RealCluster.ControlPlane plane) throws Exception {
        try (OneTarget t = new OneTarget(tmp, "prefect-server", "2026.8.18172642", "tree", VALUES.formatted(1),
                "kubeconfig: " + plane.kubeconfig(), "{createNamespace: true}");
             KubernetesClient client = plane.admin()) {
            assertThat(t.sync().lastError()).isNull();
            io.driftless.health.Owned.Node pod = await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1)).until(() -> serverPod(t), p -> p != null
                            && "Healthy".equals(p.health()));
            assertThat(pod.summary()).isEqualTo("Running");
            assertThat(pod.ready()).isEqualTo("1/1");
            client.pods().inNamespace("tree").withName(pod.name()).edit(p -> {
                p.getMetadata().getLabels().put("pod-container-running-failed.stage.kwok.x-k8s.io", "true");
                return p;
            });
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                io.driftless.reconcile.ObjectsReport report = t.objects();
                io.driftless.health.Owned.Node failed = report.objects().stream()
                        .filter(o -> o.ref().kind().equals("Deployment") && o.ref().name().equals("prefect-server"))
                        .flatMap(o -> o.owned().stream()).flatMap(rs -> rs.children().stream())
                        .filter(p -> p.name().equals(pod.name())).findFirst().orElseThrow();
                assertThat(failed.health()).isEqualTo("Degraded");
                assertThat(failed.summary()).isEqualTo("Failed");
            });
            assertThat(t.objects().unwatched()).isEmpty();
        }
    }

    /** The first Pod under the server Deployment's ReplicaSet, as the object tree shows it, or null. */
    private static io.driftless.health.Owned.Node serverPod(OneTarget t) {
        return t.objects().objects().stream()
                .filter(o -> o.ref().kind().equals("Deployment") && o.ref().name().equals("prefect-server"))
                .flatMap(o -> o.owned().stream()).filter(n -> n.kind().equals("ReplicaSet"))
                .flatMap(rs -> rs.children().stream()).findFirst().orElse(null);
    }
}
