package io.driftless.render;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/** A builtin chart: merged values in, Kubernetes objects out. Pure: no I/O, no clock. */
public interface Chart {

    String name();

    /** The version used when none is given (the newest published one Driftless reproduces). */
    String defaultVersion();

    /** The published versions it reproduces, oldest first. */
    java.util.List<String> versions();

    /** Whether it reproduces this version (a published one, or the unreleased chart from git). */
    boolean reproduces(String version);

    /** The chart's default values for a version, as upstream's values.yaml has them. */
    Map<String, Object> defaults(String version);

    /**
     * @throws RenderException with every problem found, each naming its values key
     */
    Rendered render(Release release, Values values);

    /**
     * The release being rendered. {@code lookup} reads values of live Secrets (Helm's {@code lookup}) so that
     * a generated password survives re-renders and restarts; {@link Lookup#NONE} when there is no cluster.
     * {@code tenant} is who the release belongs to ("" when the fleet has no tenants): Helm renders of several
     * tenants share the renderer processes fairly.
     */
    record Release(String name, String namespace, String chartVersion, Lookup lookup, Capabilities capabilities,
                   String tenant) {
        public Release(String name, String namespace, String chartVersion) {
            this(name, namespace, chartVersion, Lookup.NONE, Capabilities.UNKNOWN);
        }

        public Release(String name, String namespace, String chartVersion, Lookup lookup) {
            this(name, namespace, chartVersion, lookup, Capabilities.UNKNOWN);
        }

        public Release(String name, String namespace, String chartVersion, Lookup lookup, Capabilities capabilities) {
            this(name, namespace, chartVersion, lookup, capabilities, "");
        }
    }

    /** The APIs the target cluster serves (Helm's {@code .Capabilities.APIVersions}). */
    interface Capabilities {
        /** No cluster to ask (offline render): checks that need the API list are skipped with a warning. */
        Capabilities UNKNOWN = apiVersion -> java.util.Optional.empty();

        /**
         * @param apiVersion {@code group/version} or {@code group/version/Kind}
         * @return whether the cluster serves it, or empty when that is not known
         */
        java.util.Optional<Boolean> has(String apiVersion);

        /** The API server's version ({@code v1.31.2}, Helm's {@code .Capabilities.KubeVersion}), when known. */
        default java.util.Optional<String> kubeVersion() {
            return java.util.Optional.empty();
        }

        /**
         * A fixed list, as {@code helm template --api-versions} takes it; {@code group/version} also answers
         * for every kind in it.
         */
        static Capabilities of(java.util.Collection<String> apiVersions) {
            java.util.Set<String> known = java.util.Set.copyOf(apiVersions);
            return apiVersion -> java.util.Optional.of(known.contains(apiVersion)
                    || apiVersion.indexOf('/') != apiVersion.lastIndexOf('/')
                    && known.contains(apiVersion.substring(0, apiVersion.lastIndexOf('/'))));
        }
    }

    /** Read access to live Secret values, by namespace, Secret name and key. */
    interface Lookup {
        Lookup NONE = (namespace, secret, key) -> java.util.Optional.empty();

        java.util.Optional<String> secretValue(String namespace, String secret, String key);
    }

    /**
     * Objects in install order, plus warnings for values that render but are likely mistakes, what an object that
     * is not yet healthy means for users (by {@code Kind/namespace/name}), for the health report, and the chart's
     * notes as Helm prints them after an install ({@code NOTES.txt}; empty when the chart has none).
     */
    record Rendered(List<Map<String, Object>> objects, List<String> warnings, Map<String, String> healthHints,
                    String notes) {
        public Rendered(List<Map<String, Object>> objects, List<String> warnings) {
            this(objects, warnings, Map.of(), "");
        }

        public Rendered(List<Map<String, Object>> objects, List<String> warnings, Map<String, String> healthHints) {
            this(objects, warnings, healthHints, "");
        }

        /** The objects as fabric8 resources (empty metadata maps such as {@code annotations: {}} are dropped). */
        public List<GenericKubernetesResource> resources() {
            return Manifests.toResources(objects);
        }
    }
}
