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
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * Reads the live counterparts of a target's objects: from the informer cache where the kind is watched,
 * else one labelled list per kind and namespace; then a direct read of any object neither returned (an
 * object created outside Driftless that is about to be adopted, or one that lost its label). Nothing is read in a
 * namespace that does not exist ({@link #absentNamespaces}).
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

    /**
     * @throws KubernetesClientException a read failed; when reads were forbidden (403), one exception names every
     *                                   kind and namespace refused, not only the first
     */
    public Map<ObjectRef, Map<String, Object>> read(Collection<ObjectRef> wanted, String label, String labelValue,
                                                    Set<String> absent) {
        java.util.List<String> forbidden = new java.util.ArrayList<>();
        Map<ObjectRef, Map<String, Object>> out = read(wanted, label, labelValue, absent, forbidden);
        if (!forbidden.isEmpty()) {
            String message = "forbidden: " + String.join(", ", forbidden.subList(1, forbidden.size()))
                    + "; the API server said: " + forbidden.get(0);
            throw new KubernetesClientException(new io.fabric8.kubernetes.api.model.StatusBuilder().withCode(403)
                    .withReason("Forbidden").withMessage(message).build());
        }
        return out;
    }

    private Map<ObjectRef, Map<String, Object>> read(Collection<ObjectRef> wanted, String label, String labelValue,
                                                     Set<String> absent, java.util.List<String> forbidden) {
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
        // nothing lives in a namespace that does not exist: no list, no get of an object there
        wanted.stream().filter(r -> r.namespace() != null && absent.contains(r.namespace())).forEach(cached::add);
        for (ObjectRef ref : wanted) {
            if (cached.contains(ref)) {
                continue;
            }
            String listKey = ref.apiVersion() + "|" + ref.kind() + "|" + ref.namespace();
            if (!listed.add(listKey)) {
                continue;
            }
            java.util.List<GenericKubernetesResource> items;
            try {
                items = list(ref, label, labelValue);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 403) {
                    throw e;
                }
                forbidden.add(what("list", ref, e, forbidden));
                continue;
            }
            for (GenericKubernetesResource r : items) {
                ObjectRef found = byKey.get(ObjectRef.of(r).key());
                if (found != null) {
                    out.put(found, Manifests.toTree(r));
                }
            }
        }
        for (ObjectRef ref : wanted) {
            if (!out.containsKey(ref) && forbidden.stream().noneMatch(f -> f.startsWith("list " + kindIn(ref)))
                    && (ref.namespace() == null || !absent.contains(ref.namespace()))) {
                GenericKubernetesResource r;
                try {
                    r = get(ref);
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 403) {
                        throw e;
                    }
                    forbidden.add(what("get", ref, e, forbidden));
                    continue;
                }
                if (r != null) {
                    out.put(ref, Manifests.toTree(r));
                }
            }
        }
        return out;
    }

    /**
     * The namespaces of these objects that do not exist. One where the cache holds one of them exists; each other is
     * read once (a watch's cache may say a namespace exists, never that it does not: it holds only the objects with
     * Driftless's label); a read that fails or is refused counts as existing, so its objects are read as before.
     */
    public Set<String> absentNamespaces(Collection<ObjectRef> refs) {
        Set<String> present = new java.util.HashSet<>();
        for (ObjectRef ref : refs) {
            Map<String, Object> hit = ref.namespace() == null ? null : cache.lookup(ref);
            if (hit != null && hit != Cache.ABSENT) {
                present.add(ref.namespace());
            }
        }
        Set<String> out = new java.util.TreeSet<>();
        for (ObjectRef ref : refs) {
            if (ref.namespace() == null || !present.add(ref.namespace())) {
                continue;
            }
            ObjectRef namespace = new ObjectRef("v1", "Namespace", null, ref.namespace());
            Map<String, Object> hit = cache.lookup(namespace);
            try {
                if ((hit == null || hit == Cache.ABSENT) && get(namespace) == null) {
                    out.add(ref.namespace());
                }
            } catch (KubernetesClientException e) {
                // not allowed to read it, or no answer: read its objects, which say what is wrong
            }
        }
        return out;
    }

    /**
     * {@code list Deployment.apps in team-a}, the verb, the resource and where; added to {@code forbidden}, whose
     * first entry is the API server's own message of the first refusal (which names the identity).
     */
    private static String what(String verb, ObjectRef ref, KubernetesClientException e, java.util.List<String> forbidden) {
        if (forbidden.isEmpty()) {
            forbidden.add(e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                    : String.valueOf(e.getMessage()));
        }
        return verb + " " + kindIn(ref) + (verb.equals("get") ? " (" + ref.name() + ")" : "");
    }

    private static String kindIn(ObjectRef ref) {
        return ref.kind() + (ref.group().isEmpty() ? "" : "." + ref.group())
                + (ref.namespace() == null ? " (cluster-wide)" : " in " + ref.namespace());
    }

    private java.util.List<GenericKubernetesResource> list(ObjectRef ref, String label, String value) {
        try {
            return in(client, ref)
                    .withLabel(label, value).list().getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return java.util.List.of(); // the kind is not served by this cluster
            }
            throw e;
        }
    }

    /**
     * The object's kind in its namespace, or across the cluster for a cluster-scoped object (one without a
     * namespace): the client refuses a null namespace.
     */
    public static io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> in(KubernetesClient client,
                                                                                   ObjectRef ref) {
        var kind = kind(client, ref.apiVersion(), ref.kind(), ref.namespace() != null);
        return ref.namespace() == null ? kind : kind.inNamespace(ref.namespace());
    }

    /**
     * The kinds of the Kubernetes model, to name a built-in kind's resource without asking the cluster (the clients'
     * own serialization knows no typed kind: see {@link ClusterConnections}).
     */
    private static final io.fabric8.kubernetes.client.utils.KubernetesSerialization MODEL =
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization();
    private static final Map<String, java.util.Optional<ResourceDefinitionContext>> BUILT_IN =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A kind's operations: a built-in kind as the Kubernetes model names it. The client finds another kind
     * through the cluster's discovery, and fails on one the cluster does not serve (yet: a custom resource whose
     * definition the same sync creates); such a kind is named by convention (the lower-case plural of its kind),
     * so a read of it answers 404, as for any absent object.
     */
    public static io.fabric8.kubernetes.client.dsl.MixedOperation<GenericKubernetesResource,
            io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> kind(KubernetesClient client,
                                                                                     String apiVersion, String kind,
                                                                                     boolean namespaced) {
        var builtIn = BUILT_IN.computeIfAbsent(apiVersion + "|" + kind, k -> java.util.Optional.ofNullable(
                MODEL.getRegisteredKubernetesResource(apiVersion, kind))
                .map(ResourceDefinitionContext::fromResourceType));
        if (builtIn.isPresent()) {
            return client.genericKubernetesResources(builtIn.get());
        }
        try {
            return client.genericKubernetesResources(apiVersion, kind);
        } catch (KubernetesClientException e) {
            if (e.getCode() > 0 || e.getCause() != null) {
                throw e;
            }
            int slash = apiVersion.indexOf('/');
            return client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                    .withGroup(slash < 0 ? "" : apiVersion.substring(0, slash))
                    .withVersion(apiVersion.substring(slash + 1)).withKind(kind)
                    .withPlural(io.fabric8.kubernetes.api.Pluralize.toPlural(kind.toLowerCase(
                            java.util.Locale.ROOT))).withNamespaced(namespaced).build());
        }
    }

    public GenericKubernetesResource get(ObjectRef ref) {
        try {
            return in(client, ref)
                    .withName(ref.name()).get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return null;
            }
            throw e;
        }
    }
}
