package io.driftless.plan;

import java.util.List;
import java.util.stream.Collectors;

import io.driftless.model.ObjectRef;

/**
 * Why a plan refuses to sync at all (nothing is written), with the message for people and, where the refusal is
 * about objects, each object and the rule it broke.
 */
public record Refusal(Reason reason, String message, List<RefusedObject> objects) {

    public Refusal(Reason reason, String message) {
        this(reason, message, List.of());
    }

    public enum Reason {
        /** The release renders no objects and syncPolicy.allowEmpty is false. */
        EMPTY_RENDER,
        /** A rendered object breaks the API server's rules (names, labels, annotations). */
        INVALID_OBJECTS,
        /** A rendered object is outside what the release's tenant may write. */
        TENANCY,
        /** A rendered object exists in the cluster, and Driftless did not create it: no silent takeover. */
        NOT_OWNED
    }

    /** The rules an object can break; {@link #label()} is a metric label value. */
    public enum Rule {
        /** Its namespace is not one of the tenant's destinations on this cluster. */
        NAMESPACE("namespace"),
        /** A cluster-scoped kind the tenant's clusterResources do not list. */
        CLUSTER_SCOPED_KIND("cluster_scoped_kind"),
        /** A namespaced kind the tenant's namespacedResourcesDenied list. */
        DENIED_KIND("denied_kind"),
        /** A name Driftless keeps for its own records (a target's inventory). */
        RESERVED_NAME("reserved_name"),
        /** It exists without Driftless's ownership marks, and the release does not adopt. */
        NOT_OWNED("not_owned");

        private final String label;

        Rule(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One object a refusal is about: the rule it broke, and the details for people. */
    public record RefusedObject(ObjectRef ref, Rule rule, String detail) {
        @Override
        public String toString() {
            return ref + ": " + detail;
        }
    }

    /** A refusal about objects, its message listing each. */
    static Refusal of(Reason reason, String lead, List<RefusedObject> objects) {
        return new Refusal(reason, lead + objects.stream().map(RefusedObject::toString)
                .collect(Collectors.joining("; ")), List.copyOf(objects));
    }

    @Override
    public String toString() {
        return message;
    }
}
