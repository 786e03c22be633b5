package io.driftless.reconcile;

import io.driftless.status.TargetStatus;
import io.driftless.status.StatusBoard;
import io.driftless.status.Notices;
import io.driftless.status.SyncState;
import io.driftless.status.SyncResult;
import io.driftless.status.Drift;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.apply.ChangeSet;
import io.driftless.cluster.ClusterConnections;
import io.driftless.cluster.KubeTargetCluster;
import io.driftless.cluster.TargetCluster;
import io.driftless.cluster.InventoryStore;
import io.driftless.config.ConfigException;
import io.driftless.config.Problem;
import io.driftless.config.ReleaseSpec;
import io.driftless.config.Target;
import io.driftless.health.Health;
import io.driftless.model.ObjectRef;
import io.driftless.model.Tracking;
import io.driftless.notify.Notice;
import io.driftless.plan.Action;
import io.driftless.plan.Plan;
import io.driftless.plan.PlannedChange;
import io.driftless.plan.Planner;
import io.driftless.plan.PruneBlock;
import io.driftless.plan.Refusal;
import io.driftless.render.Chart;
import io.driftless.render.ChartRegistry;
import io.driftless.render.RenderException;
import io.driftless.source.Snapshot;
import io.driftless.source.SourceException;
import io.driftless.telemetry.Metrics;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Syncs one target at one commit: read values layers, render, read live state and inventory, plan,
 * apply, record the inventory, update status and metrics. A values, render or Git error stops before
 * anything is written, so the last good state stays applied.
 */
public final class TargetSyncer {

    private static final Logger LOG = LoggerFactory.getLogger(TargetSyncer.class);

    private final Function<Target, TargetCluster> clusters;
    private final StatusBoard board;
    private final Metrics metrics;
    private final Clock clock;
    private final TargetPlanner planner;
    private volatile boolean stopping;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Consumer<Notice> notices;

    public TargetSyncer(ChartRegistry charts, ClusterConnections clusters, StatusBoard board, Metrics metrics,
                        Clock clock) {
        this(charts, clusters, board, metrics, clock, notice -> { });
    }

    /** @param notices where drift, failure, recovery and prune notices go besides logs and Kubernetes Events */
    public TargetSyncer(ChartRegistry charts, ClusterConnections clusters, StatusBoard board, Metrics metrics,
                        Clock clock, Consumer<Notice> notices) {
        this(io.driftless.render.ChartCatalogue.of(charts), kubernetes(clusters), board, metrics, clock, notices);
    }

    /**
     * The pipeline with its collaborators passed in: each cluster's live state, inventories, writer and event
     * sink ({@link TargetCluster}), the status board, metrics, clock and where notices go.
     */
    public TargetSyncer(ChartRegistry charts, Function<String, TargetCluster> clusters, StatusBoard board,
                        Metrics metrics, Clock clock, Consumer<Notice> notices) {
        this(io.driftless.render.ChartCatalogue.of(charts), (Target t) -> clusters.apply(t.cluster().name()), board,
                metrics, clock, notices);
    }

    /** As above, rendering with every engine of the catalogue (chart repositories need the service's state). */
    public TargetSyncer(io.driftless.render.ChartCatalogue charts, ClusterConnections clusters, StatusBoard board,
                        Metrics metrics, Clock clock, Consumer<Notice> notices) {
        this(charts, kubernetes(clusters), board, metrics, clock, notices);
    }

    private TargetSyncer(io.driftless.render.ChartCatalogue charts, Function<Target, TargetCluster> clusters,
                         StatusBoard board, Metrics metrics, Clock clock, Consumer<Notice> notices) {
        this.notices = notices;
        this.planner = new TargetPlanner(charts, clusters, metrics, clock);
        this.clusters = clusters;
        this.board = board;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * @param write false to only compare and report (drift is shown, nothing is written)
     */
    public TargetStatus sync(Target target, Snapshot snapshot, boolean write) {
        return sync(target, () -> snapshot, write);
    }

    /**
     * As {@link #sync(Target, Snapshot, boolean)}, with the snapshot chosen once the target's lock is held: a
     * sync queued with an older fetch then uses the newest one (a forced sync may have applied it meanwhile).
     */
    public TargetStatus sync(Target target, java.util.function.Supplier<Snapshot> snapshot, boolean write) {
        // one sync per target at a time: a forced sync and a poll never interleave their writes
        synchronized (lock(target)) {
            return syncLocked(target, snapshot.get(), write);
        }
    }

    /**
     * Moves a Synced target to a new commit that does not touch its inputs (its values files and chart folder are
     * the same Git objects as at the commit applied, see {@link TargetPlanner#sameInputs}): that commit renders
     * what is applied, and the watches report any drift as it happens, so no render, read or write is needed.
     * Answers null (the target must be synced) when that cannot be shown.
     */
    public TargetStatus advance(Target target, Snapshot snapshot) {
        synchronized (lock(target)) {
            TargetStatus current = board.get(target.id());
            if (current.syncState() != SyncState.Synced || current.lastError() != null || current.revision() == null
                    || !planner.sameInputs(target, current.revision(), snapshot)) {
                return null;
            }
            Instant now = clock.instant();
            String cluster = target.cluster().name();
            String release = target.release().name();
            metrics.syncFinished(cluster, release, SyncResult.SUCCESS.label(), Duration.ZERO);
            metrics.syncSucceededAt(cluster, release, now.getEpochSecond());
            metrics.syncState(cluster, release, true, now.getEpochSecond());
            board.update(target, old -> old.advancedTo(snapshot.commit(), now));
            return board.get(target.id());
        }
    }

    /**
     * As {@link #sync}, but while the target's last attempt failed it does nothing and answers the current
     * status: a change seen in the cluster does not hide a source, values or render error, which only the next
     * attempt at the source clears.
     */
    public TargetStatus syncUnlessFailing(Target target, java.util.function.Supplier<Snapshot> snapshot,
                                          boolean write) {
        synchronized (lock(target)) {
            TargetStatus current = board.get(target.id());
            return current.lastError() != null ? current : syncLocked(target, snapshot.get(), write);
        }
    }

    /**
     * Deletes what a target that left the fleet put into its cluster (the fleet's {@code pruneRemovedTargets}):
     * every object of its inventory, by the release's prune rules (ownership, volume claims, keep annotations)
     * but with no share limit, since the fleet asked for all of them to go. The inventory keeps what a rule kept
     * and is deleted when nothing is left. Answers what happened, in one line.
     */
    public String retire(Target target) {
        synchronized (lock(target)) {
            try {
                TargetCluster side = clusters.apply(target);
                String namespace = target.release().namespace();
                InventoryStore.Inventory inventory = side.loadInventory(namespace, target.release().name());
                Planner.Owner owner = new Planner.Owner(Tracking.labelValue(target), Tracking.owner(target));
                ReleaseSpec.SyncPolicy p = target.release().syncPolicy();
                ReleaseSpec.SyncPolicy everything = new ReleaseSpec.SyncPolicy(true, false, true, false, false, 100,
                        p.prunePersistentVolumeClaims(), false, p.serverSideApply());
                Plan plan = Planner.plan(owner, List.of(), side.read(inventory.objects(), owner.labelValue()),
                        inventory.objects(), inventory.objects(), false, everything, List.of());
                ChangeSet changes = side.apply(target.id(), plan, List.of(), p.serverSideApply(), () -> stopping);
                Set<ObjectRef> pruned = changes.entries().stream().filter(e -> e.outcome() == ChangeSet.Outcome.PRUNED)
                        .map(ChangeSet.Entry::ref).collect(Collectors.toSet());
                Set<ObjectRef> left = plan.nextInventory(pruned);
                side.saveInventory(namespace, target.release().name(), "removed from the fleet", left.isEmpty()
                        ? InventoryStore.Inventory.EMPTY : new InventoryStore.Inventory(left, left,
                        inventory.hooksRevision()), !inventory.equals(InventoryStore.Inventory.EMPTY));
                return "pruned " + pruned.size() + " object(s)" + (left.isEmpty() ? "" : ", kept " + left.size()
                        + " (" + plan.changes().stream().filter(c -> left.contains(c.ref())).map(c -> c.ref() + ": "
                        + c.reason()).collect(Collectors.joining("; ")) + ")");
            } catch (KubernetesClientException | io.driftless.cluster.InventoryException e) {
                return "not pruned: " + describeFailure(target.cluster().name(), e);
            }
        }
    }

    /** Forgets a target that left the fleet: its lock and its cached render. */
    public void forget(Target target) {
        synchronized (lock(target)) {
            planner.forget(target);
        }
        locks.remove(target.id());
    }

    private Object lock(Target target) {
        return locks.computeIfAbsent(target.id(), id -> new Object());
    }

    private TargetStatus syncLocked(Target target, Snapshot snapshot, boolean write) {
        Instant started = clock.instant();
        String cluster = target.cluster().name();
        String release = target.release().name();
        TargetCluster side = clusters.apply(target);
        String unavailable = side.unavailable(started);
        if (unavailable != null) {
            return fail(target, snapshot, started, unavailable);
        }
        try {
            TargetPlanner.Planned planned = planner.plan(target, snapshot, true);
            Chart.Rendered rendered = planned.rendered();
            List<Map<String, Object>> desired = planned.desired();
            Map<ObjectRef, Map<String, Object>> live = planned.live();
            InventoryStore.Inventory inventory = planned.inventory();
            Plan plan = planned.plan();
            ReleaseSpec.SyncPolicy policy = target.release().syncPolicy();
            if (plan.isRefused()) {
                return finish(target, snapshot, started, SyncResult.REFUSED, null, plan.refused().message(), rendered.warnings(), plan,
                        live == null ? null : health(side, desired, live, null, rendered));
            }
            if (!write || policy.dryRun()) {
                return finish(target, snapshot, started, SyncResult.SUCCESS, null, null, rendered.warnings(), plan,
                        health(side, desired, live, null, rendered));
            }
            ChangeSet changes = null;
            Set<ObjectRef> pruned = Set.of();
            if (plan.outOfSync() > 0) {
                if (policy.createNamespace()) {
                    side.ensureNamespaces(target.id(), namespaces(target, desired));
                }
                inventory = recordAhead(side, target, snapshot, plan, inventory);
                changes = side.apply(target.id(), plan, target.release().ignoreDifferences(),
                        policy.serverSideApply(), () -> stopping);
                pruned = changes.entries().stream().filter(e -> e.outcome() == ChangeSet.Outcome.PRUNED)
                        .map(ChangeSet.Entry::ref).collect(Collectors.toSet());
            }
            // every hook of this commit ran (or none was needed) once the whole apply succeeded
            boolean hooksDone = changes == null || !changes.failed() && !changes.interrupted();
            InventoryStore.Inventory next = planned.next(pruned, snapshot.commit(), hooksDone);
            if (!next.equals(inventory)) {
                side.saveInventory(target.release().namespace(), release, snapshot.commit(), next,
                        !inventory.equals(InventoryStore.Inventory.EMPTY));
            }
            Health.Report health = health(side, desired, live, changes, rendered);
            if (changes == null) {
                return finish(target, snapshot, started, SyncResult.SUCCESS, null, null, rendered.warnings(), plan, health);
            }
            String error = changes.failed() ? changes.entries().stream()
                    .filter(e -> e.outcome() == ChangeSet.Outcome.FAILED).map(ChangeSet.Entry::toString)
                    .collect(Collectors.joining("; ")) : changes.interrupted() ? "interrupted by shutdown with "
                    + changes.leftForNextStart() + " object(s) not applied; the inventory "
                    + "is consistent and they are applied at the next start" : null;
            return finish(target, snapshot, started, error == null ? SyncResult.SUCCESS : SyncResult.FAILURE, changes, error,
                    rendered.warnings(), plan, health);
        } catch (ConfigException | RenderException e) {
            metrics.renderFailed(cluster, release);
            return fail(target, snapshot, started, describeFailure(cluster, e));
        } catch (SourceException | KubernetesClientException | io.driftless.cluster.InventoryException e) {
            return fail(target, snapshot, started, describeFailure(cluster, e));
        } catch (RuntimeException | StackOverflowError e) {
            return fail(target, snapshot, started, unexpected(target, e));
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
                .map(c -> c.ref()).collect(Collectors.toCollection(java.util.TreeSet::new));
        if (inventory.objects().containsAll(creating)) {
            return inventory;
        }
        Set<ObjectRef> objects = new java.util.TreeSet<>(inventory.objects());
        objects.addAll(creating);
        Set<ObjectRef> held = new java.util.TreeSet<>(inventory.held());
        held.addAll(creating);
        InventoryStore.Inventory ahead = new InventoryStore.Inventory(objects, held, inventory.hooksRevision());
        side.saveInventory(target.release().namespace(), target.release().name(), snapshot.commit(), ahead,
                !inventory.equals(InventoryStore.Inventory.EMPTY));
        return ahead;
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

    /** A values, render, Git or cluster error as the one line the status shows, naming its file, line or cluster. */
    private static String describeFailure(String cluster, RuntimeException e) {
        if (e instanceof ConfigException c) {
            return c.problems().stream().map(Problem::toString).collect(Collectors.joining("; "));
        }
        if (e instanceof KubernetesClientException k) {
            return "cluster " + cluster + ": " + describe(k);
        }
        return e.getMessage().replace('\n', ';');
    }

    /**
     * A status of an owned object changed (a Deployment became available, a Pod crash-loops): the target's health
     * is assessed again from the watch caches, without rendering, diffing or calling the API server, and
     * recorded (status and metric) when it changed. A failing target, or one whose applied commit is not the
     * cached render's, keeps its health until its next sync.
     */
    public TargetStatus refreshHealth(Target target) {
        synchronized (lock(target)) {
            TargetStatus current = board.get(target.id());
            if (current.lastError() != null || current.revision() == null) {
                return current;
            }
            var report = planner.healthFromCache(target, current.revision()).orElse(null);
            if (report == null || report.status().name().equals(current.health())
                    && report.messages().equals(current.healthDetails())) {
                return current;
            }
            metrics.health(target.cluster().name(), target.release().name(), report.status().name());
            board.update(target, old -> old.withHealth(report.status().name(), report.messages()));
            LOG.info("target={} health={} (a live status changed)", target.id(), report.status().name());
            return board.get(target.id());
        }
    }

    /** Graceful shutdown: applies in progress stop at the next object boundary; later syncs write nothing. */
    public void stopWriting() {
        stopping = true;
    }

    /**
     * What a sync at this snapshot would do (for a pull request's ref, say): reads the cluster, writes nothing,
     * and leaves the target's status, metrics and render cache alone.
     */
    public Preview preview(Target target, Snapshot snapshot) {
        String cluster = target.cluster().name();
        String release = target.release().name();
        try {
            TargetPlanner.Planned planned = planner.plan(target, snapshot, false);
            Plan plan = planned.plan();
            Chart.Rendered rendered = planned.rendered();
            if (plan.isRefused()) {
                return new Preview(cluster, release, snapshot.commit(), Preview.Result.Refused, 0, List.of(),
                        rendered.warnings(), plan.refused().message());
            }
            return new Preview(cluster, release, snapshot.commit(), plan.outOfSync() > 0 ? Preview.Result.OutOfSync : Preview.Result.Synced,
                    plan.outOfSync(), Drift.of(plan), rendered.warnings(), null);
        } catch (ConfigException | RenderException | SourceException | KubernetesClientException e) {
            return new Preview(cluster, release, snapshot.commit(), Preview.Result.Failed, 0, List.of(), List.of(),
                    describeFailure(cluster, e));
        } catch (RuntimeException | StackOverflowError e) {
            return new Preview(cluster, release, snapshot.commit(), Preview.Result.Failed, 0, List.of(), List.of(),
                    unexpected(target, e));
        }
    }

    /** Records a failure that happened before rendering (e.g. the source could not be fetched). */
    public TargetStatus fail(Target target, Snapshot snapshot, Instant started, String error) {
        synchronized (lock(target)) {
            return finish(target, snapshot, started, SyncResult.FAILURE, null, error, List.of(), null, null);
        }
    }

    /** The release's namespace and every other namespace its objects go to (a chart's namespace override). */
    private static Set<String> namespaces(Target target, List<Map<String, Object>> desired) {
        Set<String> namespaces = new java.util.TreeSet<>();
        namespaces.add(target.release().namespace());
        desired.forEach(d -> {
            Object ns = io.driftless.render.Tree.asMap(d.get("metadata")).get("namespace");
            if (ns instanceof String s && !s.isEmpty()) {
                namespaces.add(s);
            }
        });
        return namespaces;
    }

    /**
     * Each cluster of a fleet as the Kubernetes side of the pipeline, as each target's tenant sees it (its requests
     * made as the tenant's ServiceAccount, where it has one).
     */
    private static Function<Target, TargetCluster> kubernetes(ClusterConnections clusters) {
        Map<String, TargetCluster> sides = new ConcurrentHashMap<>();
        return target -> {
            var account = target.release().tenant().serviceAccount();
            String user = account == null ? null : account.username();
            return sides.computeIfAbsent(target.cluster().name() + "|" + user,
                    k -> new KubeTargetCluster(target.cluster().name(), clusters, user));
        };
    }

    private TargetStatus finish(Target target, Snapshot snapshot, Instant started, SyncResult result, ChangeSet changes,
                                String error, List<String> warnings, Plan plan, Health.Report health) {
        Instant now = clock.instant();
        String cluster = target.cluster().name();
        String release = target.release().name();
        metrics.syncFinished(cluster, release, result.label(), Duration.between(started, now));
        boolean applied = changes != null;
        boolean ok = error == null;
        long outOfSync = plan == null ? 0 : !applied ? plan.outOfSync() : changes.interrupted()
                ? Math.max(0, plan.outOfSync() - changes.count(ChangeSet.Outcome.CREATED)
                - changes.count(ChangeSet.Outcome.CONFIGURED) - changes.count(ChangeSet.Outcome.PRUNED))
                : changes.count(ChangeSet.Outcome.FAILED);
        if (plan != null) {
            metrics.outOfSync(cluster, release, outOfSync);
        }
        if (ok) {
            metrics.syncSucceededAt(cluster, release, now.getEpochSecond());
        }
        if (health != null) {
            metrics.health(cluster, release, health.status().name());
        }
        metrics.syncState(cluster, release, ok && outOfSync == 0 && plan != null, now.getEpochSecond());
        if (changes != null) {
            changes.entries().stream().filter(e -> e.outcome() != ChangeSet.Outcome.UNCHANGED)
                    .forEach(e -> metrics.applied(cluster, release, e.ref().kind(), e.outcome().label()));
        }
        List<String> blockedPrunes = applied ? blockedPrunes(cluster, release, plan) : List.of();
        if (plan != null && plan.isRefused() && plan.refused().reason() == Refusal.Reason.EMPTY_RENDER) {
            metrics.pruneBlocked(cluster, release, PruneBlock.EMPTY_RENDER.label());
        }
        if (plan != null && plan.isRefused()) {
            plan.refused().objects().forEach(o -> metrics.objectRefused(cluster, release, o.rule().label()));
        }
        List<ChangeSet.Entry> changeLines = applied ? changes.entries().stream()
                .filter(e -> e.outcome() != ChangeSet.Outcome.UNCHANGED).toList() : List.of();
        List<Drift> drift = plan == null || applied ? List.of() : Drift.of(plan);
        String summary = applied ? changes.summary() : plan == null ? null
                : plan.outOfSync() + " out of sync, " + plan.count(Action.UNCHANGED) + " in sync";
        SyncState state = !ok ? SyncState.Failed : outOfSync > 0 ? SyncState.OutOfSync : SyncState.Synced;
        String commit = snapshot == null ? null : snapshot.commit();
        TargetStatus before = board.get(target.id());
        board.update(target, old -> new TargetStatus(cluster, release, target.release().namespace(),
                target.release().source(), state,
                ok && (applied || outOfSync == 0) ? commit : old.revision(), commit, now,
                ok ? now : old.lastSuccess(), outOfSync, summary == null ? old.summary() : summary, error,
                List.copyOf(warnings), changeLines.isEmpty() && !applied ? old.changes() : changeLines, drift,
                health == null ? old.health() : health.status().name(),
                health == null ? old.healthDetails() : health.messages(), old.history())
                .recording(old, result, applied));
        TargetStatus after = board.get(target.id());
        for (Notice notice : Notices.between(before, after, result, applied, blockedPrunes, now)) {
            if (notice.type() == io.driftless.config.NoticeType.DriftDetected) {
                driftedKinds(plan, changes).forEach(kind -> metrics.driftFound(cluster, release, kind));
            }
            announce(target, notice);
        }
        return after;
    }

    /** Logs the notice, records it as a Kubernetes Event when the cluster answers, and sends it on. */
    private void announce(Target target, Notice notice) {
        String line = "target={} notice={} revision={} message=\"{}\"";
        String revision = notice.revision() == null ? "-" : notice.revision().substring(0, Math.min(12,
                notice.revision().length()));
        if (notice.warning()) {
            LOG.warn(line, target.id(), notice.type(), revision, notice.message());
        } else {
            LOG.info(line, target.id(), notice.type(), revision, notice.message());
        }
        clusters.apply(target).record(notice);
        notices.accept(notice);
    }

    /** Prunes a safety rule held back, counted by reason; the ones worth telling people about, one line each. */
    private List<String> blockedPrunes(String cluster, String release, Plan plan) {
        List<String> out = new ArrayList<>();
        for (PlannedChange c : plan.changes()) {
            if (c.pruneBlocked() != null) {
                metrics.pruneBlocked(cluster, release, c.pruneBlocked().label());
                if (c.pruneBlocked().worthTelling()) {
                    out.add(c.ref() + " " + c.reason());
                }
            }
        }
        return out;
    }

    private static Set<String> driftedKinds(Plan plan, ChangeSet changes) {
        if (changes != null) {
            return changes.entries().stream().filter(e -> e.outcome() != ChangeSet.Outcome.UNCHANGED
                    && e.outcome() != ChangeSet.Outcome.SKIPPED).map(e -> e.ref().kind()).collect(Collectors.toSet());
        }
        return plan == null ? Set.of() : plan.changes().stream().filter(c -> c.action() != Action.UNCHANGED
                && c.action() != Action.SKIP).map(c -> c.ref().kind()).collect(Collectors.toSet());
    }

    /** Health of the rendered objects from the live state read at the start of this sync. */
    private static Health.Report health(TargetCluster side, List<Map<String, Object>> desired,
                                 Map<ObjectRef, Map<String, Object>> live, ChangeSet changes, Chart.Rendered rendered) {
        Set<ObjectRef> touched = changes == null ? Set.of() : changes.entries().stream()
                .filter(e -> e.outcome() == ChangeSet.Outcome.CREATED || e.outcome() == ChangeSet.Outcome.CONFIGURED)
                .map(ChangeSet.Entry::ref).collect(Collectors.toSet());
        return Health.assess(desired.stream().filter(d -> !Planner.isHook(d)).map(Planner::refOf).toList(), live,
                touched, rendered.healthHints(), side.pods());
    }

    /** Whether an exception without an HTTP status came from the connection (refused, timed out, TLS). */
    private static boolean answerless(Throwable e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(KubernetesClientException e) {
        if (e.getCode() <= 0 && !answerless(e)) { // the client refused the request itself: its own reason
            return "the request was not made: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        }
        if (e.getCode() <= 0) { // no answer: what the connection ran into says more than the operation tried
            Throwable cause = null; // the deepest cause that says something, else the deepest
            for (Throwable t = e.getCause(); t != null && t != cause; t = t.getCause()) {
                if (cause == null || t.getMessage() != null || cause.getMessage() == null) {
                    cause = t;
                }
            }
            return "no answer from the API server" + (cause == null ? "" : " (" + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage().lines().findFirst().orElse(""))
                    + ")");
        }
        String m = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage();
        return "HTTP " + e.getCode() + ": " + (m == null ? "no message" : m.lines().findFirst().orElse(""));
    }
}
