package io.driftless.reconcile;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.apply.ChangeSet;
import io.driftless.cluster.ClusterErrors;
import io.driftless.cluster.InventoryStore;
import io.driftless.cluster.TargetCluster;
import io.driftless.config.ConfigException;
import io.driftless.config.Problem;
import io.driftless.config.ReleaseSpec;
import io.driftless.config.Target;
import io.driftless.health.Health;
import io.driftless.model.ObjectRef;
import io.driftless.model.Tracking;
import io.driftless.plan.Action;
import io.driftless.plan.Plan;
import io.driftless.plan.Planner;
import io.driftless.render.Chart;
import io.driftless.render.ChartCatalogue;
import io.driftless.render.RenderException;
import io.driftless.source.Snapshot;
import io.driftless.source.SourceException;
import io.driftless.status.Drift;
import io.driftless.status.Failure;
import io.driftless.status.SyncResult;

/**
 * One target at one commit, as a function: read the values, render (cached per target and commit), read the live
 * objects and the inventory, plan, and, when asked to write, apply and record the inventory; answers a
 * {@link SyncOutcome}. It keeps no status, metric or notice: the reporter does. A values, render, Git or policy
 * failure stops before anything is written, so the last good state stays applied.
 */
public final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final ChartCatalogue charts;
    private final TargetPlanner planner;
    private final Function<Target, TargetCluster> clusters;
    private final Clock clock;

    private final ShadowVerifier shadow;

    /** @param clusters each target's cluster, as its tenant sees it */
    public Reconciler(ChartCatalogue charts, Function<Target, TargetCluster> clusters, Clock clock,
                      Function<io.driftless.config.Decryption, io.driftless.decrypt.Keyring> keys) {
        this(charts, clusters, clock, keys, new ShadowVerifier(charts));
    }

    /** @param shadow what verifies the builtin charts' new renders against Helm's */
    public Reconciler(ChartCatalogue charts, Function<Target, TargetCluster> clusters, Clock clock,
                      Function<io.driftless.config.Decryption, io.driftless.decrypt.Keyring> keys,
                      ShadowVerifier shadow) {
        this.charts = charts;
        this.shadow = shadow;
        this.planner = new TargetPlanner(charts, clusters, clock, keys, shadow);
        this.clusters = clusters;
        this.clock = clock;
    }

    /** Fetches what the target's chart needs from elsewhere (a repository's archive), before its sync runs. */
    public void prepare(Target target) {
        if (target.release().chart() != null) {
            charts.prepare(target.release().chart());
        }
    }

    TargetPlanner planner() {
        return planner;
    }

    TargetCluster cluster(Target target) {
        return clusters.apply(target);
    }

    /**
     * @param write    false to compare and report only (a dry run: drift is shown, nothing is written)
     * @param stopping whether a shutdown began: an apply stops at the next object boundary
     */
    public SyncOutcome reconcile(Target target, Snapshot snapshot, boolean write, BooleanSupplier stopping) {
        Instant started = clock.instant();
        TargetCluster side = clusters.apply(target);
        String unavailable = side.unavailable(started);
        if (unavailable != null) {
            return SyncOutcome.failed(target, snapshot.commit(), started, clock.instant(),
                    new Failure(Failure.Stage.CLUSTER, unavailable), null);
        }
        SyncOutcome.Render render = null;
        try {
            TargetPlanner.Planned planned = planner.plan(target, snapshot, true);
            render = planned.render();
            Plan plan = planned.plan();
            List<String> warnings = shadow.mismatch(target.id()).map(m -> Stream.concat(
                    planned.rendered().warnings().stream(), Stream.of(m.warning())).toList())
                    .orElse(planned.rendered().warnings());
            if (plan.isRefused()) {
                return new SyncOutcome(target, snapshot.commit(), started, clock.instant(), SyncResult.REFUSED, plan,
                        null, planned.live() == null ? null : health(side, planned, null), warnings,
                        new Failure(Failure.Stage.POLICY, plan.refused().message()), render);
            }
            ReleaseSpec.SyncPolicy policy = target.release().syncPolicy();
            if (!write || policy.dryRun() || plan.outOfSync() == 0) {
                if (write && !policy.dryRun()) {
                    saveIfChanged(side, target, snapshot, planned, planned.next(Set.of(), snapshot.commit(), true));
                }
                return new SyncOutcome(target, snapshot.commit(), started, clock.instant(), SyncResult.SUCCESS, plan,
                        null, health(side, planned, null), warnings, null, render);
            }
            if (policy.createNamespace()) {
                Set<String> missing = new TreeSet<>(namespaces(target, planned.desired()));
                missing.retainAll(planned.absent());
                side.createNamespaces(target.id(), missing);
            }
            InventoryStore.Inventory ahead = recordAhead(side, target, snapshot, plan, planned.inventory());
            ChangeSet changes = side.apply(target.id(), plan, target.release().ignoreDifferences(),
                    policy.serverSideApply(), stopping);
            Set<ObjectRef> pruned = changes.entries().stream().filter(e -> e.outcome() == ChangeSet.Outcome.PRUNED)
                    .map(ChangeSet.Entry::ref).collect(Collectors.toSet());
            // every hook of this commit ran (or none was needed) once the whole apply succeeded
            boolean hooksDone = !changes.failed() && !changes.interrupted();
            InventoryStore.Inventory next = planned.next(pruned, snapshot.commit(), hooksDone);
            if (!next.equals(ahead)) {
                side.saveInventory(target.release().namespace(), target.release().name(), snapshot.commit(), next,
                        !ahead.equals(InventoryStore.Inventory.EMPTY));
            }
            Failure failure = changes.failed() ? new Failure(Failure.Stage.APPLY, changes.entries().stream()
                    .filter(e -> e.outcome() == ChangeSet.Outcome.FAILED).map(ChangeSet.Entry::toString)
                    .collect(Collectors.joining("; "))) : changes.interrupted() ? new Failure(Failure.Stage.APPLY,
                    "interrupted by shutdown with " + changes.leftForNextStart() + " object(s) not applied; the "
                            + "inventory is consistent and they are applied at the next start") : null;
            return new SyncOutcome(target, snapshot.commit(), started, clock.instant(), failure == null
                    ? SyncResult.SUCCESS : SyncResult.FAILURE, plan, changes, health(side, planned, changes), warnings,
                    failure, render);
        } catch (RuntimeException | StackOverflowError e) {
            return SyncOutcome.failed(target, snapshot.commit(), started, clock.instant(), failure(target, e), render);
        }
    }

    private static void saveIfChanged(TargetCluster side, Target target, Snapshot snapshot,
                                      TargetPlanner.Planned planned, InventoryStore.Inventory next) {
        if (!next.equals(planned.inventory())) {
            side.saveInventory(target.release().namespace(), target.release().name(), snapshot.commit(), next,
                    !planned.inventory().equals(InventoryStore.Inventory.EMPTY));
        }
    }

    /**
     * Records the objects the plan is about to create before it creates any, so that a process killed
     * mid-apply leaves none it does not know about: after a restart they are the target's to keep or prune,
     * even when the next commit no longer renders them. Answers the inventory now recorded.
     */
    private static InventoryStore.Inventory recordAhead(TargetCluster side, Target target, Snapshot snapshot, Plan plan,
                                                        InventoryStore.Inventory inventory) {
        Set<ObjectRef> creating = plan.changes().stream().filter(c -> c.action() == Action.CREATE)
                .map(c -> c.ref()).collect(Collectors.toCollection(TreeSet::new));
        if (inventory.objects().containsAll(creating)) {
            return inventory;
        }
        Set<ObjectRef> objects = new TreeSet<>(inventory.objects());
        objects.addAll(creating);
        Set<ObjectRef> held = new TreeSet<>(inventory.held());
        held.addAll(creating);
        InventoryStore.Inventory ahead = new InventoryStore.Inventory(objects, held, inventory.hooksRevision());
        side.saveInventory(target.release().namespace(), target.release().name(), snapshot.commit(), ahead,
                !inventory.equals(InventoryStore.Inventory.EMPTY));
        return ahead;
    }

    /**
     * Deletes what a target that left the fleet put into its cluster (the fleet's {@code pruneRemovedTargets}):
     * every object of its inventory, by the release's prune rules (ownership, volume claims, keep annotations)
     * but with no share limit, since the fleet asked for all of them to go. The inventory keeps what a rule kept
     * and is deleted when nothing is left. Answers what happened, in one line.
     */
    public String retire(Target target, BooleanSupplier stopping) {
        try {
            TargetCluster side = clusters.apply(target);
            String namespace = target.release().namespace();
            InventoryStore.Inventory inventory = side.loadInventory(namespace, target.release().name());
            Planner.Owner owner = new Planner.Owner(Tracking.labelValue(target), Tracking.owner(target));
            ReleaseSpec.SyncPolicy everything = target.release().syncPolicy().pruningEverything();
            Plan plan = Planner.plan(owner, List.of(), side.read(inventory.objects(), owner.labelValue(), Set.of()),
                    inventory.objects(), inventory.objects(), false, everything, List.of());
            ChangeSet changes = side.apply(target.id(), plan, List.of(), everything.serverSideApply(), stopping);
            Set<ObjectRef> pruned = changes.entries().stream().filter(e -> e.outcome() == ChangeSet.Outcome.PRUNED)
                    .map(ChangeSet.Entry::ref).collect(Collectors.toSet());
            Set<ObjectRef> left = plan.nextInventory(pruned);
            side.saveInventory(namespace, target.release().name(), "removed from the fleet", left.isEmpty()
                    ? InventoryStore.Inventory.EMPTY : new InventoryStore.Inventory(left, left,
                    inventory.hooksRevision()), !inventory.equals(InventoryStore.Inventory.EMPTY));
            return "pruned " + pruned.size() + " object(s)" + (left.isEmpty() ? "" : ", kept " + left.size()
                    + " (" + plan.changes().stream().filter(c -> left.contains(c.ref())).map(c -> c.ref() + ": "
                    + c.reason()).collect(Collectors.joining("; ")) + ")");
        } catch (RuntimeException e) {
            return "not pruned: " + failure(target, e).message();
        }
    }

    /**
     * What a sync at this snapshot would do (for a pull request's ref, say): reads the cluster, writes nothing,
     * and leaves the render cache alone.
     */
    public Preview preview(Target target, Snapshot snapshot) {
        String cluster = target.cluster().name();
        String release = target.release().name();
        return lookAt(target, snapshot, planned -> {
            Plan plan = planned.plan();
            if (plan.isRefused()) {
                return new Preview(cluster, release, snapshot.commit(), Preview.Result.Refused, 0, List.of(),
                        planned.rendered().warnings(), plan.refused().message());
            }
            return new Preview(cluster, release, snapshot.commit(), plan.outOfSync() > 0 ? Preview.Result.OutOfSync
                    : Preview.Result.Synced, plan.outOfSync(), Drift.of(plan), planned.rendered().warnings(), null);
        }, error -> new Preview(cluster, release, snapshot.commit(), Preview.Result.Failed, 0, List.of(), List.of(),
                error));
    }

    /**
     * Plans a target at a snapshot without touching the render cache or the watches, and answers what {@code answer}
     * makes of the plan, or {@code failed} of the failure's message.
     */
    private <T> T lookAt(Target target, Snapshot snapshot, Function<TargetPlanner.Planned, T> answer,
                         Function<String, T> failed) {
        try {
            return answer.apply(planner.plan(target, snapshot, false));
        } catch (RuntimeException | StackOverflowError e) {
            return failed.apply(failure(target, e).message());
        }
    }

    /**
     * Every object the target manages at this snapshot, with its state, health and owned tree, or one of them in full
     * (its differing fields, manifests and managers too; see {@link ObjectsReport}): reads the cluster (from the
     * watch caches where they answer), writes nothing, and leaves the render cache alone.
     *
     * @param only the object to show in full, or null for all in summary (none when the target has no such object)
     */
    public ObjectsReport objects(Target target, Snapshot snapshot, ObjectRef only) {
        String cluster = target.cluster().name();
        String release = target.release().name();
        return lookAt(target, snapshot, planned -> {
            Plan plan = planned.plan();
            if (plan.isRefused()) {
                return new ObjectsReport(cluster, release, snapshot.commit(), plan.refused().message(), List.of(),
                        List.of());
            }
            TargetCluster side = clusters.apply(target);
            io.driftless.health.Owned.Lookup owned = side.owned(namespaces(target, planned.desired()));
            List<ObjectsReport.ObjectState> out = new java.util.ArrayList<>();
            for (io.driftless.plan.PlannedChange c : plan.changes()) {
                ObjectsReport.State state = switch (c.action()) {
                    case CREATE -> ObjectsReport.State.Missing;
                    case UPDATE, RECREATE, BLOCKED -> ObjectsReport.State.OutOfSync;
                    case UNCHANGED -> ObjectsReport.State.Synced;
                    case PRUNE -> ObjectsReport.State.WouldPrune;
                    case SKIP -> c.desired() == null ? ObjectsReport.State.Kept : ObjectsReport.State.OutOfSync;
                    case HOOK -> null;
                };
                if (state == null || only != null && !only.equals(c.ref())) {
                    continue; // a hook runs and goes: not an object the target keeps
                }
                Health.Report health = c.desired() == null ? null : Health.assess(List.of(c.ref()), c.live() == null
                        ? Map.of() : Map.of(c.ref(), c.live()), Set.of(), planned.rendered().healthHints());
                List<io.driftless.diff.FieldDrift> drift = c.diff() == null || state != ObjectsReport.State.OutOfSync
                        ? List.of() : c.diff().drifts();
                String why = health == null || health.messages().isEmpty() ? null : health.messages().get(0)
                        .replaceFirst("^\\Q" + c.ref() + " " + health.status() + ": \\E", "");
                boolean full = only != null; // manifests are redacted only for the object shown
                out.add(new ObjectsReport.ObjectState(c.ref(), state, health == null ? null
                        : health.status().name(), why, c.action() == Action.UNCHANGED ? null : c.reason(), drift.size(),
                        full ? drift : null, c.live() == null ? List.of() : io.driftless.health.Owned.of(c.live(), owned),
                        full && c.desired() != null ? io.driftless.diff.Differ.shown(c.ref(), c.desired()) : null,
                        full && c.live() != null ? io.driftless.diff.Differ.shown(c.ref(), c.live()) : null,
                        !full ? null : c.live() == null ? List.of() : io.driftless.diff.Differ.writers(c.live())));
            }
            out.sort(java.util.Comparator.comparing(ObjectsReport.ObjectState::ref));
            return new ObjectsReport(cluster, release, snapshot.commit(), null, side.unwatchedOwned(), out);
        }, error -> new ObjectsReport(cluster, release, snapshot.commit(), error, List.of(), List.of()));
    }

    /**
     * An error no stage expected (a bug, or input nothing anticipated): logged once with its stack trace under an
     * id, and reported by that id and type only, since its text may quote what it read.
     */
    private static String unexpected(Target target, Throwable e) {
        String id = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        LOG.error("target={} sync failed unexpectedly (error id {})", target.id(), id, e);
        return "unexpected " + e.getClass().getSimpleName() + " (error id " + id + "); the service log has the "
                + "details, and nothing was written after it";
    }

    /**
     * A values, render, Git or cluster error, typed by its stage, in the one line the status shows; anything else is
     * {@link Failure.Stage#UNEXPECTED}, logged under an id.
     */
    static Failure failure(Target target, Throwable e) {
        if (e instanceof ConfigException c) {
            return new Failure(Failure.Stage.VALUES, c.problems().stream().map(Problem::toString)
                    .collect(Collectors.joining("; ")));
        }
        if (e instanceof RenderException || e instanceof SourceException) {
            return new Failure(e instanceof RenderException ? Failure.Stage.RENDER : Failure.Stage.SOURCE,
                    String.valueOf(e.getMessage()).replace('\n', ';'));
        }
        return ClusterErrors.describe(target.cluster().name(), e).map(m -> new Failure(Failure.Stage.CLUSTER, m))
                .orElseGet(() -> new Failure(Failure.Stage.UNEXPECTED, unexpected(target, e)));
    }

    /** Health of the rendered objects from the live state read at the start of this sync. */
    private static Health.Report health(TargetCluster side, TargetPlanner.Planned planned, ChangeSet changes) {
        Set<ObjectRef> touched = changes == null ? Set.of() : changes.entries().stream()
                .filter(e -> e.outcome() == ChangeSet.Outcome.CREATED || e.outcome() == ChangeSet.Outcome.CONFIGURED)
                .map(ChangeSet.Entry::ref).collect(Collectors.toSet());
        return Health.assess(planned.desired().stream().filter(d -> !Planner.isHook(d)).map(Planner::refOf).toList(),
                planned.live(), touched, planned.rendered().healthHints(), side.pods());
    }

    /** The release's namespace and every other namespace its objects go to (a chart's namespace override). */
    private static Set<String> namespaces(Target target, List<Map<String, Object>> desired) {
        Set<String> namespaces = new TreeSet<>();
        namespaces.add(target.release().namespace());
        desired.forEach(d -> {
            Object ns = io.driftless.render.Tree.asMap(d.get("metadata")).get("namespace");
            if (ns instanceof String s && !s.isEmpty()) {
                namespaces.add(s);
            }
        });
        return namespaces;
    }
}
