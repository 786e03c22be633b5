package io.driftless.realcluster;

import io.driftless.status.SyncState;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.status.TargetStatus;
import io.driftless.testing.OneTarget;
import io.driftless.testing.RealCluster;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * Server-side apply on a real API server: Driftless owns its fields as manager {@code driftless}, takes them back
 * from a manager that changed them ({@code kubectl edit}), and the server drops fields it stops rendering.
 */
@RealCluster
class ServerSideApplyIT {

    private static final String VALUES = """
            sqlite:
              enabled: true
            postgresql:
              enabled: false
            server:
              replicaCount: 1
              env:%s
            """;

    @TempDir
    Path tmp;

    @Test
    void serverSideApplyTakesItsFieldsBackAndDropsWhatIsNoLongerRendered(RealCluster.ControlPlane plane)
            throws Exception {
        String withExtra = VALUES.formatted("\n    - {name: EXTRA_SETTING, value: \"on\"}");
        try (OneTarget t = new OneTarget(tmp, "prefect-server", "2026.8.18172642", "ssa", withExtra,
                "kubeconfig: " + plane.kubeconfig(), "{serverSideApply: true}");
             KubernetesClient client = plane.admin()) {
            assertThat(t.sync().syncState()).isEqualTo(SyncState.Synced);
            Deployment server = client.apps().deployments().inNamespace("ssa").withName("prefect-server").get();
            assertThat(server.getMetadata().getManagedFields()).anySatisfy(f -> {
                assertThat(f.getManager()).isEqualTo("driftless");
                assertThat(f.getOperation()).isEqualTo("Apply");
            });
            assertThat(t.compare().driftLines()).as("server defaults are not drift").isEmpty();

            client.apps().deployments().inNamespace("ssa").withName("prefect-server").patch(
                    new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).withFieldManager("kubectl-edit").build(),
                    "{\"spec\":{\"replicas\":3}}");
            TargetStatus drifted = t.compare();
            assertThat(drifted.driftLines()).anySatisfy(line -> assertThat(line)
                    .contains("/spec/replicas").contains("last written by kubectl-edit"));
            assertThat(t.sync().syncState()).isEqualTo(SyncState.Synced);
            assertThat(client.apps().deployments().inNamespace("ssa").withName("prefect-server").get()
                    .getSpec().getReplicas()).isEqualTo(1);

            t.commit(VALUES.formatted(" []"));
            assertThat(t.sync().syncState()).isEqualTo(SyncState.Synced);
            assertThat(client.apps().deployments().inNamespace("ssa").withName("prefect-server").get().getSpec()
                    .getTemplate().getSpec().getContainers().get(0).getEnv())
                    .noneMatch(e -> e.getName().equals("EXTRA_SETTING"));
            assertThat(t.compare().outOfSync()).isZero();
        }
    }
}
