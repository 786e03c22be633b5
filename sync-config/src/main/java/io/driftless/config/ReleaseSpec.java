package io.driftless.config;

import java.util.List;
import java.util.Map;

/**
 * A chart installed with layered values on every cluster its selector picks.
 *
 * @param tenant whose release it is ({@link TenantSpec#ADMIN} in a fleet without tenants)
 * @param adopt    whether it may take over live objects it renders that Driftless did not create
 * @param delivery what its new commits wait for: dependencies and rollout waves
 * @param decryption the keys that open its SOPS-encrypted files: its own, else its source's
 */
public record ReleaseSpec(String name, String namespace, ChartRef chart, String source,
                          List<ValuesLayer> values, ClusterSelector clusters, SyncPolicy syncPolicy,
                          List<IgnoreRule> ignoreDifferences, Origin origin, TenantSpec tenant, boolean adopt,
                          Delivery delivery, Decryption decryption) {

    public ReleaseSpec(String name, String namespace, ChartRef chart, String source, List<ValuesLayer> values,
                       ClusterSelector clusters, SyncPolicy syncPolicy, List<IgnoreRule> ignoreDifferences,
                       Origin origin) {
        this(name, namespace, chart, source, values, clusters, syncPolicy, ignoreDifferences, origin,
                TenantSpec.ADMIN, false, Delivery.NONE, Decryption.NONE);
    }

    /** The same release, of another tenant. */
    ReleaseSpec withTenant(TenantSpec owner) {
        return new ReleaseSpec(name, namespace, chart, source, values, clusters, syncPolicy, ignoreDifferences, origin,
                owner, adopt, delivery, decryption);
    }

    /** The same release, opening its SOPS files with these keys (its own, or its source's). */
    ReleaseSpec withDecryption(Decryption keys) {
        return new ReleaseSpec(name, namespace, chart, source, values, clusters, syncPolicy, ignoreDifferences, origin,
                tenant, adopt, delivery, keys);
    }

    /**
     * Differences that are not drift: fields under {@code jsonPointers}, or fields last written by one of
     * {@code managedFieldsManagers} (e.g. the replicas an autoscaler sets), on objects of {@code kind}
     * and {@code name} (null matches any).
     */
    public record IgnoreRule(String kind, String name, List<String> jsonPointers, List<String> managedFieldsManagers) {

        public boolean appliesTo(String objectKind, String objectName) {
            return (kind == null || kind.equals(objectKind)) && (name == null || name.equals(objectName));
        }

        /** Whether a JSON pointer is one of the ignored fields or inside one. */
        public boolean coversPath(String pointer) {
            return pointer != null && jsonPointers.stream()
                    .anyMatch(p -> pointer.equals(p) || pointer.startsWith(p.endsWith("/") ? p : p + "/"));
        }
    }

    /**
     * What renders the release: a builtin chart ({@code name} and {@code version}), a Helm chart in the values
     * repository ({@code path}, and optionally the {@code version} its Chart.yaml must have), a Helm chart from a
     * chart repository ({@code repository}, {@code name}, {@code version}, and {@code auth} when it needs
     * credentials), or a folder of plain manifests in the values repository ({@code manifests}).
     */
    public record ChartRef(String name, String version, String path, String manifests, String repository,
                           SourceSpec.GitAuth auth) {

        public enum Kind { BUILTIN, HELM, REPOSITORY, MANIFESTS }

        public ChartRef(String name, String version) {
            this(name, version, null, null, null, SourceSpec.GitAuth.NONE);
        }

        public ChartRef(String name, String version, String path, String manifests) {
            this(name, version, path, manifests, null, SourceSpec.GitAuth.NONE);
        }

        public Kind kind() {
            return path != null ? Kind.HELM : manifests != null ? Kind.MANIFESTS : repository != null
                    ? Kind.REPOSITORY : Kind.BUILTIN;
        }

        @Override
        public String toString() {
            return switch (kind()) {
                case BUILTIN -> name + "@" + version;
                case HELM -> "helm:" + path + (version == null ? "" : "@" + version);
                case REPOSITORY -> repository + "/" + name + "@" + version;
                case MANIFESTS -> "manifests:" + manifests;
            };
        }
    }

    /**
     * One values file, later layers overriding earlier ones. The path may hold {@code {cluster}}
     * and {@code {labels.KEY}} placeholders; an optional layer may be missing in the repository.
     */
    public record ValuesLayer(String path, boolean optional, Origin origin) {
    }

    /** Picks clusters by name or by labels; an empty selector picks every cluster. */
    public record ClusterSelector(List<String> names, Map<String, String> matchLabels) {
        public static final ClusterSelector ALL = new ClusterSelector(List.of(), Map.of());

        public boolean matches(ClusterSpec cluster) {
            if (!names.isEmpty() && !names.contains(cluster.name())) {
                return false;
            }
            return matchLabels.entrySet().stream()
                    .allMatch(e -> e.getValue().equals(cluster.labels().get(e.getKey())));
        }
    }

    /**
     * @param prune           delete objects the release no longer renders
     * @param selfHeal        re-apply when live objects drift from Git
     * @param allowEmpty      allow a desired set that is empty (and so a prune of everything)
     * @param dryRun          plan and report, never write
     * @param createNamespace create the release namespace when it is missing
     * @param maxPrunePercent the largest share of a target's objects one sync may prune
     * @param serverSideApply write with server-side apply (field manager driftless, conflicts forced) instead
     *                        of JSON patches; needs a real API server
     * @param verifyBuiltin   also render a builtin chart's every new render through Helm from the upstream package,
     *                        off the sync path, and warn when the two differ (the shadow verification)
     */
    public record SyncPolicy(boolean prune, boolean selfHeal, boolean allowEmpty, boolean dryRun,
                             boolean createNamespace, int maxPrunePercent, boolean prunePersistentVolumeClaims,
                             boolean recreateOnImmutableChange, boolean serverSideApply, boolean verifyBuiltin) {
        public static final SyncPolicy DEFAULT = new SyncPolicy(true, false, false, false, true, 50, false, false, false,
                false);

        public SyncPolicy(boolean prune, boolean selfHeal, boolean allowEmpty, boolean dryRun, boolean createNamespace,
                          int maxPrunePercent, boolean prunePersistentVolumeClaims, boolean recreateOnImmutableChange,
                          boolean serverSideApply) {
            this(prune, selfHeal, allowEmpty, dryRun, createNamespace, maxPrunePercent, prunePersistentVolumeClaims,
                    recreateOnImmutableChange, serverSideApply, false);
        }

        /**
         * This policy for a target that left the fleet with {@code pruneRemovedTargets}: prune everything it owns
         * (its volume-claim rule kept), with no share limit, no dry run and no namespace to create.
         */
        public SyncPolicy pruningEverything() {
            return new SyncPolicy(true, false, true, false, false, 100, prunePersistentVolumeClaims, false,
                    serverSideApply, false);
        }

        public SyncPolicy(boolean prune, boolean selfHeal, boolean allowEmpty, boolean dryRun, boolean createNamespace,
                          int maxPrunePercent, boolean prunePersistentVolumeClaims, boolean recreateOnImmutableChange) {
            this(prune, selfHeal, allowEmpty, dryRun, createNamespace, maxPrunePercent, prunePersistentVolumeClaims,
                    recreateOnImmutableChange, false);
        }
    }
}
