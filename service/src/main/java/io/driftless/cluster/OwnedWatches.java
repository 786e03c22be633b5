package io.driftless.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.health.Owned;
import io.driftless.render.Manifests;
import io.driftless.render.Tree;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;

/**
 * The objects managed objects own, for the object tree: ReplicaSets, Pods, Jobs and PersistentVolumeClaims, which
 * carry no {@code driftless.io/target} label (their controllers make them), so {@link Watches} does not see them.
 * Watched only once someone asks for a tree of the cluster (nothing is watched for a fleet nobody looks at), then
 * kept; as {@link Watches} does, over all namespaces as Driftless itself, or per namespace as a tenant's account.
 * Each object is kept slim (identity, owners, and the status the tree shows), so a cluster's Pods cost little memory;
 * a page view reads the caches and makes no API call.
 */
public final class OwnedWatches implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OwnedWatches.class);
    /** The kinds watched, {@code apiVersion, Kind}. */
    static final List<List<String>> KINDS = List.of(List.of("apps/v1", "ReplicaSet"), List.of("v1", "Pod"),
            List.of("batch/v1", "Job"), List.of("v1", "PersistentVolumeClaim"));
    private static final String OWNER = "owner";
    /** How long a kind that could not be watched (forbidden, not served) is left before it is tried again. */
    private static final Duration RETRY = Duration.ofMinutes(1);

    /** One informer: a kind of a cluster, as a user (null: Driftless) in a namespace (null: all). */
    private record Key(String cluster, String user, String namespace, String apiVersion, String kind) {
    }

    private final ClusterConnections clusters;
    private final Map<Key, SharedIndexInformer<GenericKubernetesResource>> informers = new ConcurrentHashMap<>();
    private final Map<Key, CompletableFuture<Void>> started = new ConcurrentHashMap<>();
    private final Map<Key, Instant> refused = new ConcurrentHashMap<>();
    private volatile boolean closed;

    OwnedWatches(ClusterConnections clusters) {
        this.clusters = clusters;
    }

    /**
     * What the objects in these namespaces own, from the caches; the first ask of a cluster (and namespace, for a
     * tenant) starts its watches and waits at most {@code wait} for their first list.
     *
     * @param user whom the watches are made as (a tenant's ServiceAccount), or null for Driftless itself
     */
    public Owned.Lookup lookup(String cluster, String user, Collection<String> namespaces, Duration wait) {
        List<Key> keys = new ArrayList<>();
        for (List<String> kind : KINDS) {
            if (user == null) {
                keys.add(new Key(cluster, null, null, kind.get(0), kind.get(1)));
            } else {
                namespaces.forEach(ns -> keys.add(new Key(cluster, user, ns, kind.get(0), kind.get(1))));
            }
        }
        keys.forEach(this::start);
        long deadline = System.nanoTime() + wait.toNanos();
        for (Key key : keys) {
            CompletableFuture<Void> first = started.get(key);
            if (first != null) {
                try {
                    first.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    // not filled yet, or refused: the tree shows what the others hold
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return new Owned.Lookup() {
            @Override
            public List<Map<String, Object>> ownedBy(String uid) {
                List<Map<String, Object>> out = new ArrayList<>();
                for (Key key : keys) {
                    SharedIndexInformer<GenericKubernetesResource> informer = informers.get(key);
                    if (informer != null) {
                        informer.getIndexer().byIndex(OWNER, uid).forEach(o -> out.add(Manifests.toTree(o)));
                    }
                }
                return out;
            }

            @Override
            public Map<String, Object> claim(String namespace, String name) {
                SharedIndexInformer<GenericKubernetesResource> informer = informers.get(new Key(cluster, user,
                        user == null ? null : namespace, "v1", "PersistentVolumeClaim"));
                GenericKubernetesResource found = informer == null ? null
                        : informer.getStore().getByKey(namespace + "/" + name);
                return found == null ? null : Manifests.toTree(found);
            }
        };
    }

    /** The kinds of a cluster that could not be watched lately ({@code Kind}, sorted), which a tree then lacks. */
    public List<String> unwatched(String cluster) {
        return refused.keySet().stream().filter(k -> k.cluster().equals(cluster)).map(Key::kind).distinct().sorted()
                .toList();
    }

    private void start(Key key) {
        Instant retry = refused.get(key);
        if (closed || informers.containsKey(key) || retry != null && Instant.now().isBefore(retry)) {
            return;
        }
        var resources = LiveReader.kind(clusters.client(key.cluster(), key.user()), key.apiVersion(), key.kind(),
                true);
        SharedIndexInformer<GenericKubernetesResource> informer = (key.namespace() == null ? resources.inAnyNamespace()
                : resources.inNamespace(key.namespace())).runnableInformer(0);
        informer.itemStore(new SlimStore());
        informer.addIndexers(Map.of(OWNER, o -> o.getMetadata().getOwnerReferences() == null ? List.of()
                : o.getMetadata().getOwnerReferences().stream().map(r -> r.getUid()).toList()));
        synchronized (this) {
            if (closed || informers.putIfAbsent(key, informer) != null) {
                return;
            }
            refused.remove(key);
            started.put(key, informer.start().toCompletableFuture().whenComplete((done, failure) -> {
                if (failure != null) {
                    refused.put(key, Instant.now().plus(RETRY));
                    informers.remove(key);
                    started.remove(key);
                    informer.stop();
                    LOG.info("cluster={} kind={}{} not watched for object trees: {}", key.cluster(), key.kind(),
                            key.user() == null ? "" : " as=" + key.user() + " namespace=" + key.namespace(),
                            describe(failure));
                }
            }));
        }
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof KubernetesClientException k ? "HTTP " + k.getCode() : String.valueOf(cause);
    }

    /** Stops a cluster's informers (it left the fleet or is reconnected). */
    synchronized void forget(String cluster) {
        informers.entrySet().removeIf(e -> {
            if (e.getKey().cluster().equals(cluster)) {
                e.getValue().stop();
                started.remove(e.getKey());
                return true;
            }
            return false;
        });
        refused.keySet().removeIf(k -> k.cluster().equals(cluster));
    }

    @Override
    public synchronized void close() {
        closed = true;
        informers.values().forEach(SharedIndexInformer::stop);
        informers.clear();
        started.clear();
    }

    /** Keeps each object as {@link #slim} makes it. */
    private static final class SlimStore extends BasicItemStore<GenericKubernetesResource> {
        SlimStore() {
            super(o -> o.getMetadata().getNamespace() == null ? o.getMetadata().getName()
                    : o.getMetadata().getNamespace() + "/" + o.getMetadata().getName());
        }

        @Override
        public GenericKubernetesResource put(String key, GenericKubernetesResource object) {
            return super.put(key, slim(object));
        }
    }

    /**
     * What the tree needs of an owned object: identity, owners, the replicas and volume asked for, and the status it
     * shows (a Pod's phase, its Ready condition and each container's readiness, restarts and waiting reason).
     */
    static GenericKubernetesResource slim(GenericKubernetesResource object) {
        ObjectMeta m = object.getMetadata();
        GenericKubernetesResource out = new GenericKubernetesResource();
        out.setApiVersion(object.getApiVersion());
        out.setKind(object.getKind());
        out.setMetadata(new ObjectMetaBuilder().withName(m.getName()).withNamespace(m.getNamespace())
                .withUid(m.getUid()).withResourceVersion(m.getResourceVersion())
                .withOwnerReferences(m.getOwnerReferences()).withDeletionTimestamp(m.getDeletionTimestamp()).build());
        Map<String, Object> spec = Tree.asMap(object.getAdditionalProperties().get("spec"));
        Map<String, Object> status = Tree.asMap(object.getAdditionalProperties().get("status"));
        if (spec.containsKey("replicas")) {
            out.setAdditionalProperty("spec", Map.of("replicas", spec.get("replicas")));
        }
        Map<String, Object> kept = new LinkedHashMap<>();
        for (String field : List.of("phase", "replicas", "readyReplicas", "active", "succeeded", "failed",
                "capacity")) {
            if (status.get(field) != null) {
                kept.put(field, status.get(field));
            }
        }
        List<Object> conditions = new ArrayList<>();
        for (Object c : Tree.asList(status.get("conditions"))) {
            Map<String, Object> condition = Tree.asMap(c);
            if (List.of("Ready", "Complete", "Failed").contains(condition.get("type"))) {
                conditions.add(Map.of("type", condition.get("type"), "status",
                        String.valueOf(condition.get("status"))));
            }
        }
        if (!conditions.isEmpty()) {
            kept.put("conditions", conditions);
        }
        List<Object> containers = new ArrayList<>();
        for (Object c : Tree.asList(status.get("containerStatuses"))) {
            Map<String, Object> container = Tree.asMap(c);
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("ready", Boolean.TRUE.equals(container.get("ready")));
            one.put("restartCount", container.get("restartCount") instanceof Number n ? n : 0);
            Object reason = Tree.asMap(Tree.asMap(container.get("state")).get("waiting")).get("reason");
            if (reason != null) {
                one.put("state", Map.of("waiting", Map.of("reason", reason)));
            }
            containers.add(one);
        }
        if (!containers.isEmpty()) {
            kept.put("containerStatuses", containers);
        }
        out.setAdditionalProperty("status", kept);
        return out;
    }
}
