package io.driftless.plan;

import java.util.List;
import java.util.Map;

import io.driftless.diff.FieldDrift;
import io.driftless.diff.ObjectDiff;

/** Fields the API server refuses to change after creation: the object must be deleted and created again. */
final class Immutable {

    private static final Map<String, List<String>> FIELDS = Map.of(
            "Deployment", List.of("/spec/selector"),
            "ReplicaSet", List.of("/spec/selector"),
            "DaemonSet", List.of("/spec/selector"),
            "StatefulSet", List.of("/spec/selector", "/spec/volumeClaimTemplates", "/spec/serviceName",
                    "/spec/podManagementPolicy"),
            "Job", List.of("/spec/selector", "/spec/template", "/spec/completionMode"),
            "Service", List.of("/spec/clusterIP", "/spec/clusterIPs"),
            "PersistentVolumeClaim", List.of("/spec/storageClassName", "/spec/accessModes", "/spec/volumeName",
                    "/spec/selector", "/spec/volumeMode"),
            "RoleBinding", List.of("/roleRef"),
            "ClusterRoleBinding", List.of("/roleRef"));

    private Immutable() {
    }

    /** The first drifted path that is immutable for this kind, or null. */
    static String changedField(ObjectDiff diff) {
        List<String> fields = FIELDS.getOrDefault(diff.ref().kind(), List.of());
        for (FieldDrift d : diff.drifts()) {
            for (String f : fields) {
                if (d.path().equals(f) || d.path().startsWith(f + "/")) {
                    return d.path();
                }
            }
        }
        return null;
    }
}
