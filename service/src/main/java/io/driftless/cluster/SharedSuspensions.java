package io.driftless.cluster;

import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.config.HighAvailability;
import io.driftless.status.Suspensions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Suspensions under high availability: the ConfigMap {@value #NAME} in the Leases' namespace and cluster lists the
 * suspended targets (one per line), every replica watches it, and a change is a read-modify-write guarded by the
 * ConfigMap's resourceVersion (retried on a conflict), so two replicas suspending different targets at once lose
 * neither. A target suspended through any replica stays suspended on the one holding it, and after its shard moves.
 */
public final class SharedSuspensions implements Suspensions.Store, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedSuspensions.class);
    static final String NAME = "driftless-suspensions";
    private static final int CONFLICT_RETRIES = 5;

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
        store.informer = store.client().configMaps().inNamespace(ha.namespace()).withName(NAME).runnableInformer(0);
        store.informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap cm) {
                suspensions.replaced(targets(cm));
            }

            @Override
            public void onUpdate(ConfigMap before, ConfigMap after) {
                suspensions.replaced(targets(after));
            }

            @Override
            public void onDelete(ConfigMap cm, boolean unknown) {
                suspensions.replaced(Set.of());
            }
        });
        store.informer.start();
        return new Opened(suspensions, store);
    }

    /** The suspensions, and the store to close with the service. */
    public record Opened(Suspensions suspensions, SharedSuspensions store) {
    }

    private KubernetesClient client() {
        return clusters.client(ha.cluster());
    }

    @Override
    public Set<String> load() {
        return targets(client().configMaps().inNamespace(ha.namespace()).withName(NAME).get());
    }

    @Override
    public void change(String target, boolean suspend) {
        var configMaps = client().configMaps().inNamespace(ha.namespace());
        for (int attempt = 1; ; attempt++) {
            ConfigMap current = configMaps.withName(NAME).get();
            Set<String> all = targets(current);
            if (suspend ? !all.add(target) : !all.remove(target)) {
                return;
            }
            ConfigMap next = new ConfigMapBuilder().withNewMetadata().withName(NAME).withNamespace(ha.namespace())
                    .addToLabels("app.kubernetes.io/managed-by", "driftless").withResourceVersion(current == null ? null
                            : current.getMetadata().getResourceVersion()).endMetadata()
                    .addToData("targets", String.join("\n", all)).build();
            try {
                if (current == null) {
                    configMaps.resource(next).create();
                } else {
                    configMaps.resource(next).update(); // carries the resourceVersion read: no lost update
                }
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= CONFLICT_RETRIES) {
                    throw e;
                }
                LOG.debug("suspensions changed meanwhile; reading them again");
            }
        }
    }

    private static Set<String> targets(ConfigMap cm) {
        Set<String> out = new TreeSet<>();
        String lines = cm == null || cm.getData() == null ? null : cm.getData().get("targets");
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
