package io.driftless.model;

import java.util.Comparator;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The identity of a Kubernetes object: group, kind, namespace and name. Its version is carried (requests need
 * it) but is not part of the identity, so a version bump is the same object while two kinds of one name in
 * different groups (an Istio {@code Gateway} and a Gateway API {@code Gateway}) are not; {@code equals},
 * {@code hashCode} and the ordering agree. Prints as {@code Kind/namespace/name}, the form every log line and
 * error about an object starts with.
 */
public record ObjectRef(String apiVersion, String kind, String namespace, String name)
        implements Comparable<ObjectRef> {

    private static final Comparator<ObjectRef> ORDER = Comparator
            .comparing(ObjectRef::group)
            .thenComparing(ObjectRef::kind)
            .thenComparing(ObjectRef::namespaceOrEmpty)
            .thenComparing(ObjectRef::name);

    private String namespaceOrEmpty() {
        return namespace == null ? "" : namespace;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ObjectRef o && group().equals(o.group()) && kind.equals(o.kind)
                && namespaceOrEmpty().equals(o.namespaceOrEmpty()) && name.equals(o.name);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(group(), kind, namespaceOrEmpty(), name);
    }

    public static ObjectRef of(HasMetadata o) {
        return new ObjectRef(o.getApiVersion(), o.getKind(), o.getMetadata().getNamespace(),
                o.getMetadata().getName());
    }

    /** API group, empty for the core group. */
    public String group() {
        if (apiVersion == null) {
            return "";
        }
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
