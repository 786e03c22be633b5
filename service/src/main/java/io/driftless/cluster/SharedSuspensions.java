package io.driftless.cluster;

import java.util.Set;
import java.util.TreeSet;

import io.driftless.config.HighAvailability;
import io.driftless.status.Suspensions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Suspensions under high availability: the ConfigMap {@value #NAME} in the Leases' namespace and cluster lists the
 * suspended targets (one per line), every replica watches it, and a change is a read-modify-write guarded by the
 * ConfigMap's resourceVersion (retried on a conflict), so two replicas suspending different targets at once lose
 * neither. A target suspended through any replica stays suspended on the one holding it, and after its shard moves.
 */
public final class SharedSuspensions implements Suspensions.Store, AutoCloseable {

    static final String NAME = "driftless-suspensions";

    private final HighAvailability ha;
    private final ClusterConnections clusters;
    private SharedIndexInformer<ConfigMap> informer;

    private SharedSuspensions(HighAvailability ha, ClusterConnections clusters) {
        this.ha = ha;
        this.clusters = clusters;
    }

    /**
     * The fleet's suspensions, kept in its Leases' cluster; those this replica kept in its state folder before (a
     * single replica turned into several) are carried over.
     *
     * @param carried the suspensions of the state folder
     */
    public static Opened open(HighAvailability ha, ClusterConnections clusters, Set<String> carried) {
        SharedSuspensions store = new SharedSuspensions(ha, clusters);
        Suspensions suspensions = new Suspensions(store);
        carried.forEach(t -> suspensions.set(t, true));
        store.informer = SharedConfigMaps.watch(ha, clusters, NAME, data -> suspensions.replaced(targets(data)));
        return new Opened(suspensions, store);
    }

    /** The suspensions, and the store to close with the service. */
    public record Opened(Suspensions suspensions, SharedSuspensions store) {
    }

    @Override
    public Set<String> load() {
        return targets(SharedConfigMaps.read(ha, clusters, NAME));
    }

    @Override
    public void change(String target, boolean suspend) {
        SharedConfigMaps.change(ha, clusters, NAME, data -> {
            Set<String> all = targets(data);
            boolean changed = suspend ? all.add(target) : all.remove(target);
            return changed ? java.util.Map.of("targets", String.join("\n", all)) : null;
        });
    }

    private static Set<String> targets(java.util.Map<String, String> data) {
        Set<String> out = new TreeSet<>();
        String lines = data.get("targets");
        if (lines != null) {
            lines.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(out::add);
        }
        return out;
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
    }
}
