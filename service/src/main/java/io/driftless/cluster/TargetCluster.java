package io.driftless.cluster;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import io.driftless.apply.ChangeSet;
import io.driftless.config.ReleaseSpec;
import io.driftless.health.Health;
import io.driftless.model.ObjectRef;
import io.driftless.status.Notice;
import io.driftless.plan.Plan;
import io.driftless.render.Chart;

/**
 * What the reconcile pipeline needs from one cluster: its live state, the targets' inventories, a writer, an
 * event sink and the facts a chart asks about. {@link KubeTargetCluster} is the Kubernetes side; tests pass fakes.
 */
public interface TargetCluster {

    /** Why nothing should be tried on this cluster now (unreachable and backing off), or null. */
    String unavailable(Instant now);

    // ---- inventory ----

    InventoryStore.Inventory loadInventory(String namespace, String release);

    /** @param recorded whether the target has an inventory recorded already (as {@link #loadInventory} found) */
    void saveInventory(String namespace, String release, String revision, InventoryStore.Inventory inventory,
                       boolean recorded);

    // ---- live state ----

    /** Keeps the target's objects of these kinds watched (reads then come from the watch caches). */
    void watch(String release, Collection<ObjectRef> refs);

    /**
     * The namespaces of these objects that do not exist (asked once each; one whose objects the watches hold exists;
     * one that cannot be read counts as existing). Nothing is read there, and they are the ones to create.
     */
    Set<String> absentNamespaces(Collection<ObjectRef> refs);

    /**
     * The live objects among {@code refs} (owned ones by the target label, others read directly), by ref; none in
     * the {@code absent} namespaces.
     */
    Map<ObjectRef, Map<String, Object>> read(Collection<ObjectRef> refs, String labelValue, Set<String> absent);

    /** The watch cache alone, never the API server; null where it cannot answer. */
    LiveReader.Cache cache();

    /** Whether the watch caches answer every read of the target. */
    boolean covers(String release);

    /**
     * What the objects in these namespaces own (ReplicaSets, Pods, Jobs, claims), from watches started at the first
     * ask; none by default.
     */
    default io.driftless.health.Owned.Lookup owned(Collection<String> namespaces) {
        return io.driftless.health.Owned.Lookup.NONE;
    }

    /** The kinds of owned objects this cluster would not let Driftless watch lately (trees lack them). */
    default List<String> unwatchedOwned() {
        return List.of();
    }

    /** A workload's stuck pods, read when its health needs them. */
    Health.Pods pods();

    // ---- what a chart asks ----

    Chart.Lookup secrets();

    Chart.Capabilities capabilities();

    /** Which kinds the cluster serves outside namespaces, as far as it says (Kubernetes's own kinds by default). */
    default io.driftless.model.KindScopes scopes() {
        return io.driftless.model.KindScopes.BUILTIN;
    }

    // ---- writing ----

    /** Creates namespaces {@link #absentNamespaces} found absent (one created meanwhile by another is fine). */
    void createNamespaces(String target, Set<String> namespaces);

    /** Executes a plan, in order; the writes are remembered so reads wait for their echo. */
    ChangeSet apply(String target, Plan plan, List<ReleaseSpec.IgnoreRule> ignores, boolean serverSideApply,
                    BooleanSupplier stopping);

    // ---- events ----

    /** Records a notice as a Kubernetes Event of the target (skipped while the cluster does not answer). */
    void record(Notice notice);
}
