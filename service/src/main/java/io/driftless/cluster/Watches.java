package io.driftless.cluster;

import io.driftless.config.TargetId;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.model.ObjectRef;
import io.driftless.model.Tracking;
import io.driftless.render.Manifests;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Live state from informers: per cluster and kind, one label-selected watch ({@code driftless.io/target})
 * over all namespaces, made as Driftless itself; for a tenant whose requests are made as its ServiceAccount, one per
 * namespace of its objects, made as that account (which may not list other namespaces). Its cache answers the live
 * reads of a sync without API calls, and every change to an owned object (other than its status) is reported as a
 * {@link Change}, so drift is seen when it happens.
 */
public final class Watches implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Watches.class);

    /**
     * An owned object changed in a cluster.
     *
     * @param release the value of its {@code driftless.io/target} label
     * @param event   added, updated or deleted
     */
    public record Change(String cluster, String release, ObjectRef ref, String event) {
    }

    private final Map<String, Echoes> echoes = new ConcurrentHashMap<>();
    /** The objects of each target (cluster/label) reported changed since its changes were last weighed, by version. */
    private final Map<String, Map<ObjectRef, Set<String>>> changed = new ConcurrentHashMap<>();
    /** The event of a {@link Change} that only changed an object's status. */
    public static final String STATUS_CHANGED = "status";

    private final ClusterConnections clusters;
    /**
     * What one informer watches: a kind of a cluster, as a user (null: Driftless itself, over all namespaces) in one
     * namespace (null: all, or a cluster-scoped kind).
     */
    record Key(String cluster, String apiVersion, String kind, String user, String namespace) {
        static Key of(String cluster, String user, ObjectRef ref) {
            return new Key(cluster, ref.apiVersion(), ref.kind(), user, user == null ? null : ref.namespace());
        }

        /** {@code apiVersion/Kind}. */
        String kindName() {
            return apiVersion + "/" + kind;
        }
    }

    private final Map<Key, SharedIndexInformer<GenericKubernetesResource>> informers = new ConcurrentHashMap<>();
    /**
     * Kinds that could not be watched (not served, forbidden), and when to try again: meanwhile their reads go to the
     * API server. A definition installed or a permission granted since is picked up without a restart.
     */
    private final Map<Key, Instant> unwatchable = new ConcurrentHashMap<>();
    static final java.time.Duration RETRY_UNWATCHABLE = java.time.Duration.ofMinutes(1);
    /** The informers each target's objects need, by cluster/release. */
    private final Map<String, Set<Key>> targetKinds = new ConcurrentHashMap<>();
    private volatile Consumer<Change> listener = change -> { };
    private volatile boolean closed;

    public Watches(ClusterConnections clusters) {
        this.clusters = clusters;
    }

    public void listen(Consumer<Change> listener) {
        this.listener = listener;
    }

    /** Watches the kinds of a target's objects as Driftless itself (see {@link #watch(String, String, String, Collection)}). */
    public void watch(String cluster, String release, Collection<ObjectRef> refs) {
        watch(cluster, null, release, refs);
    }

    /**
     * Watches the kinds of a target's objects (idempotent; informers start in the background).
     *
     * @param user whom the watches are made as (a tenant's ServiceAccount), or null for Driftless itself
     */
    public void watch(String cluster, String user, String release, Collection<ObjectRef> refs) {
        Set<Key> keys = refs.stream().map(r -> Key.of(cluster, user, r)).collect(Collectors.toSet());
        targetKinds.put(TargetId.of(cluster, release), keys);
        start(keys);
    }

    /**
     * A definition was just established in the cluster: the kinds of its targets that could not be watched (not
     * served a moment ago) are tried again now, not a minute later, so the new resources' drift is seen at once.
     */
    public void retryUnwatchable(String cluster) {
        if (unwatchable.keySet().removeIf(k -> k.cluster().equals(cluster))) {
            targetKinds.forEach((id, keys) -> {
                if (id.startsWith(cluster + "/")) {
                    start(keys);
                }
            });
        }
    }

    private void start(Set<Key> keys) {
        for (Key key : keys) {
            String cluster = key.cluster();
            Instant retry = unwatchable.get(key);
            if (closed || retry != null && Instant.now().isBefore(retry) || informers.containsKey(key)) {
                continue;
            }
            unwatchable.remove(key);
            // no lock while the informer is made: fabric8 may ask the API server about the kind first, and
            // one cluster's slow answer must not hold another cluster's watches (a lost race costs one discarded,
            // never started informer)
            SharedIndexInformer<GenericKubernetesResource> informer = create(key);
            synchronized (this) { // close() and forget() see every informer that is kept
                if (closed || informers.putIfAbsent(key, informer) != null) {
                    continue;
                }
            }
            informer.start().whenComplete((done, failure) -> {
                if (failure != null) {
                    unwatchable.put(key, Instant.now().plus(RETRY_UNWATCHABLE));
                    informers.remove(key);
                    informer.stop();
                    LOG.info("cluster={} kind={}{} not watched for now, read from the API server instead: {}", cluster,
                            key.kind(), key.user() == null ? "" : " as=" + key.user() + " namespace="
                                    + key.namespace(), failure instanceof KubernetesClientException k ? "HTTP "
                                    + k.getCode() : failure.toString());
                }
            });
        }
    }

    private SharedIndexInformer<GenericKubernetesResource> create(Key key) {
        String cluster = key.cluster();
        var resources = LiveReader.kind(clusters.client(cluster, key.user()), key.apiVersion(), key.kind(),
                key.namespace() != null || key.user() == null);
        var scoped = key.user() == null ? resources.inAnyNamespace()
                : key.namespace() == null ? resources : resources.inNamespace(key.namespace());
        SharedIndexInformer<GenericKubernetesResource> informer = scoped.withLabel(Tracking.TARGET_LABEL)
                .runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource object) {
                // the echo of Driftless's own write changes nothing it did not write: no compare for it, only its
                // health told again now that the cache holds it
                report(cluster, object, echoes(cluster).seen(ObjectRef.of(object),
                        object.getMetadata().getResourceVersion(), Instant.now()) ? STATUS_CHANGED : "added");
            }

            @Override
            public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
                if (echoes(cluster).seen(ObjectRef.of(after), after.getMetadata().getResourceVersion(), Instant.now())) {
                    report(cluster, after, STATUS_CHANGED); // Driftless's own write: its health, no compare
                } else if (significant(before, after)) {
                    report(cluster, after, "updated");
                } else if (!Objects.equals(before.get("status"), after.get("status"))) {
                    report(cluster, after, STATUS_CHANGED); // health may have changed; the spec did not
                }
            }

            @Override
            public void onDelete(GenericKubernetesResource object, boolean finalStateUnknown) {
                if (!echoes(cluster).seen(ObjectRef.of(object), null, Instant.now())) {
                    report(cluster, object, "deleted");
                }
            }
        });
        return informer;
    }

    private void report(String cluster, GenericKubernetesResource object, String event) {
        Map<String, String> labels = object.getMetadata().getLabels();
        String release = labels == null ? null : labels.get(Tracking.TARGET_LABEL);
        if (release != null) {
            if (!STATUS_CHANGED.equals(event)) {
                changed.computeIfAbsent(TargetId.of(cluster, release), k -> new ConcurrentHashMap<>())
                        .computeIfAbsent(ObjectRef.of(object), r -> ConcurrentHashMap.newKeySet())
                        .add("deleted".equals(event) ? "" : String.valueOf(object.getMetadata().getResourceVersion()));
            }
            listener.accept(new Change(cluster, release, ObjectRef.of(object), event));
        }
    }

    /** Status, resourceVersion, generation and managedFields change all the time; the rest is what Git renders. */
    static boolean significant(GenericKubernetesResource before, GenericKubernetesResource after) {
        return !Objects.equals(comparable(before), comparable(after));
    }

    private static Map<String, Object> comparable(GenericKubernetesResource object) {
        Map<String, Object> tree = new HashMap<>(Manifests.toTree(object));
        tree.remove("status");
        Map<String, Object> metadata = new HashMap<>(io.driftless.render.Tree.asMap(tree.get("metadata")));
        metadata.keySet().removeAll(Set.of("resourceVersion", "generation", "managedFields"));
        tree.put("metadata", metadata);
        return tree;
    }

    /**
     * Whether every version of every object of the target (by its label) reported changed since this was last
     * asked is exactly what Driftless wrote last, a moment ago: the echo of its own writes, whose event came before the write's answer
     * (so nothing to compare). Takes the reported objects; false when none was reported.
     */
    public boolean onlyOwnWrites(String cluster, String release) {
        Map<ObjectRef, Set<String>> reported = changed.remove(TargetId.of(cluster, release));
        Echoes written = echoes(cluster);
        Instant now = Instant.now();
        return reported != null && !reported.isEmpty() && reported.entrySet().stream()
                .allMatch(e -> e.getValue().stream().allMatch(v -> written.wroteLast(e.getKey(),
                        v.isEmpty() ? null : v, now)));
    }

    /** The kinds ({@code apiVersion|Kind}) the target's watches cover, as its last sync asked for them. */
    public Set<String> kinds(String cluster, String release) {
        return targetKinds.getOrDefault(TargetId.of(cluster, release), Set.of()).stream()
                .map(k -> k.apiVersion() + "|" + k.kind()).collect(Collectors.toSet());
    }

    /** Whether every kind of the target's objects is watched and its cache filled, so reads need no API call. */
    public boolean covers(String cluster, String release) {
        Set<Key> kinds = targetKinds.get(TargetId.of(cluster, release));
        return kinds != null && kinds.stream().allMatch(k -> {
            SharedIndexInformer<GenericKubernetesResource> i = informers.get(k);
            return i != null && i.hasSynced() && i.isWatching();
        });
    }

    /** The kinds watched in a cluster ({@code apiVersion/Kind}, sorted) whose watch is connected now. */
    public java.util.List<String> watchedKinds(String cluster) {
        return informers.entrySet().stream().filter(e -> e.getKey().cluster().equals(cluster)
                && e.getValue().isWatching()).map(e -> e.getKey().kindName()).distinct().sorted().toList();
    }

    /** Whether any watch of the cluster is connected (which proves the API server answers). */
    public boolean watching(String cluster) {
        return informers.entrySet().stream().anyMatch(e -> e.getKey().cluster().equals(cluster)
                && e.getValue().isWatching());
    }

    /** The cache of one cluster's watches made as Driftless itself (see {@link #cache(String, String)}). */
    public LiveReader.Cache cache(String cluster) {
        return cache(cluster, null);
    }

    /**
     * The cache of one cluster's watches made as a user (null: Driftless itself), for {@link LiveReader}: an object
     * whose last write has no echo yet is a miss.
     */
    public LiveReader.Cache cache(String cluster, String user) {
        Echoes pending = echoes(cluster);
        return ref -> {
            SharedIndexInformer<GenericKubernetesResource> i = informers.get(Key.of(cluster, user, ref));
            if (i == null || !i.hasSynced() || !i.isWatching()) {
                return null; // never filled, or its watch is down and the cache may be behind: ask the API server
            }
            GenericKubernetesResource found = i.getStore().getByKey(ref.namespace() == null ? ref.name()
                    : ref.namespace() + "/" + ref.name());
            if (pending.pending(ref, found == null ? null : found.getMetadata().getResourceVersion(), Instant.now())) {
                return null;
            }
            return found == null ? LiveReader.Cache.ABSENT : Manifests.toTree(found);
        };
    }

    /**
     * One write, as it returned (its resourceVersion, or null for a delete): reads wait for the cache to show it,
     * and its event is known as Driftless's own (see {@link Echoes}).
     */
    public void wrote(String cluster, ObjectRef ref, String version) {
        echoes(cluster).expect(ref, version, Instant.now());
    }

    private Echoes echoes(String cluster) {
        return echoes.computeIfAbsent(cluster, c -> new Echoes());
    }

    /** Stops a cluster's informers and forgets its caches (the cluster left the fleet or is reconnected). */
    public synchronized void forget(String cluster) {
        informers.entrySet().removeIf(e -> {
            if (e.getKey().cluster().equals(cluster)) {
                e.getValue().stop();
                return true;
            }
            return false;
        });
        unwatchable.keySet().removeIf(k -> k.cluster().equals(cluster));
        targetKinds.keySet().removeIf(k -> k.startsWith(cluster + "/"));
        echoes.remove(cluster);
    }

    @Override
    public synchronized void close() {
        closed = true;
        informers.values().forEach(SharedIndexInformer::stop);
        informers.clear();
    }
}
