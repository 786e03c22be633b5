package io.driftless.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A team sharing the installation, and what its releases may do: render from these sources and paths, write into
 * these clusters and namespaces, write these cluster-scoped kinds (none by default) and not these namespaced ones;
 * with a {@code serviceAccount}, every request of its releases goes to the API server as that account
 * (impersonation), so the cluster's RBAC holds the same line. A fleet without tenants has one implicit
 * {@link #ADMIN} tenant, which may do all Driftless may do.
 *
 * @param sources                   where its releases' values, charts and manifests may come from
 * @param destinations              where its releases may write
 * @param clusterResources          the cluster-scoped kinds it may write (group/kind; none by default)
 * @param namespacedResourcesDenied the namespaced kinds it may not write (none by default)
 * @param serviceAccount            the account its requests are made as, or null for Driftless's own
 */
public record TenantSpec(String name, List<SourceRule> sources, List<Destination> destinations,
                         List<GroupKind> clusterResources, List<GroupKind> namespacedResourcesDenied,
                         ServiceAccount serviceAccount, Origin origin) {

    /** The tenant of a fleet that declares none: every source, cluster, namespace and kind, as Driftless itself. */
    public static final TenantSpec ADMIN = new TenantSpec("", List.of(new SourceRule("*", "**", List.of("**"))),
            List.of(new Destination(ReleaseSpec.ClusterSelector.ALL, List.of("*"))), List.of(GroupKind.ANY),
            List.of(), null, null);

    public boolean isAdmin() {
        return name.isEmpty();
    }

    /**
     * Files of a source its releases may read (values, Helm charts, manifests), as globs ({@code *} within one
     * folder, {@code **} across folders); or, with {@code repository}, a chart repository (a URL glob).
     */
    public record SourceRule(String source, String repository, List<String> paths) {

        boolean admits(String sourceName, String path) {
            return source != null && glob(source).matcher(sourceName).matches()
                    && paths.stream().anyMatch(p -> glob(p).matcher(path).matches());
        }
    }

    /** Namespaces (globs, {@code *} for any) of the clusters a selector picks. */
    public record Destination(ReleaseSpec.ClusterSelector clusters, List<String> namespaces) {
    }

    /** An API group (empty: the core group) and kind; {@code *} matches any. */
    public record GroupKind(String group, String kind) {
        public static final GroupKind ANY = new GroupKind("*", "*");

        public boolean matches(String objectGroup, String objectKind) {
            return ("*".equals(group) || group.equals(objectGroup)) && ("*".equals(kind) || kind.equals(objectKind));
        }

        @Override
        public String toString() {
            return (group.isEmpty() ? "core" : group) + "/" + kind;
        }
    }

    /** A ServiceAccount the tenant's requests are made as. */
    public record ServiceAccount(String namespace, String name) {
        /** The user name the API server knows it by, as {@code Impersonate-User} carries it. */
        public String username() {
            return "system:serviceaccount:" + namespace + ":" + name;
        }
    }

    /** Whether its releases may write to this cluster at all. */
    public boolean admitsCluster(ClusterSpec cluster) {
        return destinations.stream().anyMatch(d -> d.clusters().matches(cluster));
    }

    /** Whether its releases may write objects into this namespace of this cluster. */
    public boolean admitsNamespace(ClusterSpec cluster, String namespace) {
        return destinations.stream().anyMatch(d -> d.clusters().matches(cluster)
                && d.namespaces().stream().anyMatch(n -> glob(n).matcher(namespace).matches()));
    }

    /** Whether its releases may read this file of this source. */
    public boolean admitsPath(String source, String path) {
        return sources.stream().anyMatch(r -> r.admits(source, path));
    }

    /** Whether its releases may render charts from this chart repository. */
    public boolean admitsRepository(String url) {
        return sources.stream().anyMatch(r -> r.repository() != null && glob(r.repository()).matcher(url).matches());
    }

    /** Whether it may write objects of this cluster-scoped kind. */
    public boolean admitsClusterScoped(String group, String kind) {
        return clusterResources.stream().anyMatch(g -> g.matches(group, kind));
    }

    /** Whether objects of this namespaced kind are denied to it. */
    public boolean deniesNamespaced(String group, String kind) {
        return namespacedResourcesDenied.stream().anyMatch(g -> g.matches(group, kind));
    }

    /** {@code **} matches across folders, {@code *} within one; everything else is literal. */
    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
