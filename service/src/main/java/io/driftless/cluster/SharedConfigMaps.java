package io.driftless.cluster;

import java.util.Map;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.config.HighAvailability;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * A ConfigMap in the Leases' namespace and cluster that every replica reads, watches and changes: a change is a
 * read-modify-write guarded by the ConfigMap's resourceVersion (read again and retried on a conflict), so two
 * replicas changing different entries at once lose neither.
 */
final class SharedConfigMaps {

    private static final Logger LOG = LoggerFactory.getLogger(SharedConfigMaps.class);
    private static final int CONFLICT_RETRIES = 5;

    private SharedConfigMaps() {
    }

    private static KubernetesClient client(HighAvailability ha, ClusterConnections clusters) {
        return clusters.client(ha.cluster());
    }

    /** The ConfigMap's data now (empty when it does not exist). */
    static Map<String, String> read(HighAvailability ha, ClusterConnections clusters, String name) {
        return data(client(ha, clusters).configMaps().inNamespace(ha.namespace()).withName(name).get());
    }

    private static Map<String, String> data(ConfigMap cm) {
        return cm == null || cm.getData() == null ? Map.of() : cm.getData();
    }

    /**
     * Changes the ConfigMap's data: {@code change} gets the data read and answers the data to write, or null when
     * nothing is to change.
     */
    static void change(HighAvailability ha, ClusterConnections clusters, String name,
                       UnaryOperator<Map<String, String>> change) {
        var configMaps = client(ha, clusters).configMaps().inNamespace(ha.namespace());
        for (int attempt = 1; ; attempt++) {
            ConfigMap current = configMaps.withName(name).get();
            Map<String, String> next = change.apply(data(current));
            if (next == null) {
                return;
            }
            ConfigMap written = new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(ha.namespace())
                    .addToLabels("app.kubernetes.io/managed-by", "driftless").withResourceVersion(current == null ? null
                            : current.getMetadata().getResourceVersion()).endMetadata().withData(next).build();
            try {
                if (current == null) {
                    configMaps.resource(written).create();
                } else {
                    configMaps.resource(written).update(); // carries the resourceVersion read: no lost update
                }
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= CONFLICT_RETRIES) {
                    throw e;
                }
                LOG.debug("ConfigMap {} changed meanwhile; reading it again", name);
            }
        }
    }

    /** Watches the ConfigMap: {@code seen} gets its data at start and after each change (empty once deleted). */
    static SharedIndexInformer<ConfigMap> watch(HighAvailability ha, ClusterConnections clusters, String name,
                                                java.util.function.Consumer<Map<String, String>> seen) {
        SharedIndexInformer<ConfigMap> informer = client(ha, clusters).configMaps().inNamespace(ha.namespace())
                .withName(name).runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap cm) {
                seen.accept(data(cm));
            }

            @Override
            public void onUpdate(ConfigMap before, ConfigMap after) {
                seen.accept(data(after));
            }

            @Override
            public void onDelete(ConfigMap cm, boolean unknown) {
                seen.accept(Map.of());
            }
        });
        informer.start();
        return informer;
    }
}
