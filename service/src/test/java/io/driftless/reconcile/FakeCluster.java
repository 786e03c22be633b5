package io.driftless.reconcile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import io.driftless.apply.ChangeSet;
import io.driftless.cluster.InventoryStore;
import io.driftless.cluster.LiveReader;
import io.driftless.cluster.TargetCluster;
import io.driftless.config.ReleaseSpec;
import io.driftless.health.Health;
import io.driftless.model.ObjectRef;
import io.driftless.status.Notice;
import io.driftless.plan.Action;
import io.driftless.plan.Plan;
import io.driftless.plan.PlannedChange;
import io.driftless.render.Chart;
import io.driftless.render.Values;

/** A cluster in memory for the reconcile pipeline: its objects, inventories, writes and Events. */
final class FakeCluster implements TargetCluster {

    final Map<ObjectRef, Map<String, Object>> objects = new ConcurrentHashMap<>();
    final Map<String, InventoryStore.Inventory> inventories = new ConcurrentHashMap<>();
    final List<ObjectRef> writes = new ArrayList<>();
    final List<Notice> events = new ArrayList<>();
    /** Objects whose write fails, as an API server's refusal would. */
    final Set<String> refuse = ConcurrentHashMap.newKeySet();

    @Override
    public String unavailable(Instant now) {
        return null;
    }

    @Override
    public InventoryStore.Inventory loadInventory(String namespace, String release) {
        return inventories.getOrDefault(namespace + "/" + release, InventoryStore.Inventory.EMPTY);
    }

    @Override
    public void saveInventory(String namespace, String release, String revision, InventoryStore.Inventory inventory,
                              boolean recorded) {
        inventories.put(namespace + "/" + release, inventory);
    }

    @Override
    public void watch(String release, Collection<ObjectRef> refs) {
    }

    /** Every namespace exists here. */
    @Override
    public Set<String> absentNamespaces(Collection<ObjectRef> refs) {
        return Set.of();
    }

    @Override
    public Map<ObjectRef, Map<String, Object>> read(Collection<ObjectRef> refs, String labelValue, Set<String> absent) {
        Map<ObjectRef, Map<String, Object>> out = new java.util.LinkedHashMap<>();
        refs.forEach(r -> {
            if (objects.containsKey(r)) {
                out.put(r, Values.deepCopy(objects.get(r)));
            }
        });
        return out;
    }

    @Override
    public LiveReader.Cache cache() {
        return ref -> objects.containsKey(ref) ? Values.deepCopy(objects.get(ref)) : LiveReader.Cache.ABSENT;
    }

    @Override
    public boolean covers(String release) {
        return true;
    }

    @Override
    public Health.Pods pods() {
        return Health.Pods.UNREAD;
    }

    @Override
    public Chart.Lookup secrets() {
        return Chart.Lookup.NONE;
    }

    @Override
    public Chart.Capabilities capabilities() {
        return Chart.Capabilities.UNKNOWN;
    }

    @Override
    public void createNamespaces(String target, Set<String> namespaces) {
    }

    @Override
    public synchronized ChangeSet apply(String target, Plan plan, List<ReleaseSpec.IgnoreRule> ignores,
                                        boolean serverSideApply, BooleanSupplier stopping) {
        List<ChangeSet.Entry> entries = new ArrayList<>();
        for (PlannedChange c : plan.changes()) {
            ChangeSet.Outcome outcome = switch (c.action()) {
                case CREATE, UPDATE, RECREATE, HOOK -> refuse.contains(c.ref().name()) ? ChangeSet.Outcome.FAILED
                        : c.action() == Action.CREATE || c.action() == Action.HOOK ? ChangeSet.Outcome.CREATED
                        : ChangeSet.Outcome.CONFIGURED;
                case PRUNE -> ChangeSet.Outcome.PRUNED;
                case UNCHANGED -> ChangeSet.Outcome.UNCHANGED;
                case SKIP -> ChangeSet.Outcome.SKIPPED;
                case BLOCKED -> ChangeSet.Outcome.FAILED;
            };
            if (outcome == ChangeSet.Outcome.CREATED || outcome == ChangeSet.Outcome.CONFIGURED) {
                if (c.action() != Action.HOOK) {
                    objects.put(c.ref(), Values.deepCopy(c.desired()));
                }
                writes.add(c.ref());
            } else if (outcome == ChangeSet.Outcome.PRUNED) {
                objects.remove(c.ref());
                writes.add(c.ref());
            }
            entries.add(new ChangeSet.Entry(c.ref(), outcome, outcome == ChangeSet.Outcome.FAILED ? "refused" : null));
        }
        return new ChangeSet(entries);
    }

    @Override
    public void record(Notice notice) {
        events.add(notice);
    }
}
