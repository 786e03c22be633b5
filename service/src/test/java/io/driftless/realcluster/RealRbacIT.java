package io.driftless.realcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.cluster.ShardLeases;
import io.driftless.config.HighAvailability;
import io.driftless.config.Origin;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.testing.OneTarget;
import io.driftless.testing.RealCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Least privilege, proven for a fleet without tenants: Driftless runs with the token of its service account bound
 * only to the ClusterRoles of {@code deploy/base/} and the single-team binding of {@code deploy/single-team/} (the
 * tenant role, everywhere), and a full sync (every kind the charts render, RBAC objects included), a prune, a hook
 * run, a lease round and its Events go through without one request denied. {@link RealTenancyIT} proves the base
 * alone with tenants.
 */
@RealCluster
class RealRbacIT {

    @TempDir
    Path tmp;

    /** A file of deploy/ ({@code base/clusterrole.yaml}). */
    static Path deploy(String file) {
        return List.of(Path.of("../deploy", file), Path.of("deploy", file)).stream()
                .filter(Files::isRegularFile).findFirst().orElseThrow();
    }

    /** Creates (or updates) every object of a file of deploy/ as the cluster's admin. */
    static void apply(KubernetesClient admin, String file) throws java.io.IOException {
        try (FileInputStream in = new FileInputStream(deploy(file).toFile())) {
            for (HasMetadata o : admin.load(in).items()) {
                admin.resource(o).createOr(existing -> existing.update());
            }
        }
    }

    /** The requests of a service's metrics that were answered with this HTTP status. */
    static double requests(io.driftless.telemetry.Metrics metrics, String code) {
        return metrics.scrape().lines().filter(l -> l.startsWith("driftless_kubernetes_requests_total{"))
                .filter(l -> l.contains("code=\"" + code + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static double requests(OneTarget t, String code) {
        return requests(t.metrics(), code);
    }

    @Test
    void everythingASyncDoesIsAllowedByTheDeployedClusterRolesAlone(RealCluster.ControlPlane plane) throws Exception {
        try (KubernetesClient admin = plane.admin()) {
            for (String file : List.of("base/clusterrole.yaml", "base/clusterrolebinding.yaml",
                    "base/tenant-clusterrole.yaml", "single-team/clusterrolebinding.yaml")) {
                apply(admin, file);
            }
            try {
                syncsPrunesHooksLeasesAndEvents(plane, admin);
            } finally { // the control plane is shared: RealTenancyIT needs Driftless without the tenant role
                admin.rbac().clusterRoleBindings().withName("driftless-single-team").delete();
            }
        }
    }

    private void syncsPrunesHooksLeasesAndEvents(RealCluster.ControlPlane plane, KubernetesClient admin)
            throws Exception {
        {
            String kubeconfig = "kubeconfig: " + plane.driftlessKubeconfig();
            // the legacy chart: Roles, RoleBindings, Ingress, StatefulSet, Jobs
            try (OneTarget legacy = new OneTarget(tmp.resolve("legacy"), "prefect-server-legacy", "2022.09.23",
                    "rbac-legacy", "agent: {enabled: true}\nui: {ingress: {enabled: true, hosts: [ui.example.com]}}\n",
                    kubeconfig, "{createNamespace: true}")) {
                TargetStatus first = legacy.sync();
                assertThat(first.lastError()).isNull();
                assertThat(first.syncState()).isEqualTo(SyncState.Synced);
                legacy.commit("agent: {enabled: false}\n"); // prunes the agent's Deployment, Role and RoleBinding
                TargetStatus pruned = legacy.sync();
                assertThat(pruned.lastError()).isNull();
                assertThat(pruned.changeLines()).anySatisfy(c -> assertThat(c).contains("Role/rbac-legacy/")
                        .contains("pruned"));
                // the target leaves a fleet that says pruneRemovedTargets: everything of it goes, inventory too
                assertThat(legacy.syncer().retire(legacy.target())).startsWith("pruned ").doesNotContain("kept");
                assertThat(admin.apps().statefulSets().inNamespace("rbac-legacy").list().getItems()).isEmpty();
                assertThat(admin.configMaps().inNamespace("rbac-legacy").withName("driftless-inventory-prefect").get())
                        .isNull();
                assertThat(requests(legacy, "403")).as("denied requests").isZero();
            }
            // the modern chart with its migration hook, an autoscaler and an Ingress, and a lease round
            try (OneTarget modern = new OneTarget(tmp.resolve("modern"), "prefect-server", "2026.8.18172642",
                    "rbac-modern", """
                            postgresql: {enabled: false}
                            externalDatabase: {existingSecret: db, host: db.example.com, username: p,
                                               passwordSecretKey: pw, name: p}
                            backgroundServices:
                              runAsSeparateDeployment: true
                              messaging: {redis: {host: redis.cache.svc, existingSecret: redis-auth}}
                            server: {autoscaling: {enabled: true}, resources: {requests: {cpu: 100m}}}
                            ingress: {enabled: true, host: {hostname: prefect.example.com}}
                            """, kubeconfig, "{createNamespace: true}");
                 ShardLeases leases = new ShardLeases(new HighAvailability("dev", "rbac-leases", 2,
                         Duration.ofSeconds(10), Origin.NONE), "replica", modern.clusters(), shard -> { })) {
                TargetStatus first = modern.sync();
                assertThat(first.lastError()).isNull();
                assertThat(first.changeLines()).anySatisfy(c -> assertThat(c)
                        .startsWith("Job/rbac-modern/prefect-server-db-migrations created (hook succeeded"));
                await().atMost(Duration.ofSeconds(20)).until(() -> leases.holds(0) && leases.holds(1));
                assertThat(admin.v1().events().inNamespace("rbac-modern").list().getItems())
                        .as("the sync's notices are recorded as Events").isNotEmpty();
                assertThat(requests(modern, "403")).as("denied requests").isZero();
            }
        }
    }
}
