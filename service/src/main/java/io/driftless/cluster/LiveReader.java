package io.driftless.cluster;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import io.driftless.model.ObjectRef;
import io.driftless.render.Manifests;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Reads the live counterparts of a target's objects: from the informer cache where the kind is watched,
 * else one labelled list per kind and namespace; then a direct read of any object neither returned (an
 * object created outside Driftless that is about to be adopted, or one that lost its label).
 */
public final class LiveReader {

    /** Live objects a watch already holds. */
    @FunctionalInterface
    public interface Cache {
        /** Returned for a watched kind that has no such object. */
        Map<String, Object> ABSENT = java.util.Collections.unmodifiableMap(new HashMap<>());

        /** The object, {@link #ABSENT}, or null when its kind is not watched (yet). */
        Map<String, Object> lookup(ObjectRef ref);
    }

    private final KubernetesClient client;
    private final Cache cache;

    public LiveReader(KubernetesClient client) {
        this(client, ref -> null);
    }

    public LiveReader(KubernetesClient client, Cache cache) {
        this.client = client;
        this.cache = cache;
    }

    public Map<ObjectRef, Map<String, Object>> read(Collection<ObjectRef> wanted, String label, String labelValue) {
        Map<ObjectRef, Map<String, Object>> out = new LinkedHashMap<>();
        Set<String> listed = new LinkedHashSet<>();
        Set<ObjectRef> cached = new java.util.HashSet<>();
        Map<String, ObjectRef> byKey = new HashMap<>();
        wanted.forEach(r -> byKey.put(r.key(), r));
        for (ObjectRef ref : wanted) {
            Map<String, Object> hit = cache.lookup(ref);
            if (hit != null) {
                cached.add(ref);
                if (hit != Cache.ABSENT) {
                    out.put(ref, hit);
                }
            }
        }
        for (ObjectRef ref : wanted) {
            if (cached.contains(ref)) {
                continue;
            }
            String listKey = ref.apiVersion() + "|" + ref.kind() + "|" + ref.namespace();
            if (!listed.add(listKey)) {
                continue;
            }
            for (GenericKubernetesResource r : list(ref, label, labelValue)) {
                ObjectRef found = byKey.get(ObjectRef.of(r).key());
                if (found != null) {
                    out.put(found, Manifests.toTree(r));
                }
            }
        }
        for (ObjectRef ref : wanted) {
            if (!out.containsKey(ref)) {
                GenericKubernetesResource r = get(ref);
                if (r != null) {
                    out.put(ref, Manifests.toTree(r));
                }
            }
        }
        return out;
    }

    private java.util.List<GenericKubernetesResource> list(ObjectRef ref, String label, String value) {
        try {
            return client.genericKubernetesResources(ref.apiVersion(), ref.kind()).inNamespace(ref.namespace())
                    .withLabel(label, value).list().getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return java.util.List.of(); // the kind is not served by this cluster
            }
            throw e;
        }
    }

    public GenericKubernetesResource get(ObjectRef ref) {
        try {
            return client.genericKubernetesResources(ref.apiVersion(), ref.kind()).inNamespace(ref.namespace())
                    .withName(ref.name()).get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return null;
            }
            throw e;
        }
    }
}
