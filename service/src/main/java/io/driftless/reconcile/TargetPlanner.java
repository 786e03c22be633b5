package io.driftless.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.driftless.cluster.InventoryStore;
import io.driftless.cluster.LiveReader;
import io.driftless.cluster.TargetCluster;
import io.driftless.config.ConfigException;
import io.driftless.config.Decryption;
import io.driftless.config.Problem;
import io.driftless.config.ReleaseSpec;
import io.driftless.config.SafeYaml;
import io.driftless.config.Target;
import io.driftless.decrypt.Keyring;
import io.driftless.decrypt.SopsFiles;
import io.driftless.diff.Redaction;
import io.driftless.model.KindScopes;
import io.driftless.model.ObjectRef;
import io.driftless.model.Tracking;
import io.driftless.plan.Plan;
import io.driftless.plan.Planner;
import io.driftless.plan.PruneBlock;
import io.driftless.plan.Tenancy;
import io.driftless.render.Chart;
import io.driftless.render.ChartCatalogue;
import io.driftless.render.Values;
import io.driftless.source.Snapshot;

/**
 * What a target's sync would do at a commit: read the values layers, render (cached per target, as the fleet
 * declares it, and commit), read the live objects and the inventory, plan. Reads only; writing is {@link TargetSyncer}'s job.
 */
public final class TargetPlanner {

    /** The inputs and the outcome of planning one target. */
    /** @param absent the namespaces of the desired objects that did not exist when the live state was read */
    record Planned(Chart.Rendered rendered, List<Map<String, Object>> desired, Map<ObjectRef, Map<String, Object>> live,
                   InventoryStore.Inventory inventory, Plan plan, SyncOutcome.Render render, Set<String> absent) {

        /**
         * The inventory to record after this plan ran: what it keeps, and, while a prune stays blocked by its
         * share, what the target held before (so no later pass can dilute the share and prune anyway).
         */
        InventoryStore.Inventory next(Set<ObjectRef> pruned, String commit, boolean hooksDone) {
            Set<ObjectRef> objects = plan.nextInventory(pruned);
            boolean shareBlocked = plan.changes().stream().anyMatch(c -> c.pruneBlocked() == PruneBlock.MAX_SHARE);
            // with no hooks at this commit none is recorded, so a commit that changes nothing else leaves the
            // inventory alone, and hooks that come back (even at an earlier commit) are due
            String hooks = desired.stream().anyMatch(io.driftless.plan.Hooks::isHook) ? commit : null;
            return new InventoryStore.Inventory(objects, shareBlocked ? inventory.held() : objects,
                    hooksDone ? hooks : inventory.hooksRevision());
        }
    }

    /**
     * A render of a commit, with the objects it asks for (hooks aside), which health is assessed over.
     *
     * @param target the target as the fleet declared it when it rendered (values list, chart, namespace, tenant,
     *               cluster): a render of another declaration of the same target is never reused, so a fleet reload
     *               that changes what feeds the render is rendered again, even at the same commit
     * @param inputs what the render read from Git (see {@link #inputs}): another commit with the same inputs
     *               renders the same objects
     * @param hooks  whether it has hooks (which run once per commit, so such a render is never carried over)
     */
    private record CachedRender(Target target, String commit, String inputs, Chart.Rendered rendered,
                                List<ObjectRef> objects, boolean hooks) {
        CachedRender at(String other) {
            return new CachedRender(target, other, inputs, rendered, objects, hooks);
        }
    }

    private final ChartCatalogue charts;
    private final Function<Target, TargetCluster> clusters;
    private final Clock clock;
    private final Function<Decryption, Keyring> keys;
    private final Map<String, CachedRender> renders = new ConcurrentHashMap<>();

    private final ShadowVerifier shadow;

    /**
     * @param clusters each target's cluster, as its tenant sees it
     * @param shadow   what verifies the builtin charts' new renders against Helm's
     */
    TargetPlanner(ChartCatalogue charts, Function<Target, TargetCluster> clusters, Clock clock,
                  Function<Decryption, Keyring> keys, ShadowVerifier shadow) {
        this.shadow = shadow;
        this.keys = keys;
        this.charts = charts;
        this.clusters = clusters;
        this.clock = clock;
    }

    /**
     * @param cache whether this render may replace the cached one (a preview of another ref must not)
     * @throws ConfigException   a values file is missing or invalid
     * @throws io.driftless.render.RenderException the chart refuses the values
     * @throws KubernetesClientException the cluster cannot be read
     */
    Planned plan(Target target, Snapshot snapshot, boolean cache) {
        SyncOutcome.Render[] ran = new SyncOutcome.Render[1];
        Chart.Rendered rendered = render(target, snapshot, cache, ran);
        Planner.Owner owner = new Planner.Owner(Tracking.labelValue(target), Tracking.owner(target),
                target.release().adopt());
        KindScopes scopes = scopes(rendered, clusters.apply(target));
        List<Map<String, Object>> desired = new ArrayList<>();
        for (var r : rendered.objects()) {
            desired.add(Planner.stamp(owner, Planner.inNamespace(target.release().namespace(), Values.deepCopy(r),
                    scopes)));
        }
        Plan outside = Tenancy.refuse(target.release().tenant(), target.cluster(), desired);
        Plan invalid = outside != null ? outside : Planner.refuseInvalid(desired);
        if (invalid != null) {
            return new Planned(rendered, desired, null, InventoryStore.Inventory.EMPTY, invalid, ran[0], Set.of()); // not read
        }
        TargetCluster cluster = clusters.apply(target);
        Set<ObjectRef> wanted = new LinkedHashSet<>();
        desired.forEach(d -> wanted.add(Planner.refOf(d)));
        // a namespace that does not exist holds neither the inventory nor any object: nothing to read there (for a
        // new target, one read of its namespace instead of a read of its inventory and of each object)
        List<ObjectRef> placed = new ArrayList<>(wanted);
        placed.add(new ObjectRef("v1", "ConfigMap", target.release().namespace(),
                InventoryStore.name(target.release().name())));
        Set<String> absent = cluster.absentNamespaces(placed);
        InventoryStore.Inventory inventory = absent.contains(target.release().namespace()) ? InventoryStore.Inventory.EMPTY
                : cluster.loadInventory(target.release().namespace(), target.release().name());
        wanted.addAll(inventory.objects());
        if (cache) { // a preview of another ref must not change what the target's watches cover
            cluster.watch(target.release().name(), wanted);
        }
        Map<ObjectRef, Map<String, Object>> live = cluster.read(wanted, owner.labelValue(), absent);
        Plan plan = Planner.plan(owner, desired, live, inventory.objects(), inventory.held(),
                !snapshot.commit().equals(inventory.hooksRevision()), target.release().syncPolicy(),
                target.release().ignoreDifferences());
        return new Planned(rendered, desired, live, inventory, plan, ran[0], absent);
    }

    /**
     * The target's values files at the snapshot's commit, in order, parsed (a missing optional layer left out),
     * each SOPS-encrypted one opened in memory with the release's keys.
     *
     * @param opened gets the values the SOPS files opened to (for {@link Redaction#remember})
     *
     * @throws ConfigException every missing or invalid file, file:line
     */
    public static List<SafeYaml.Document> valuesFiles(Target target, Snapshot snapshot,
                                                     Function<Decryption, Keyring> keys, Set<String> opened) {
        List<SafeYaml.Document> layers = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (ReleaseSpec.ValuesLayer layer : target.valuesLayers()) {
            Optional<byte[]> content = snapshot.read(layer.path());
            if (content.isEmpty()) {
                if (!layer.optional()) {
                    problems.add(layer.origin().problem("values file " + layer.path() + " does not exist in source "
                            + snapshot.source() + " at " + snapshot.shortCommit()
                            + " (mark the layer optional: true if it may be missing)"));
                }
                continue;
            }
            try {
                layers.add(SopsFiles.layer(SafeYaml.parse(layer.path(), content.get()),
                        () -> keys.apply(target.release().decryption()), opened::addAll));
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return layers;
    }

    /** The snapshot's folders as the target's chart reads them: SOPS-encrypted manifests opened in memory. */
    public static ChartCatalogue.Files files(Target target, Snapshot snapshot, Function<Decryption, Keyring> keys,
                                             Set<String> opened) {
        return path -> SopsFiles.folder(path, snapshot.files(path), () -> keys.apply(target.release().decryption()),
                opened::addAll);
    }

    /** Drops the target's cached render. */
    void forget(Target target) {
        renders.remove(target.id());
    }

    /** Forgets what the target's renders (and previews) opened from SOPS files: it left the fleet. */
    void forgetSecrets(Target target) {
        Redaction.forget(owner(target, true));
        Redaction.forget(owner(target, false));
    }

    /** Whose opened values a render's are: the target's own, or its previews' (which must not displace them). */
    private static String owner(Target target, boolean cache) {
        return target.id() + (cache ? "" : " (preview)");
    }

    /** The target's cached render, when it was made for this very declaration of the target. */
    private CachedRender cached(Target target) {
        CachedRender cached = renders.get(target.id());
        return cached != null && cached.target().equals(target) ? cached : null;
    }

    /**
     * Health from the watch caches, for the commit whose render is cached: no render, no diff, and no API call but
     * a list of the pods of a workload that is not ready (whether one is stuck). Empty when that render is not
     * cached or a kind of the target is not covered by a watch.
     */
    java.util.Optional<io.driftless.health.Health.Report> healthFromCache(Target target, String commit) {
        CachedRender cached = cached(target);
        TargetCluster cluster = clusters.apply(target);
        if (cached == null || !cached.commit().equals(commit) || !cluster.covers(target.release().name())) {
            return java.util.Optional.empty();
        }
        List<ObjectRef> refs = cached.objects();
        LiveReader.Cache cache = cluster.cache();
        Map<ObjectRef, Map<String, Object>> live = new java.util.HashMap<>();
        for (ObjectRef ref : refs) {
            Map<String, Object> hit = cache.lookup(ref);
            if (hit == null) {
                return java.util.Optional.empty(); // not cached after all: the next sync reads it
            }
            if (hit != LiveReader.Cache.ABSENT) {
                live.put(ref, hit);
            }
        }
        return java.util.Optional.of(io.driftless.health.Health.assess(refs, live, Set.of(),
                cached.rendered().healthHints(), cluster.pods()));
    }

    /** The rendered objects' identities in the release's namespace, hooks aside (metadata copied, not the rest). */
    private static List<ObjectRef> releaseObjects(Chart.Rendered rendered, String namespace, KindScopes scopes) {
        List<ObjectRef> refs = new ArrayList<>();
        for (Map<String, Object> r : rendered.objects()) {
            Map<String, Object> object = new java.util.LinkedHashMap<>(r);
            object.put("metadata", new java.util.LinkedHashMap<>(io.driftless.render.Tree.asMap(r.get("metadata"))));
            if (!Planner.isHook(object)) {
                refs.add(Planner.refOf(Planner.inNamespace(namespace, object, scopes)));
            }
        }
        return List.copyOf(refs);
    }

    /**
     * Which rendered kinds live outside namespaces: the cluster's discovery, then the definitions the render itself
     * carries (a CustomResourceDefinition not yet established there), then Kubernetes's own kinds.
     */
    private static KindScopes scopes(Chart.Rendered rendered, TargetCluster cluster) {
        return cluster.scopes().orElse(KindScopes.definedBy(rendered.objects())).orElse(KindScopes.BUILTIN);
    }

    /**
     * Whether a later commit leaves the target where the applied one did: the render of the applied commit is
     * cached for the target as it is declared now, has no hooks, and the target's inputs (values files, chart
     * folder) are the same objects in Git at both commits. Reads only.
     */
    boolean sameInputs(Target target, String applied, Snapshot later) {
        CachedRender cached = cached(target);
        return cached != null && cached.commit().equals(applied) && !cached.hooks()
                && cached.inputs().equals(inputs(target, later));
    }

    /** Lets the cached render stand for a later commit that {@link #sameInputs} found to render the same. */
    void carryOver(Target target, Snapshot later) {
        renders.computeIfPresent(target.id(), (id, cached) -> cached.target().equals(target)
                ? cached.at(later.commit()) : cached);
    }

    /** A chart's reads of live Secrets, limited to the namespaces the target's tenant may write to. */
    private static Chart.Lookup tenantsOwn(Target target, Chart.Lookup secrets) {
        return (namespace, secret, key) -> target.release().tenant().admitsNamespace(target.cluster(), namespace)
                ? secrets.secretValue(namespace, secret, key) : Optional.empty();
    }

    /** What the target's render reads from Git, as Git object ids: each values layer and the chart's folder. */
    private static String inputs(Target target, Snapshot snapshot) {
        StringBuilder inputs = new StringBuilder();
        ReleaseSpec.ChartRef chart = target.release().chart();
        for (String path : new String[] {chart.path(), chart.manifests()}) {
            if (path != null) {
                inputs.append(path).append('=').append(snapshot.objectId(path)).append('\n');
            }
        }
        for (ReleaseSpec.ValuesLayer layer : target.valuesLayers()) {
            inputs.append(layer.path()).append('=').append(snapshot.objectId(layer.path())).append('\n');
        }
        return inputs.toString();
    }

    /** @param ran set to the engine and time of a render that ran (not one taken from the cache) */
    private Chart.Rendered render(Target target, Snapshot snapshot, boolean cache, SyncOutcome.Render[] ran) {
        CachedRender cached = cached(target);
        if (cached != null && cached.commit().equals(snapshot.commit())) {
            return cached.rendered();
        }
        String inputs = inputs(target, snapshot);
        if (cached != null && cached.inputs().equals(inputs)) {
            if (cache) {
                renders.put(target.id(), cached.at(snapshot.commit()));
            }
            return cached.rendered();
        }
        Set<String> opened = new java.util.HashSet<>();
        String owner = owner(target, cache);
        try {
            Chart.Rendered rendered = render(target, snapshot, inputs, cache, ran, opened);
            Redaction.remember(owner, opened, true);
            return rendered;
        } catch (RuntimeException e) { // before its message is shown: a chart's error may quote an opened value
            Redaction.remember(owner, opened, false);
            throw e;
        }
    }

    private Chart.Rendered render(Target target, Snapshot snapshot, String inputs, boolean cache,
                                  SyncOutcome.Render[] ran, Set<String> opened) {
        List<SafeYaml.Document> layers = valuesFiles(target, snapshot, keys, opened);
        ReleaseSpec r = target.release();
        TargetCluster cluster = clusters.apply(target);
        Instant started = clock.instant();
        Chart.Release release = new Chart.Release(r.name(), r.namespace(), r.chart().version(),
                charts.engine(r.chart()).readsLiveSecrets() ? tenantsOwn(target, cluster.secrets()) : Chart.Lookup.NONE,
                cluster.capabilities(), r.tenant().name());
        Chart.Rendered rendered = charts.render(r.chart(), release, layers, files(target, snapshot, keys, opened));
        ran[0] = new SyncOutcome.Render(charts.engine(r.chart()).label(r.chart(), rendered),
                Duration.between(started, clock.instant()));
        if (cache && shadow.wanted(target, inputs)) {
            shadow.offer(target, release, layers);
        } else if (cache) { // a mismatch found for earlier inputs says nothing of these
            shadow.forget(target.id());
        }
        if (cache) {
            renders.put(target.id(), new CachedRender(target, snapshot.commit(), inputs, rendered,
                    releaseObjects(rendered, target.release().namespace(), scopes(rendered, cluster)),
                    rendered.objects().stream().anyMatch(io.driftless.plan.Hooks::isHook)));
        }
        return rendered;
    }
}
