package io.driftless.plan;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.driftless.model.Tracking;
import io.driftless.render.Tree;

/**
 * No silent takeover: a live object a release renders is written only when it is the target's (its owner
 * annotation, or an object of the target's inventory that Driftless itself last wrote, whose marks were removed by
 * hand), when it belongs to the same release installed by Helm ({@code meta.helm.sh/release-name} and
 * {@code -namespace}, the zero-change adoption of a {@code helm install}), or when the release says
 * {@code adopt: true}. Any other existing object refuses the sync, naming who has it now. Pure.
 */
final class Adoption {

    static final String HELM_RELEASE_NAME = "meta.helm.sh/release-name";
    static final String HELM_RELEASE_NAMESPACE = "meta.helm.sh/release-namespace";

    private Adoption() {
    }

    /**
     * @param inInventory whether the target's inventory lists it
     * @return why the object may not be taken over, or null when it may be written (another target's objects are
     *         the planner's, which skips them)
     */
    static String refusal(Planner.Owner owner, Map<String, Object> live, boolean inInventory) {
        Map<String, Object> annotations = Planner.metadataMap(live, "annotations");
        Object theirs = annotations.get(Tracking.OWNER_ANNOTATION);
        if (theirs != null || owner.adopt() || helmRelease(owner, annotations)
                || inInventory && managers(live).contains(Tracking.FIELD_MANAGER)) {
            return null;
        }
        return "exists and Driftless did not create it (" + currentOwner(live) + ")";
    }

    /** Whether the object is the same release's, installed by Helm: the namespace/name its annotations name. */
    private static boolean helmRelease(Planner.Owner owner, Map<String, Object> annotations) {
        return owner.annotationValue().equals(annotations.get(HELM_RELEASE_NAMESPACE) + "/"
                + annotations.get(HELM_RELEASE_NAME));
    }

    /** Who has the object now, as far as it says: its managing labels and annotations, and its field managers. */
    static String currentOwner(Map<String, Object> live) {
        Map<String, Object> labels = Planner.metadataMap(live, "labels");
        Map<String, Object> annotations = Planner.metadataMap(live, "annotations");
        StringBuilder out = new StringBuilder();
        for (String key : List.of("app.kubernetes.io/managed-by", "app.kubernetes.io/instance", "app.kubernetes.io/name")) {
            if (labels.get(key) != null) {
                out.append(out.length() == 0 ? "" : ", ").append(key).append('=').append(labels.get(key));
            }
        }
        if (annotations.get(HELM_RELEASE_NAME) != null) {
            out.append(out.length() == 0 ? "" : ", ").append("Helm release ").append(annotations.get(
                    HELM_RELEASE_NAMESPACE)).append('/').append(annotations.get(HELM_RELEASE_NAME));
        }
        TreeSet<String> managers = managers(live);
        if (!managers.isEmpty()) {
            out.append(out.length() == 0 ? "" : ", ").append("written by ").append(String.join(", ", managers));
        }
        return out.length() == 0 ? "no owner recorded" : out.toString();
    }

    /** The field managers of {@code metadata.managedFields}. */
    private static TreeSet<String> managers(Map<String, Object> live) {
        TreeSet<String> managers = new TreeSet<>();
        if (Tree.asMap(live.get("metadata")).get("managedFields") instanceof List<?> entries) {
            for (Object e : entries) {
                Object manager = Tree.asMap(e).get("manager");
                if (manager != null) {
                    managers.add(String.valueOf(manager));
                }
            }
        }
        return managers;
    }
}
