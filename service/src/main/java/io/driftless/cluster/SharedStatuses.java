package io.driftless.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.driftless.config.HighAvailability;
import io.driftless.model.Sha256;
import io.driftless.status.TargetStatus;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * One fleet view under high availability: each replica writes the status of every target it holds to a ConfigMap
 * ({@code driftless-status-<hash>}, labelled {@value #LABEL}) in the Leases' namespace and cluster, and watches the
 * others', so any replica answers for every target, and a replica that takes a shard over starts from its last
 * holder's status (history included). Writes go out in the background, the newest status of each target only.
 * Statuses are already redacted (drift shows no Secret value), as the API shows them.
 */
public final class SharedStatuses implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedStatuses.class);
    public static final String LABEL = "driftless.io/status";
    /** Room left under the API server's 1 MiB object limit; a larger status goes without its drift and changes. */
    static final int MAX_BYTES = 900 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final HighAvailability ha;
    private final ClusterConnections clusters;
    private final Map<String, TargetStatus> pending = new LinkedHashMap<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "driftless-status-share");
        t.setDaemon(true);
        return t;
    });
    private final SharedIndexInformer<ConfigMap> informer;

    /** The status ConfigMaps known to exist (written or seen): a status goes to one of them as one merge patch. */
    private final java.util.Set<String> existing = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param own  whether a target is this replica's own (its shared status, this replica's echo, is not read)
     * @param seen each status another replica wrote (or wrote before this one started)
     */
    public SharedStatuses(HighAvailability ha, ClusterConnections clusters, java.util.function.Predicate<String> own,
                          Consumer<TargetStatus> seen) {
        this.ha = ha;
        this.clusters = clusters;
        this.informer = client().configMaps().inNamespace(ha.namespace()).withLabel(LABEL).runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(ConfigMap cm) {
                        existing.add(cm.getMetadata().getName());
                        read(cm, own, seen);
                    }

                    @Override
                    public void onUpdate(ConfigMap before, ConfigMap after) {
                        read(after, own, seen);
                    }

                    @Override
                    public void onDelete(ConfigMap cm, boolean unknown) {
                        existing.remove(cm.getMetadata().getName());
                    }
                });
        informer.start(); // in the background: an unreachable lease cluster is the leases' to report
    }

    private KubernetesClient client() {
        return clusters.client(ha.cluster());
    }

    private static void read(ConfigMap cm, java.util.function.Predicate<String> own, Consumer<TargetStatus> seen) {
        String json = cm.getData() == null ? null : cm.getData().get("status");
        String target = cm.getData() == null ? null : cm.getData().get("target");
        if (json == null || target != null && own.test(target)) {
            return;
        }
        try {
            seen.accept(JSON.readValue(json, TargetStatus.class));
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("status={} cannot be read ({}); this replica shows that target as it last knew it",
                    cm.getMetadata().getName(), e.getClass().getSimpleName());
        }
    }

    /** Shares a status of a target this replica holds (in the background; only the newest goes out). */
    public void publish(TargetStatus status) {
        String id = status.id();
        synchronized (pending) {
            boolean scheduled = !pending.isEmpty();
            pending.put(id, status);
            if (scheduled) {
                return;
            }
        }
        writer.execute(this::flush);
    }

    private void flush() {
        while (true) {
            Map.Entry<String, TargetStatus> next;
            synchronized (pending) {
                var it = pending.entrySet().iterator();
                if (!it.hasNext()) {
                    return;
                }
                next = it.next();
                it.remove();
            }
            write(next.getKey(), next.getValue());
        }
    }

    private void write(String id, TargetStatus status) {
        try {
            String json = JSON.writeValueAsString(status);
            if (json.length() > MAX_BYTES) {
                json = JSON.writeValueAsString(new TargetStatus(status.cluster(), status.release(), status.namespace(),
                        status.source(), status.syncState(), status.revision(), status.attemptedRevision(),
                        status.lastSync(), status.lastSuccess(), status.outOfSync(), status.summary(),
                        status.failure(), status.warnings(), java.util.List.of(), java.util.List.of(),
                        status.health(), status.healthDetails(), status.history()));
            }
            ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName(name(id)).withNamespace(ha.namespace())
                    .addToLabels(LABEL, "target").addToLabels("app.kubernetes.io/managed-by", "driftless")
                    .endMetadata().addToData("target", id).addToData("status", json).build();
            var configMaps = client().configMaps().inNamespace(ha.namespace());
            if (existing.contains(cm.getMetadata().getName())) {
                try {
                    // one request: the data merged into the ConfigMap by name (no read of it first, no create tried)
                    configMaps.resource(new ConfigMapBuilder().withMetadata(cm.getMetadata()).build())
                            .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                    io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                                    JSON.writeValueAsString(Map.of("data", cm.getData())));
                    return;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 404) {
                        throw e;
                    }
                    existing.remove(cm.getMetadata().getName()); // deleted meanwhile: made again below
                }
            }
            configMaps.resource(cm).createOr(made -> made.update());
            existing.add(cm.getMetadata().getName());
        } catch (KubernetesClientException | java.io.IOException e) {
            LOG.warn("target={} status not shared with the other replicas: {}", id, e.getMessage());
        }
    }

    /** Forgets a target that left the fleet: its shared status is deleted. */
    public void remove(String id) {
        writer.execute(() -> {
            existing.remove(name(id));
            try {
                client().configMaps().inNamespace(ha.namespace()).withName(name(id)).delete();
            } catch (KubernetesClientException e) {
                LOG.debug("target={} shared status not deleted: {}", id, e.getMessage());
            }
        });
    }

    /** {@code driftless-status-} and a hash of the target's id (names of any length and character fit). */
    static String name(String targetId) {
        return "driftless-status-" + Sha256.hex(targetId.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .substring(0, 16);
    }

    @Override
    public void close() {
        informer.close();
        writer.shutdown();
        try {
            writer.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
