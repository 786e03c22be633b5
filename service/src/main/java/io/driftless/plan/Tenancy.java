package io.driftless.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.driftless.config.ClusterSpec;
import io.driftless.config.TenantSpec;
import io.driftless.model.ObjectRef;

/**
 * What a tenant's release may write, checked on every rendered object before anything is read or written: its
 * namespace must be one of the tenant's destinations on that cluster (a chart that names another namespace, or a
 * {@code namespaceOverride}, is refused), a cluster-scoped kind must be in the tenant's {@code clusterResources}, a
 * namespaced kind must not be in its {@code namespacedResourcesDenied}, and no object may take a name Driftless
 * keeps for its own records. Pure.
 */
public final class Tenancy {

    /** The prefix of each target's inventory ConfigMap, which only Driftless writes. */
    public static final String INVENTORY_PREFIX = "driftless-inventory-";

    private Tenancy() {
    }

    /**
     * @param desired the rendered objects, already put into the release's namespace where they named none (and
     *                cluster-scoped ones out of any)
     * @return a refusal naming every object out of bounds and its rule, or null when all are within
     */
    public static Plan refuse(TenantSpec tenant, ClusterSpec cluster, List<Map<String, Object>> desired) {
        if (tenant.isAdmin()) {
            return null;
        }
        List<Refusal.RefusedObject> refused = new ArrayList<>();
        for (Map<String, Object> object : desired) {
            ObjectRef ref = Planner.refOf(object);
            String who = "tenant " + tenant.name();
            if (ref.namespace() == null) { // cluster-scoped: the planner took the namespace off by its scope
                if (!tenant.admitsClusterScoped(ref.group(), ref.kind())) {
                    refused.add(new Refusal.RefusedObject(ref, Refusal.Rule.CLUSTER_SCOPED_KIND, who + " may not "
                            + "write the cluster-scoped kind " + groupKind(ref) + " (its clusterResources: "
                            + tenant.clusterResources() + ")"));
                }
                continue;
            }
            if (!tenant.admitsNamespace(cluster, ref.namespace())) {
                refused.add(new Refusal.RefusedObject(ref, Refusal.Rule.NAMESPACE, who + " may not write to namespace "
                        + ref.namespace() + " of cluster " + cluster.name()));
            } else if (tenant.deniesNamespaced(ref.group(), ref.kind())) {
                refused.add(new Refusal.RefusedObject(ref, Refusal.Rule.DENIED_KIND, who + " may not write "
                        + groupKind(ref) + " (its namespacedResourcesDenied)"));
            } else if ("ConfigMap".equals(ref.kind()) && ref.group().isEmpty()
                    && ref.name().startsWith(INVENTORY_PREFIX)) {
                refused.add(new Refusal.RefusedObject(ref, Refusal.Rule.RESERVED_NAME, "the name is Driftless's, "
                        + "for a target's inventory"));
            }
        }
        return refused.isEmpty() ? null : new Plan(List.of(), Refusal.of(Refusal.Reason.TENANCY,
                "outside tenant " + tenant.name() + ", nothing written: ", refused));
    }

    private static String groupKind(ObjectRef ref) {
        return (ref.group().isEmpty() ? "" : ref.group() + "/") + ref.kind();
    }
}
