package io.driftless.model;

import java.util.Comparator;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The identity of a Kubernetes object. Prints as {@code Kind/namespace/name}, the form every log
 * line and error about an object starts with.
 */
public record ObjectRef(String apiVersion, String kind, String namespace, String name)
        implements Comparable<ObjectRef> {

    private static final Comparator<ObjectRef> ORDER = Comparator
            .comparing(ObjectRef::kind)
            .thenComparing(r -> r.namespace == null ? "" : r.namespace)
            .thenComparing(ObjectRef::name);

    public static ObjectRef of(HasMetadata o) {
        return new ObjectRef(o.getApiVersion(), o.getKind(), o.getMetadata().getNamespace(),
                o.getMetadata().getName());
    }

    /** API group, empty for the core group. */
    public String group() {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    /** Identity without the version, so that a version bump is not a different object. */
    public String key() {
        return group() + "/" + kind + "/" + (namespace == null ? "" : namespace) + "/" + name;
    }

    @Override
    public int compareTo(ObjectRef o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return kind + "/" + (namespace == null || namespace.isEmpty() ? "" : namespace + "/") + name;
    }
}
