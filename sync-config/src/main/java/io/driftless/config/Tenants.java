package io.driftless.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The fleet's {@code tenants}: reading them, and checking every release against its tenant when the fleet is loaded
 * (its source and the files it reads, its clusters and namespace), each problem at the release's file:line. What
 * its rendered objects may be is checked at each sync, by the plan.
 */
final class Tenants {

    private Tenants() {
    }

    static TenantSpec tenant(Cursor c) {
        c.allowOnly("name", "sources", "destinations", "clusterResources", "namespacedResourcesDenied",
                "serviceAccount");
        String name = FleetLoader.dnsLabel(c, "name", 63);
        List<TenantSpec.SourceRule> sources = new ArrayList<>();
        FleetLoader.eachItem(c, "sources", s -> {
            s.allowOnly("name", "repository", "paths");
            String source = s.string("name", null);
            String repository = s.string("repository", null);
            if ((source == null) == (repository == null)) {
                s.problem(null, "set one of name (a source of the fleet) or repository (a chart repository URL, "
                        + "* and ** allowed)");
            }
            List<String> paths = s.strings("paths");
            if (repository != null && !paths.isEmpty()) {
                s.problem("paths", "a chart repository has no paths");
            }
            sources.add(new TenantSpec.SourceRule(source, repository, paths.isEmpty() ? List.of("**") : paths));
        });
        List<TenantSpec.Destination> destinations = new ArrayList<>();
        FleetLoader.eachItem(c, "destinations", d -> {
            d.allowOnly("clusters", "namespaces");
            List<String> namespaces = d.strings("namespaces");
            if (namespaces.isEmpty()) {
                d.problem("namespaces", "list the namespaces (globs such as team-a-*) the tenant's releases may "
                        + "write to");
            }
            destinations.add(new TenantSpec.Destination(FleetLoader.selector(d.child("clusters")), namespaces));
        });
        if (destinations.isEmpty()) {
            c.problem("destinations", "a tenant needs at least one destination ({clusters: ..., namespaces: [...]}): "
                    + "without one its releases may write nowhere");
        }
        TenantSpec.ServiceAccount account = null;
        Cursor sa = c.child("serviceAccount");
        if (sa != null) {
            sa.allowOnly("namespace", "name");
            account = new TenantSpec.ServiceAccount(FleetLoader.dnsLabel(sa, "namespace", 63),
                    FleetLoader.dnsLabel(sa, "name", 253));
        }
        return new TenantSpec(name, List.copyOf(sources), List.copyOf(destinations), groupKinds(c, "clusterResources"),
                groupKinds(c, "namespacedResourcesDenied"), account, c.origin());
    }

    private static List<TenantSpec.GroupKind> groupKinds(Cursor c, String key) {
        List<TenantSpec.GroupKind> out = new ArrayList<>();
        FleetLoader.eachItem(c, key, g -> {
            g.allowOnly("group", "kind");
            String group = g.string("group", null);
            String kind = g.required("kind");
            if (group == null) {
                g.problem("group", "is required: the API group, \"\" for the core group (v1), \"*\" for any");
            }
            if (group != null && kind != null) {
                out.add(new TenantSpec.GroupKind(group, kind));
            }
        });
        return List.copyOf(out);
    }

    /**
     * Each release with its tenant, once every release of a fleet with tenants names one of them and keeps inside
     * it: its source and the files it reads, each cluster it selects, its namespace there. Without tenants, every
     * release is the implicit admin tenant's.
     *
     * @param tenantOf each release's {@code tenant} key (null when absent), in order
     */
    static List<ReleaseSpec> assign(SafeYaml.Document doc, List<Problem> problems, List<TenantSpec> tenants,
                                    List<ReleaseSpec> releases, List<String> tenantOf, List<SourceSpec> sources,
                                    List<ClusterSpec> clusters) {
        Map<String, TenantSpec> byName = tenants.stream().filter(t -> t.name() != null)
                .collect(Collectors.toMap(TenantSpec::name, Function.identity(), (a, b) -> a));
        List<ReleaseSpec> out = new ArrayList<>();
        for (int i = 0; i < releases.size(); i++) {
            ReleaseSpec r = releases.get(i);
            String named = tenantOf.get(i);
            String key = r.origin().key();
            if (named == null) {
                if (!tenants.isEmpty()) {
                    problems.add(doc.problem(key, "the fleet declares tenants: name the release's tenant (one of "
                            + byName.keySet() + ")"));
                }
                out.add(r);
                continue;
            }
            TenantSpec tenant = byName.get(named);
            if (tenant == null) {
                problems.add(doc.problem(key + ".tenant", "unknown tenant '" + named + "'; declared: "
                        + byName.keySet()));
                out.add(r);
                continue;
            }
            check(doc, problems, tenant, r, sources, clusters);
            out.add(r.withTenant(tenant));
        }
        return List.copyOf(out);
    }

    /**
     * A tenant's keys open its own releases' files only: a key file or variable that releases of two tenants would
     * decrypt with (named on each release, or on a source they share) is refused at each later release.
     */
    static void ownKeys(SafeYaml.Document doc, List<Problem> problems, List<ReleaseSpec> releases) {
        Map<String, String> tenantOf = new java.util.HashMap<>();
        for (ReleaseSpec r : releases) {
            for (String key : r.decryption().references()) {
                String first = tenantOf.putIfAbsent(key, r.tenant().name());
                if (first != null && !first.equals(r.tenant().name())) {
                    problems.add(doc.problem(r.origin().key() + ".decryption", "release " + r.name() + " of tenant "
                            + r.tenant().name() + " would open its files with the keys of tenant " + first + " (" + key
                            + (r.decryption().origin().key().startsWith("sources[") ? ", on its source" : "")
                            + "): a tenant's keys open only its own releases' files; give each tenant keys of its "
                            + "own (decryption on its releases)"));
                }
            }
        }
    }

    private static void check(SafeYaml.Document doc, List<Problem> problems, TenantSpec tenant, ReleaseSpec r,
                              List<SourceSpec> sources, List<ClusterSpec> clusters) {
        String key = r.origin().key();
        String who = "tenant " + tenant.name();
        ReleaseSpec.ChartRef chart = r.chart();
        if (chart != null && chart.kind() == ReleaseSpec.ChartRef.Kind.REPOSITORY
                && !tenant.admitsRepository(chart.repository())) {
            problems.add(doc.problem(key + ".chart.repository", who + " may not render charts from "
                    + chart.repository() + " (add it to the tenant's sources as {repository: ...})"));
        }
        if (r.source() != null && sources.stream().anyMatch(s -> s.name().equals(r.source()))) {
            for (String path : chart == null ? new String[0] : new String[] {chart.path(), chart.manifests()}) {
                if (path != null && !tenant.admitsPath(r.source(), path)) {
                    problems.add(doc.problem(key + ".chart", who + " may not read " + path + " of source "
                            + r.source() + " (its sources: " + describeSources(tenant) + ")"));
                }
            }
        }
        for (ClusterSpec cluster : clusters) {
            if (!r.clusters().matches(cluster)) {
                continue;
            }
            if (!tenant.admitsCluster(cluster)) {
                problems.add(doc.problem(key + ".clusters", who + " may not write to cluster " + cluster.name()
                        + " (no destination of the tenant selects it)"));
                continue;
            }
            if (!tenant.admitsNamespace(cluster, r.namespace())) {
                problems.add(doc.problem(key + ".namespace", who + " may not write to namespace " + r.namespace()
                        + " of cluster " + cluster.name() + " (its destinations there: " + namespaces(tenant, cluster)
                        + ")"));
            }
            for (ReleaseSpec.ValuesLayer layer : r.values()) {
                String path;
                try {
                    path = Target.resolve(layer.path(), cluster);
                } catch (IllegalArgumentException e) {
                    continue; // reported by the loader
                }
                if (r.source() != null && !tenant.admitsPath(r.source(), path)) {
                    problems.add(layer.origin().problem(who + " may not read " + path + " of source " + r.source()
                            + " (its sources: " + describeSources(tenant) + ")"));
                }
            }
        }
    }

    private static List<String> namespaces(TenantSpec tenant, ClusterSpec cluster) {
        return tenant.destinations().stream().filter(d -> d.clusters().matches(cluster))
                .flatMap(d -> d.namespaces().stream()).toList();
    }

    private static String describeSources(TenantSpec tenant) {
        return tenant.sources().stream().map(s -> s.source() != null ? s.source() + " " + s.paths()
                : "repository " + s.repository()).collect(Collectors.joining(", "));
    }
}
