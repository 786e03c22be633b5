package io.driftless.plan;

import java.util.List;

/** The order objects are applied in (Helm's install order); prune runs in reverse. */
public final class KindOrder {

    private static final List<String> ORDER = List.of(
            "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
            "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
            "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
            "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList",
            "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController",
            "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob",
            "IngressClass", "Ingress", "APIService", "Gateway", "HTTPRoute");

    private KindOrder() {
    }

    /** Rank of a kind; unknown kinds go last. */
    public static int rank(String kind) {
        int i = ORDER.indexOf(kind);
        return i < 0 ? ORDER.size() : i;
    }
}
