package io.driftless.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One release of a fleet file: its chart in one of four kinds (builtin, a Helm chart or a folder of manifests in the
 * values repository, a chart repository), values layers, cluster selector, sync policy and ignore rules, with every
 * problem at its file:line.
 */
final class Releases {

    private static final Pattern CHART_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private Releases() {
    }

    static ReleaseSpec release(Cursor c, Path base) {
        c.allowOnly("name", "namespace", "chart", "source", "values", "clusters", "syncPolicy", "ignoreDifferences",
                "tenant", "adopt", "dependsOn", "rollout", "decryption");
        String name = FleetLoader.dnsLabel(c, "name", 53);
        String namespace = FleetLoader.dnsLabel(c, "namespace", 63);
        ReleaseSpec.ChartRef chart = null;
        Cursor ch = c.child("chart");
        if (ch == null) {
            c.problem("chart", "is required, e.g. {name: prefect-server, version: 2026.8.18172642}");
        } else {
            ch.allowOnly("name", "version", "path", "manifests", "repository", "auth");
            String path = ch.string("path", null);
            String manifests = ch.string("manifests", null);
            String repository = ch.string("repository", null);
            if (FleetLoader.count(path, manifests, repository) > 1 || (path != null || manifests != null)
                    && ch.string("name", null) != null) {
                ch.problem(null, "set one of name and version (a builtin chart), path (a Helm chart in the values "
                        + "repository), repository, name and version (a chart repository) or manifests (a folder "
                        + "of manifests in the values repository)");
            }
            Cursor auth = ch.child("auth");
            if (auth != null && repository == null) {
                ch.problem("auth", "credentials are for a chart repository (repository:)");
            }
            if (repository != null) {
                chart = repositoryRef(ch, repository, chartName(ch), chartVersion(ch), base);
            } else if (path != null || manifests != null) {
                if (manifests != null && ch.string("version", null) != null) {
                    ch.problem("version", "a folder of manifests has no version");
                }
                chart = new ReleaseSpec.ChartRef(null, ch.string("version", null),
                        path == null ? null : FleetLoader.checkedPath(ch, "path", path),
                        manifests == null ? null : FleetLoader.checkedPath(ch, "manifests", manifests));
            } else {
                chart = new ReleaseSpec.ChartRef(ch.required("name"), ch.required("version"));
            }
        }
        String source = c.required("source");
        List<ReleaseSpec.ValuesLayer> layers = new ArrayList<>();
        List<Object> items = c.list("values");
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (item instanceof String s) {
                layers.add(new ReleaseSpec.ValuesLayer(FleetLoader.checkedPath(c, "values[" + i + "]", s), false,
                        c.originOf("values[" + i + "]")));
                continue;
            }
            Cursor l = c.item("values", i, item);
            if (l != null) {
                l.allowOnly("path", "optional");
                String p = l.required("path");
                layers.add(new ReleaseSpec.ValuesLayer(p == null ? null : FleetLoader.checkedPath(l, "path", p),
                        l.bool("optional", false), l.origin()));
            }
        }
        ReleaseSpec.ClusterSelector selector = FleetLoader.selector(c.child("clusters"));
        ReleaseSpec.SyncPolicy policy = ReleaseSpec.SyncPolicy.DEFAULT;
        Cursor sp = c.child("syncPolicy");
        if (sp != null) {
            sp.allowOnly("prune", "selfHeal", "allowEmpty", "dryRun", "createNamespace", "maxPrunePercent",
                    "prunePersistentVolumeClaims", "recreateOnImmutableChange", "serverSideApply", "verifyBuiltin");
            ReleaseSpec.SyncPolicy d = ReleaseSpec.SyncPolicy.DEFAULT;
            policy = new ReleaseSpec.SyncPolicy(sp.bool("prune", d.prune()), sp.bool("selfHeal", d.selfHeal()),
                    sp.bool("allowEmpty", d.allowEmpty()), sp.bool("dryRun", d.dryRun()),
                    sp.bool("createNamespace", d.createNamespace()),
                    sp.integer("maxPrunePercent", d.maxPrunePercent(), 1, 100),
                    sp.bool("prunePersistentVolumeClaims", d.prunePersistentVolumeClaims()),
                    sp.bool("recreateOnImmutableChange", d.recreateOnImmutableChange()),
                    sp.bool("serverSideApply", d.serverSideApply()), sp.bool("verifyBuiltin", d.verifyBuiltin()));
        }
        List<ReleaseSpec.IgnoreRule> ignores = new ArrayList<>();
        List<Object> rules = c.list("ignoreDifferences");
        for (int i = 0; i < rules.size(); i++) {
            Cursor r = c.item("ignoreDifferences", i, rules.get(i));
            if (r == null) {
                continue;
            }
            r.allowOnly("kind", "name", "jsonPointers", "managedFieldsManagers");
            List<String> pointers = r.strings("jsonPointers");
            List<String> managers = r.strings("managedFieldsManagers");
            for (String pointer : pointers) {
                if (!pointer.startsWith("/") || pointer.length() < 2) {
                    r.problem("jsonPointers", "'" + pointer + "' is not a JSON pointer to a field, e.g. /spec/replicas");
                }
            }
            if (pointers.isEmpty() && managers.isEmpty()) {
                r.problem("jsonPointers", "give jsonPointers or managedFieldsManagers (or both)");
            }
            ignores.add(new ReleaseSpec.IgnoreRule(r.string("kind", null), r.string("name", null), pointers, managers));
        }
        if (chart != null && chart.kind() == ReleaseSpec.ChartRef.Kind.MANIFESTS && !layers.isEmpty()) {
            c.problem("values", "a folder of manifests takes no values (they are applied as they are)");
        }
        return new ReleaseSpec(name, namespace, chart, source, List.copyOf(layers), selector, policy, List.copyOf(ignores),
                c.origin(), TenantSpec.ADMIN, c.bool("adopt", false), Deliveries.delivery(c),
                c.child("decryption") == null ? Decryption.NONE : Decryption.read(c.child("decryption"), base));
    }

    /** A chart repository's reference: its URL checked, its credentials read from {@code auth:}. */
    private static ReleaseSpec.ChartRef repositoryRef(Cursor ch, String repository, String name, String version,
                                                      Path base) {
        if (!repository.startsWith("https://") && !repository.startsWith("http://")
                && !repository.startsWith("oci://")) {
            ch.problem("repository", "'" + repository + "' must be an https:// (or http://) URL of a chart "
                    + "repository, or oci://registry/path of an OCI registry");
        } else if (Urls.hasUserInfo(repository)) {
            ch.problem("repository", "carries credentials in its user part; use auth: with passwordEnv, "
                    + "passwordFile, tokenEnv or tokenFile");
        }
        Cursor auth = ch.child("auth");
        return new ReleaseSpec.ChartRef(name, version, null, null, repository.replaceAll("/+$", ""),
                auth == null ? SourceSpec.GitAuth.NONE : FleetLoader.auth(auth, repository, false, base));
    }

    /**
     * An entry of {@code upstreamCharts}: which builtin chart ({@code chart}), the chart repository its published
     * versions come from ({@code repository}, {@code auth}) and its name there ({@code name}, by default the
     * builtin's own, or {@code prefect-server} for {@code prefect-server-legacy}).
     */
    static UpstreamChart upstream(Cursor c, Path base) {
        c.allowOnly("chart", "repository", "name", "auth");
        String chart = c.required("chart");
        String repository = c.required("repository");
        String name = c.string("name", chart == null ? null : UpstreamChart.defaultName(chart));
        if (name != null && !CHART_NAME.matcher(name).matches()) {
            c.problem("name", "'" + name + "' is not a chart name (letters, digits, '.', '_', '-')");
        }
        return new UpstreamChart(chart, repository == null ? null : repositoryRef(c, repository, name, null, base));
    }

    private static String chartName(Cursor ch) {
        String name = ch.required("name");
        if (name != null && (!CHART_NAME.matcher(name).matches() || name.equals(".") || name.equals(".."))) {
            ch.problem("name", "'" + name + "' is not a chart name (letters, digits, '-', '_' and '.'; not '.' or "
                    + "'..')");
        }
        return name;
    }

    /** A chart repository's chart version: any text Helm takes, but not a path. */
    private static String chartVersion(Cursor ch) {
        String version = ch.required("version");
        if (version != null && (version.contains("/") || version.contains(".."))) {
            ch.problem("version", "'" + version + "' must not contain '/' or '..'");
        }
        return version;
    }
}
