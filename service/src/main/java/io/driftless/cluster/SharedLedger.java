package io.driftless.cluster;

import java.util.Map;

import io.driftless.config.HighAvailability;
import io.driftless.status.Ledger;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * A {@link Ledger} under high availability: its entries are the JSON of the key {@value #KEY} of a ConfigMap in
 * the Leases' namespace and cluster, which every replica watches; a change is a guarded read-modify-write.
 */
public final class SharedLedger implements Ledger.Store, AutoCloseable {

    static final String KEY = "entries";

    private final HighAvailability ha;
    private final ClusterConnections clusters;
    private final String name;
    private SharedIndexInformer<ConfigMap> informer;

    private SharedLedger(HighAvailability ha, ClusterConnections clusters, String name) {
        this.ha = ha;
        this.clusters = clusters;
        this.name = name;
    }

    /**
     * The ledger kept in ConfigMap {@code name}; the entries this replica kept in its state folder before (a single
     * replica turned into several) are carried over.
     */
    public static Opened open(HighAvailability ha, ClusterConnections clusters, String name, Map<String, String> carried) {
        SharedLedger store = new SharedLedger(ha, clusters, name);
        Ledger ledger = new Ledger(store);
        carried.forEach(ledger::put);
        store.informer = SharedConfigMaps.watch(ha, clusters, name, data -> ledger.replaced(entries(data, name)));
        return new Opened(ledger, store);
    }

    /** The ledger, and the store to close with the service. */
    public record Opened(Ledger ledger, SharedLedger store) {
    }

    private static Map<String, String> entries(Map<String, String> data, String name) {
        return Ledger.parse(data.get(KEY), "ConfigMap " + name);
    }

    @Override
    public Map<String, String> load() {
        return entries(SharedConfigMaps.read(ha, clusters, name), name);
    }

    @Override
    public void change(String key, String value) {
        SharedConfigMaps.change(ha, clusters, name, data -> {
            Map<String, String> all = entries(data, name);
            if (java.util.Objects.equals(all.get(key), value)) {
                return null;
            }
            if (value == null) {
                all.remove(key);
            } else {
                all.put(key, value);
            }
            return Map.of(KEY, Ledger.json(all));
        });
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
    }
}
