package io.driftless.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Loads and validates a fleet file. Every problem is reported at once, each naming the file,
 * line and key it is about.
 */
public final class FleetLoader {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern URL_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");
    static final Duration DEFAULT_POLL = Duration.ofSeconds(30);
    static final Duration MIN_POLL = Duration.ofSeconds(1);

    private FleetLoader() {
    }

    public static Fleet load(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(new Problem(file.toString(), 0, "", "cannot read: " + e.getMessage()));
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(file.toString(), content, base);
    }

    /**
     * The file's {@code fleetSource}, when the file points to a fleet kept in Git instead of declaring one; empty
     * for an ordinary fleet file.
     */
    public static java.util.Optional<FleetSource> fleetSource(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(new Problem(file.toString(), 0, "", "cannot read: " + e.getMessage()));
        }
        SafeYaml.Document doc = SafeYaml.parse(file.toString(), content);
        if (!(doc.value() instanceof Map<?, ?> top) || !top.containsKey("fleetSource")) {
            return java.util.Optional.empty();
        }
        List<Problem> problems = new ArrayList<>();
        Cursor root = new Cursor(doc, "", doc.asMap(), problems);
        for (Object key : top.keySet()) {
            if (!List.of("apiVersion", "kind", "fleetSource").contains(String.valueOf(key))) {
                root.problem(String.valueOf(key), "a file with fleetSource only points to the fleet in Git; declare "
                        + "this in the fleet file there");
            }
        }
        Cursor c = root.child("fleetSource");
        FleetSource pointer = null;
        if (c != null) {
            String path = c.required("path");
            if (path != null && (path.startsWith("/") || Path.of(path).normalize().startsWith("..")
                    || List.of(path.split("/")).contains(".."))) {
                c.problem("path", "'" + path + "' must be a path inside the repository (relative, without ..)");
            }
            SourceSpec source = source(c, file.toAbsolutePath().getParent(), "fleet", "path");
            pointer = new FleetSource(source, path);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return java.util.Optional.ofNullable(pointer);
    }

    /** Parses a fleet the operator gave; relative local paths (kubeconfig, a local source) resolve against {@code base}. */
    public static Fleet parse(String fileName, byte[] content, Path base) {
        return parse(fileName, content, base, FleetTrust.OPERATOR);
    }

    /**
     * Parses a fleet; relative local paths resolve against {@code base}, and what it may name on the host is what
     * {@code trust} allows (every reference beyond it a problem at its file:line).
     */
    public static Fleet parse(String fileName, byte[] content, Path base, FleetTrust trust) {
        SafeYaml.Document doc = SafeYaml.parse(fileName, content);
        List<Problem> problems = new ArrayList<>();
        Cursor root = new Cursor(doc, "", doc.asMap(), problems);
        root.allowOnly("apiVersion", "kind", "sources", "clusters", "releases", "notifications", "highAvailability",
                "pruneRemovedTargets", "tenants", "syncWindows", "upstreamCharts");
        String apiVersion = root.string("apiVersion", "driftless.io/v1alpha1");
        if (!"driftless.io/v1alpha1".equals(apiVersion)) {
            root.problem("apiVersion", "unsupported '" + apiVersion + "'; expected driftless.io/v1alpha1");
        }
        String kind = root.string("kind", "Fleet");
        if (!"Fleet".equals(kind)) {
            root.problem("kind", "expected Fleet, found '" + kind + "'");
        }

        List<SourceSpec> sources = new ArrayList<>();
        eachItem(root, "sources", c -> sources.add(source(c, base)));
        List<ClusterSpec> clusters = new ArrayList<>();
        eachItem(root, "clusters", c -> clusters.add(cluster(c, base)));
        List<TenantSpec> tenants = new ArrayList<>();
        eachItem(root, "tenants", c -> tenants.add(Tenants.tenant(c)));
        List<ReleaseSpec> releases = new ArrayList<>();
        List<String> tenantOf = new ArrayList<>();
        eachItem(root, "releases", c -> {
            releases.add(Releases.release(c, base));
            tenantOf.add(c.string("tenant", null));
        });
        List<NotifierSpec> notifiers = new ArrayList<>();
        eachItem(root, "notifications", c -> notifiers.add(Notifiers.notifier(c)));
        List<UpstreamChart> upstream = new ArrayList<>();
        eachItem(root, "upstreamCharts", c -> upstream.add(Releases.upstream(c, base)));
        unique(doc, problems, "upstreamCharts", upstream.stream().map(UpstreamChart::chart)
                .filter(java.util.Objects::nonNull).toList());
        boolean pruneRemovedTargets = root.bool("pruneRemovedTargets", false);
        List<SyncWindow> windows = Deliveries.windows(root);
        HighAvailability ha = HighAvailability.SINGLE;
        Cursor h = root.child("highAvailability");
        if (h != null) {
            h.allowOnly("cluster", "namespace", "shards", "leaseDuration");
            ha = new HighAvailability(h.required("cluster"), h.string("namespace", "driftless"),
                    h.integer("shards", 8, 1, 1024), h.duration("leaseDuration", Duration.ofSeconds(15)), h.origin());
            if (ha.leaseDuration().compareTo(Duration.ofSeconds(1)) < 0) {
                h.problem("leaseDuration", "must be at least 1s");
            }
        }

        unique(doc, problems, "sources", sources.stream().map(SourceSpec::name).toList());
        unique(doc, problems, "clusters", clusters.stream().map(ClusterSpec::name).toList());
        unique(doc, problems, "releases", releases.stream().map(ReleaseSpec::name).toList());
        unique(doc, problems, "notifications", notifiers.stream().map(NotifierSpec::name).toList());
        unique(doc, problems, "tenants", tenants.stream().map(TenantSpec::name).toList());
        Set<String> sourceNames = new HashSet<>(sources.stream().map(SourceSpec::name).toList());
        Set<String> clusterNames = new HashSet<>(clusters.stream().map(ClusterSpec::name).toList());
        if (ha.enabled() && !clusterNames.contains(ha.cluster())) {
            problems.add(new Problem(doc.file(), doc.lineOf("highAvailability.cluster"), "highAvailability.cluster",
                    "unknown cluster '" + ha.cluster() + "'; the leases live in one of the declared clusters"));
        }
        for (ReleaseSpec r : releases) {
            if (r.source() != null && !sourceNames.contains(r.source())) {
                problems.add(new Problem(doc.file(), doc.lineOf(r.origin().key() + ".source"),
                        r.origin().key() + ".source", "unknown source '" + r.source() + "'; declared: "
                        + sourceNames));
            }
            for (String n : r.clusters().names()) {
                if (!clusterNames.contains(n)) {
                    problems.add(new Problem(doc.file(), doc.lineOf(r.origin().key() + ".clusters.names"),
                            r.origin().key() + ".clusters.names", "unknown cluster '" + n + "'"));
                }
            }
            for (ClusterSpec cl : clusters) {
                if (!r.clusters().matches(cl)) {
                    continue;
                }
                if (r.syncPolicy().serverSideApply() && cl.connection() == ClusterSpec.Connection.EMBEDDED) {
                    problems.add(new Problem(doc.file(), doc.lineOf(r.origin().key() + ".syncPolicy.serverSideApply"),
                            r.origin().key() + ".syncPolicy.serverSideApply", "cluster '" + cl.name()
                            + "' is embedded, and its in-memory API server has no server-side apply; use it with "
                            + "real clusters only"));
                }
                for (ReleaseSpec.ValuesLayer layer : r.values()) {
                    try {
                        Target.resolve(layer.path(), cl);
                    } catch (IllegalArgumentException e) {
                        problems.add(layer.origin().problem(e.getMessage()));
                    }
                }
            }
        }
        Deliveries.check(doc, problems, releases, clusters, windows);
        releases.replaceAll(r -> r.decryption().isNone() ? sources.stream().filter(s -> s.name().equals(r.source()))
                .findFirst().map(s -> r.withDecryption(s.decryption())).orElse(r) : r);
        List<ReleaseSpec> owned = Tenants.assign(doc, problems, tenants, releases, tenantOf, sources, clusters);
        if (!tenants.isEmpty()) {
            Tenants.ownKeys(doc, problems, owned);
        }
        Fleet fleet = new Fleet(List.copyOf(sources), List.copyOf(clusters), owned, List.copyOf(notifiers), ha,
                pruneRemovedTargets, List.copyOf(tenants), List.copyOf(windows), UpstreamChart.withDefaults(upstream));
        problems.addAll(trust.problems(doc, fleet, base));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        if (fleet.targets().isEmpty()) {
            String key = releases.isEmpty() ? "releases" : "releases[0].clusters";
            throw new ConfigException(doc.problem(key, releases.isEmpty() ? "the fleet declares no release: there is "
                    + "nothing to sync" : "no release selects any declared cluster: there is nothing to sync"));
        }
        return fleet;
    }

    interface ItemReader {
        void read(Cursor item);
    }

    static void eachItem(Cursor parent, String name, ItemReader reader) {
        List<Object> items = parent.list(name);
        for (int i = 0; i < items.size(); i++) {
            Cursor c = parent.item(name, i, items.get(i));
            if (c != null) {
                reader.read(c);
            }
        }
    }

    static void unique(SafeYaml.Document doc, List<Problem> problems, String list, List<String> names) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (n != null && !seen.add(n)) {
                problems.add(doc.problem(list + "[" + i + "].name", "duplicate name '" + n + "'"));
            }
        }
    }

    static String dnsLabel(Cursor c, String key, int max) {
        String v = c.required(key);
        if (v != null && (v.length() > max || !DNS_LABEL.matcher(v).matches())) {
            c.problem(key, "'" + v + "' must be a lowercase DNS label (a-z, 0-9, '-') of at most "
                    + max + " characters");
        }
        return v;
    }

    private static SourceSpec source(Cursor c, Path base) {
        return source(c, base, null);
    }

    /**
     * @param defaultName the name when the item has none (null: the name is required)
     * @param extraKeys   keys the caller reads besides a source's own
     */
    private static SourceSpec source(Cursor c, Path base, String defaultName, String... extraKeys) {
        List<String> keys = new ArrayList<>(List.of("name", "url", "ref", "pollInterval", "auth", "webhook",
                "verifyCommits", "decryption"));
        keys.addAll(List.of(extraKeys));
        c.allowOnly(keys.toArray(String[]::new));
        String name = defaultName != null && c.string("name", null) == null ? defaultName : dnsLabel(c, "name", 63);
        String url = c.required("url");
        boolean ssh = SourceSpec.isSsh(url);
        if (url != null && !ssh && !URL_SCHEME.matcher(url).matches()) {
            url = localPath(base, url);
        }
        String ref = c.string("ref", "main");
        String badRef = GitRefs.problem(ref);
        if (badRef != null) {
            c.problem("ref", GitRefs.describe(ref, badRef));
        }
        if (url != null && Urls.hasUserInfo(url)) {
            c.problem("url", "carries credentials in its user part; never put them in the URL: use auth.usernameEnv "
                    + "or auth.username with passwordEnv, passwordFile, tokenEnv or tokenFile");
        }
        Duration poll = c.duration("pollInterval", DEFAULT_POLL);
        if (poll.compareTo(MIN_POLL) < 0) {
            c.problem("pollInterval", "must be at least 1s");
        }
        Cursor a = c.child("auth");
        SourceSpec.GitAuth auth = a == null ? SourceSpec.GitAuth.NONE : auth(a, url, ssh, base);
        if (ssh && a == null) {
            c.problem("auth", "an ssh:// source needs auth.sshKeyFile and auth.knownHostsFile");
        }
        SourceSpec.Webhook webhook = SourceSpec.Webhook.NONE;
        Cursor w = c.child("webhook");
        if (w != null) {
            w.allowOnly("secretEnv", "secretFile");
            webhook = new SourceSpec.Webhook(w.string("secretEnv", null), w.string("secretFile", null));
            if (count(webhook.secretEnv(), webhook.secretFile()) != 1) {
                w.problem(null, "set exactly one of secretEnv or secretFile");
            }
        }
        List<String> trustedKeys = new ArrayList<>();
        Cursor v = c.child("verifyCommits");
        if (v != null) {
            v.allowOnly("publicKeys");
            for (String key : v.strings("publicKeys")) {
                trustedKeys.add(localPath(base, key));
            }
            if (trustedKeys.isEmpty()) {
                v.problem("publicKeys", "list at least one file of OpenPGP public keys (gpg --export --armor KEYID)");
            }
        }
        Cursor d = c.child("decryption");
        return new SourceSpec(name, url, ref, poll, auth, webhook, List.copyOf(trustedKeys),
                d == null ? Decryption.NONE : Decryption.read(d, base), c.origin());
    }

    /** Credentials of an HTTP(S) or SSH server: from environment variables or files, never inline. */
    static SourceSpec.GitAuth auth(Cursor a, String url, boolean ssh, Path base) {
        a.allowOnly("username", "usernameEnv", "passwordEnv", "passwordFile", "tokenEnv", "tokenFile",
                "sshKeyFile", "knownHostsFile");
        String sshKey = a.string("sshKeyFile", null);
        String knownHosts = a.string("knownHostsFile", null);
        String passwordFile = a.string("passwordFile", null);
        String tokenFile = a.string("tokenFile", null);
        SourceSpec.GitAuth auth = new SourceSpec.GitAuth(a.string("username", null), a.string("usernameEnv", null),
                a.string("passwordEnv", null),
                passwordFile == null ? null : localPath(base, passwordFile),
                a.string("tokenEnv", null),
                tokenFile == null ? null : localPath(base, tokenFile),
                sshKey == null ? null : localPath(base, sshKey),
                knownHosts == null ? null : localPath(base, knownHosts));
        int secrets = count(auth.passwordEnv(), auth.passwordFile(), auth.tokenEnv(), auth.tokenFile());
        if (ssh) {
            if (secrets > 0 || sshKey == null || knownHosts == null) {
                a.problem(null, "an ssh:// source authenticates with sshKeyFile and checks the server against "
                        + "knownHostsFile: set both, and no password or token");
            }
        } else if (secrets != 1 || sshKey != null || knownHosts != null) {
            a.problem(null, "set exactly one of passwordEnv, passwordFile, tokenEnv or tokenFile"
                    + (sshKey != null || knownHosts != null ? " (sshKeyFile and knownHostsFile are for ssh:// URLs)"
                    : ""));
        }
        if (url != null && url.startsWith("http://") && secrets > 0 && !Urls.isLoopback(url)) {
            a.problem(null, "credentials over plain http:// would travel unencrypted; use https://");
        }
        return auth;
    }

    /**
     * A chart repository's chart name, as Helm allows it: it names the chart in the repository's index and in the
     * registry's path, so nothing that reads as a path (a {@code /}, {@code .} or {@code ..}).
     */
    static int count(String... values) {
        int n = 0;
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                n++;
            }
        }
        return n;
    }

    private static ClusterSpec cluster(Cursor c, Path base) {
        c.allowOnly("name", "embedded", "kubeconfig", "context", "inCluster", "labels");
        String name = dnsLabel(c, "name", 63);
        boolean embedded = c.bool("embedded", false);
        boolean inCluster = c.bool("inCluster", false);
        String kubeconfig = c.string("kubeconfig", null);
        String context = c.string("context", null);
        if ((embedded ? 1 : 0) + (inCluster ? 1 : 0) + (kubeconfig != null || context != null ? 1 : 0) > 1) {
            c.problem(null, "choose one of embedded: true, inCluster: true or kubeconfig/context");
        }
        ClusterSpec.Connection connection = embedded ? ClusterSpec.Connection.EMBEDDED
                : inCluster ? ClusterSpec.Connection.IN_CLUSTER : ClusterSpec.Connection.KUBECONFIG;
        if (kubeconfig != null) {
            kubeconfig = localPath(base, kubeconfig);
        }
        Map<String, String> labels = c.labels("labels");
        return new ClusterSpec(name, connection, kubeconfig, context, Map.copyOf(labels), c.origin());
    }

    /** {@code names} and/or {@code matchLabels}; every cluster when absent. */
    static ReleaseSpec.ClusterSelector selector(Cursor sel) {
        if (sel == null) {
            return ReleaseSpec.ClusterSelector.ALL;
        }
        sel.allowOnly("names", "matchLabels");
        List<String> names = sel.strings("names");
        return new ReleaseSpec.ClusterSelector(names, Map.copyOf(sel.labels("matchLabels")));
    }

    /** Values paths are repository-relative: no absolute paths, no escaping with '..'. */
    static String checkedPath(Cursor c, String key, String path) {
        String p = path.trim();
        if (p.isEmpty() || p.startsWith("/") || p.contains("\\")
                || List.of(p.split("/")).contains("..")) {
            c.problem(key, "'" + path + "' must be a relative path inside the repository (no '/', '\\' or '..')");
        }
        return p;
    }

    /** A file the fleet names, made absolute against the fleet file's folder ({@code ~/} is the home folder). */
    static String localPath(Path base, String file) {
        return base.resolve(expandHome(file)).normalize().toString();
    }

    static String expandHome(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return System.getProperty("user.home") + path.substring(1);
        }
        return path;
    }
}
