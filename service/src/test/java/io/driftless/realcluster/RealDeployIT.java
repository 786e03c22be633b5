package io.driftless.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.driftless.testing.RealCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * {@code deploy/} applied to a real API server: every object of the Kubernetes API is accepted (validation,
 * admission, RBAC) and the Deployment becomes available with kwok's kubelets. The Prometheus Operator's kinds
 * need its CRDs, which this control plane does not have.
 */
@RealCluster
class RealDeployIT {

    @Test
    void theManifestsCreateWithoutErrorAndTheDeploymentBecomesAvailable(RealCluster.ControlPlane plane)
            throws Exception {
        DeployManifestsTest.load();
        try (KubernetesClient admin = plane.admin()) {
            for (HasMetadata o : DeployManifestsTest.objects) {
                if (o.getApiVersion().startsWith("monitoring.coreos.com/")) {
                    continue;
                }
                admin.resource(o).createOr(existing -> existing.update());
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                var d = admin.apps().deployments().inNamespace("driftless").withName("driftless").get();
                return d.getStatus() != null && Integer.valueOf(2).equals(d.getStatus().getAvailableReplicas());
            });
            assertThat(admin.policy().v1().podDisruptionBudget().inNamespace("driftless").withName("driftless").get())
                    .isNotNull();
        }
    }
}
