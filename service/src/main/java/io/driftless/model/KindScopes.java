package io.driftless.model;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether objects of a kind live outside namespaces. Asked of the definitions a render carries (a
 * CustomResourceDefinition's {@code spec.scope}), then the target cluster's discovery, then the kinds Kubernetes
 * itself defines; a kind none of them knows is namespaced, as Helm assumes.
 */
@FunctionalInterface
public interface KindScopes {

    /** @return whether {@code apiVersion}/{@code kind} is cluster-scoped, or empty when this source does not know */
    Optional<Boolean> clusterScoped(String apiVersion, String kind);

    /** The kinds Kubernetes defines outside namespaces. */
    Set<String> BUILTIN_CLUSTER_SCOPED = Set.of("Namespace", "Node", "PersistentVolume", "StorageClass",
            "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PriorityClass", "IngressClass",
            "GatewayClass", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "APIService",
            "RuntimeClass", "CSIDriver", "CSINode", "VolumeSnapshotClass", "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding", "FlowSchema", "PriorityLevelConfiguration",
            "CertificateSigningRequest", "VolumeAttachment");

    /** Kubernetes's own kinds, by name (the group of a built-in kind is not needed to know its scope). */
    KindScopes BUILTIN = (apiVersion, kind) -> BUILTIN_CLUSTER_SCOPED.contains(kind) ? Optional.of(true)
            : Optional.empty();

    /** This, and where it does not know, {@code next}. */
    default KindScopes orElse(KindScopes next) {
        return (apiVersion, kind) -> {
            Optional<Boolean> known = clusterScoped(apiVersion, kind);
            return known.isPresent() ? known : next.clusterScoped(apiVersion, kind);
        };
    }

    /** Whether it is cluster-scoped, namespaced when no source knows. */
    default boolean isClusterScoped(String apiVersion, String kind) {
        return clusterScoped(apiVersion, kind).orElse(false);
    }

    /** The scopes the CustomResourceDefinitions among these objects give their kinds. */
    static KindScopes definedBy(List<Map<String, Object>> objects) {
        Map<String, Boolean> defined = new HashMap<>();
        for (Map<String, Object> o : objects) {
            if (!"CustomResourceDefinition".equals(o.get("kind")) || !(o.get("spec") instanceof Map<?, ?> spec)
                    || !(spec.get("names") instanceof Map<?, ?> names) || !(spec.get("versions") instanceof List<?> versions)) {
                continue;
            }
            boolean cluster = "Cluster".equals(spec.get("scope"));
            for (Object v : versions) {
                if (v instanceof Map<?, ?> version && version.get("name") != null) {
                    defined.put(spec.get("group") + "/" + version.get("name") + "|" + names.get("kind"), cluster);
                }
            }
        }
        return (apiVersion, kind) -> Optional.ofNullable(defined.get(apiVersion + "|" + kind));
    }
}
