package io.driftless.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.driftless.config.ClusterSpec;
import io.driftless.config.ReleaseSpec;
import io.driftless.config.TenantSpec;

class TenancyTest {

    private static final ClusterSpec PROD = new ClusterSpec("prod", ClusterSpec.Connection.IN_CLUSTER, null, null,
            Map.of("env", "prod"), null);
    private static final TenantSpec TEAM_A = new TenantSpec("team-a", List.of(),
            List.of(new TenantSpec.Destination(new ReleaseSpec.ClusterSelector(List.of(), Map.of("env", "prod")),
                    List.of("team-a", "team-a-*"))),
            List.of(new TenantSpec.GroupKind("networking.k8s.io", "IngressClass")),
            List.of(new TenantSpec.GroupKind("rbac.authorization.k8s.io", "*")), null, null);

    private static Map<String, Object> object(String apiVersion, String kind, String namespace, String name) {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("name", name);
        if (namespace != null) {
            md.put("namespace", namespace);
        }
        return new LinkedHashMap<>(Map.of("apiVersion", apiVersion, "kind", kind, "metadata", md));
    }

    @Test
    void objectsInsideTheTenantPass() {
        assertThat(Tenancy.refuse(TEAM_A, PROD, List.of(object("apps/v1", "Deployment", "team-a", "web"),
                object("v1", "ConfigMap", "team-a-jobs", "settings"),
                object("networking.k8s.io/v1", "IngressClass", null, "team-a")))).isNull();
    }

    @Test
    void everyObjectOutsideItsTenantIsNamedWithTheRuleItBreaks() {
        Plan plan = Tenancy.refuse(TEAM_A, PROD, List.of(
                object("v1", "Pod", "kube-system", "root"),
                object("apps/v1", "Deployment", "team-b", "steal-db"),
                object("rbac.authorization.k8s.io/v1", "RoleBinding", "team-a", "admin"),
                object("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", null, "admin"),
                object("v1", "ConfigMap", "team-a", "driftless-inventory-other"),
                object("apps/v1", "Deployment", "team-a", "fine")));
        assertThat(plan.changes()).isEmpty();
        assertThat(plan.refused().reason()).isEqualTo(Refusal.Reason.TENANCY);
        assertThat(plan.refused().objects()).extracting(o -> o.ref() + " " + o.rule()).containsExactly(
                "Pod/kube-system/root NAMESPACE", "Deployment/team-b/steal-db NAMESPACE",
                "RoleBinding/team-a/admin DENIED_KIND", "ClusterRoleBinding/admin CLUSTER_SCOPED_KIND",
                "ConfigMap/team-a/driftless-inventory-other RESERVED_NAME");
        assertThat(plan.refused().message()).startsWith("outside tenant team-a, nothing written: Pod/kube-system/root: "
                + "tenant team-a may not write to namespace kube-system of cluster prod; ")
                .contains("ClusterRoleBinding/admin: tenant team-a may not write the cluster-scoped kind "
                        + "rbac.authorization.k8s.io/ClusterRoleBinding (its clusterResources: "
                        + "[networking.k8s.io/IngressClass])");
    }

    @Test
    void aFleetWithoutTenantsChecksNothing() {
        assertThat(Tenancy.refuse(TenantSpec.ADMIN, PROD, List.of(object("v1", "Pod", "kube-system", "x")))).isNull();
    }
}
