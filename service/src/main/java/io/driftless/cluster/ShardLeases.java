package io.driftless.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.config.HighAvailability;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;

/**
 * Which shards this replica holds. Without high availability it holds the only shard; with it, one leader
 * election per shard runs on a Lease ({@code coordination.k8s.io/v1}) named {@code driftless-shard-<n>},
 * renewed every third of the lease duration, released on shutdown so another replica takes over at once.
 */
public final class ShardLeases implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardLeases.class);

    /** Who holds a shard, as the status API shows it. */
    public record Holding(int shard, String holder, boolean mine) {
    }

    private final HighAvailability ha;
    private final String identity;
    private final Set<Integer> held = ConcurrentHashMap.newKeySet();
    private final Map<Integer, String> holders = new ConcurrentHashMap<>();
    private final List<java.util.concurrent.CompletableFuture<?>> elections = new ArrayList<>();
    private final ExecutorService executor;

    /**
     * @param acquired called with a shard this replica has just taken (its targets should sync now)
     */
    public ShardLeases(HighAvailability ha, String identity, ClusterConnections clusters, IntConsumer acquired) {
        this.ha = ha;
        this.identity = identity;
        if (!ha.enabled()) {
            held.add(0);
            holders.put(0, identity);
            executor = null;
            return;
        }
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "driftless-lease");
            t.setDaemon(true);
            return t;
        });
        KubernetesClient client = clusters.client(ha.cluster());
        ensureNamespace(client, ha.namespace());
        for (int shard = 0; shard < ha.shards(); shard++) {
            int s = shard;
            String name = "driftless-shard-" + s;
            LeaderElector elector = new LeaderElectorBuilder(client, executor).withConfig(new LeaderElectionConfigBuilder()
                    .withName(name).withLock(new LeaseLock(ha.namespace(), name, identity))
                    .withLeaseDuration(ha.leaseDuration()).withRenewDeadline(ha.leaseDuration().multipliedBy(2).dividedBy(3))
                    .withRetryPeriod(ha.leaseDuration().dividedBy(5)).withReleaseOnCancel(true)
                    .withLeaderCallbacks(new LeaderCallbacks(() -> {
                        held.add(s);
                        LOG.info("shard={} identity={} lease acquired", s, identity);
                        acquired.accept(s);
                    }, () -> {
                        held.remove(s);
                        LOG.info("shard={} identity={} lease lost", s, identity);
                    }, leader -> holders.put(s, leader)))
                    .build()).build();
            elections.add(elector.start());
        }
    }

    private static void ensureNamespace(KubernetesClient client, String namespace) {
        try {
            if (client.namespaces().withName(namespace).get() == null) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                        .build()).create();
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    public int shards() {
        return ha.enabled() ? ha.shards() : 1;
    }

    public boolean holds(int shard) {
        return held.contains(shard);
    }

    public String identity() {
        return identity;
    }

    /** Every shard with its current holder (as last observed), in shard order. */
    public List<Holding> holdings() {
        Map<Integer, Holding> out = new TreeMap<>();
        for (int s = 0; s < shards(); s++) {
            out.put(s, new Holding(s, holders.get(s), held.contains(s)));
        }
        return List.copyOf(out.values());
    }

    /** Stops renewing and releases the held leases, so other replicas take the shards over at once. */
    @Override
    public void close() {
        elections.forEach(e -> e.cancel(true));
        held.clear();
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
