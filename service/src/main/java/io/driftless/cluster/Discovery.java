package io.driftless.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * What one cluster's API discovery says: its Kubernetes version, and whether each kind it serves is namespaced. Kept
 * per API group
 * version, and asked again when a kind is missing (a CustomResourceDefinition established since) at most every
 * {@link #RECHECK}, so a kind the cluster does not serve costs one request per interval, not one per sync.
 */
final class Discovery {

    static final Duration RECHECK = Duration.ofSeconds(10);

    /** The kinds of one group version (null: not served, or no answer), as loaded at {@code at}. */
    private record Loaded(Map<String, Boolean> namespacedByKind, Instant at) {
    }

    private final Map<String, Loaded> groupVersions = new ConcurrentHashMap<>();
    /** The cluster's Kubernetes version as last asked, and when (an upgrade shows within {@link #RECHECK}). */
    private volatile Map.Entry<Optional<String>, Instant> version;

    /** The cluster's {@code gitVersion} ({@code v1.31.2}); empty when it does not say (the embedded server). */
    Optional<String> kubeVersion(KubernetesClient client) {
        Map.Entry<Optional<String>, Instant> known = version;
        Instant now = Instant.now();
        if (known != null && known.getValue().plus(RECHECK).isAfter(now)) {
            return known.getKey();
        }
        Optional<String> asked;
        try {
            var info = client.getKubernetesVersion();
            asked = Optional.ofNullable(info == null ? null : info.getGitVersion())
                    .filter(v -> v.matches("v?\\d+\\.\\d+\\.\\d+.*"));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                return Optional.empty(); // no answer now: this render only, asked again at the next
            }
            asked = Optional.empty(); // an API server without /version (the embedded one): Helm's default
        }
        version = Map.entry(asked, now);
        return asked;
    }

    /** Whether the cluster serves {@code apiVersion}/{@code kind} outside namespaces; empty when it does not say. */
    Optional<Boolean> clusterScoped(KubernetesClient client, String apiVersion, String kind) {
        Loaded loaded = groupVersions.get(apiVersion);
        Instant now = Instant.now();
        if (loaded == null || (loaded.namespacedByKind() == null || !loaded.namespacedByKind().containsKey(kind))
                && loaded.at().plus(RECHECK).isBefore(now)) {
            loaded = new Loaded(load(client, apiVersion), now);
            groupVersions.put(apiVersion, loaded);
        }
        Boolean namespaced = loaded.namespacedByKind() == null ? null : loaded.namespacedByKind().get(kind);
        return namespaced == null ? Optional.empty() : Optional.of(!namespaced);
    }

    private static Map<String, Boolean> load(KubernetesClient client, String apiVersion) {
        try {
            APIResourceList list = client.getApiResources(apiVersion);
            if (list == null || list.getResources() == null) {
                return null;
            }
            Map<String, Boolean> kinds = new HashMap<>();
            for (APIResource r : list.getResources()) {
                if (r.getName() != null && !r.getName().contains("/") && r.getKind() != null) {
                    kinds.put(r.getKind(), Boolean.TRUE.equals(r.getNamespaced()));
                }
            }
            return kinds;
        } catch (KubernetesClientException e) {
            return null; // not served, or an API server without discovery (the embedded one): others decide
        }
    }
}
