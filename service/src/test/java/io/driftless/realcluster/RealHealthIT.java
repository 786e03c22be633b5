package io.driftless.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.status.TargetStatus;
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
}
