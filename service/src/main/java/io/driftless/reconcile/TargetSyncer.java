package io.driftless.reconcile;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.driftless.cluster.TargetCluster;
import io.driftless.config.Decryption;
import io.driftless.config.Target;
import io.driftless.decrypt.Keyring;
import io.driftless.render.ChartCatalogue;
import io.driftless.source.DecryptionKeys;
import io.driftless.source.Snapshot;
import io.driftless.status.Failure;
import io.driftless.status.Notice;
import io.driftless.status.StatusBoard;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.telemetry.Metrics;

/**
 * A target's syncs, one at a time: the {@link Reconciler} works out and applies, the {@link SyncReporter} tells.
 * Scheduling (what to sync when) is the caller's; this holds each target's lock and a shutdown flag only.
 */
public final class TargetSyncer {

    private final Reconciler reconciler;
    private final ShadowVerifier shadow;
    private final SyncReporter reporter;
    private final StatusBoard board;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    /**
     * @param clusters each target's cluster as its tenant sees it (see {@code KubeTargetCluster#forTargets})
     * @param notices  where drift, failure, recovery and prune notices go besides logs and Kubernetes Events
     */
    public TargetSyncer(ChartCatalogue charts, Function<Target, TargetCluster> clusters, StatusBoard board,
                        Metrics metrics, Clock clock, Consumer<Notice> notices) {
        this(charts, clusters, board, metrics, clock, notices, new DecryptionKeys(System.getenv()));
    }

    /** @param keys the keys that open each release's SOPS files (read from this host's files and environment) */
    public TargetSyncer(ChartCatalogue charts, Function<Target, TargetCluster> clusters, StatusBoard board,
                        Metrics metrics, Clock clock, Consumer<Notice> notices, Function<Decryption, Keyring> keys) {
        this.shadow = new ShadowVerifier(charts);
        this.reconciler = new Reconciler(charts, clusters, clock, keys, shadow);
        this.reporter = new SyncReporter(board, metrics, clusters, notices, clock);
        this.board = board;
        shadow.listen((target, chart, mismatch) -> {
            metrics.builtinVerified(chart.name(), chart.version(), mismatch != null);
            board.update(target, s -> s.withWarnings(Stream.concat(s.warnings().stream()
                    .filter(w -> !w.startsWith(ShadowVerifier.WARNING)), Stream.ofNullable(mismatch)
                    .map(ShadowVerifier.Mismatch::warning)).toList()));
        });
    }

    /** @param write false to only compare and report (drift is shown, nothing is written) */
    public TargetStatus sync(Target target, Snapshot snapshot, boolean write) {
        return sync(target, () -> snapshot, write);
    }

    /**
     * As {@link #sync(Target, Snapshot, boolean)}, with the snapshot chosen once the target's lock is held: a
     * sync queued with an older fetch then uses the newest one (a forced sync may have applied it meanwhile).
     */
    public TargetStatus sync(Target target, Supplier<Snapshot> snapshot, boolean write) {
        synchronized (lock(target)) { // a forced sync and a poll never interleave their writes
            Snapshot at = snapshot.get();
            SyncOutcome outcome = reconciler.reconcile(target, at, write, () -> stopping);
            return reporter.record(outcome, at.about());
        }
    }

    /**
     * As {@link #sync}, for a change seen in the cluster: it does nothing and answers the current status while the
     * target's last attempt failed (a change seen in the cluster does not hide a source, values or render error,
     * which only the next attempt at the source clears), or when the commit applied is not the snapshot's (a live
     * change never applies a commit). Checked once the lock is held: a change seen during the target's first sync
     * is compared once that sync recorded its commit, not dropped.
     */
    public TargetStatus syncIfApplied(Target target, Supplier<Snapshot> snapshot, boolean write) {
        return syncIfApplied(target, snapshot, write, () -> false);
    }

    /** @param unchanged asked once the lock is held: true when nothing is to be compared (answers the status) */
    public TargetStatus syncIfApplied(Target target, Supplier<Snapshot> snapshot, boolean write,
                                      java.util.function.BooleanSupplier unchanged) {
        synchronized (lock(target)) {
            TargetStatus current = board.get(target.id());
            if (unchanged.getAsBoolean()) {
                return current;
            }
            Snapshot at = snapshot.get();
            return current.failing() || !at.commit().equals(current.revision()) ? current
                    : reporter.record(reconciler.reconcile(target, at, write, () -> stopping), at.about());
        }
    }

    /**
     * Moves a Synced target to a new commit that does not touch its inputs (its values files and chart folder are
     * the same Git objects as at the commit applied): that commit renders what is applied, and the watches report
     * any drift as it happens, so no render, read or write is needed. Answers null (the target must be synced) when
     * that cannot be shown.
     */
    public TargetStatus advance(Target target, Snapshot snapshot) {
        synchronized (lock(target)) {
            TargetStatus current = board.get(target.id());
            TargetPlanner planner = reconciler.planner();
            if (current.syncState() != SyncState.Synced || current.failing() || current.revision() == null
                    || !planner.sameInputs(target, current.revision(), snapshot)) {
                return null;
            }
            planner.carryOver(target, snapshot);
            return reporter.advanced(target, snapshot.commit());
        }
    }

    /** Records a failure that happened before reconciling (the source could not be fetched, say). */
    public TargetStatus fail(Target target, Failure failure) {
        synchronized (lock(target)) {
            java.time.Instant now = java.time.Instant.now();
            return reporter.record(SyncOutcome.failed(target, null, now, now, failure, null));
        }
    }

    /**
     * A status of an owned object changed (a Deployment became available, a Pod crash-loops): the target's health
     * is assessed again from the watch caches, without rendering, diffing or calling the API server, and recorded
     * when it changed. A failing target, or one not applied yet, keeps its health until its next sync.
     *
     * @return the status, or empty when the caches cannot tell yet (a watch of one of its kinds is still filling,
     *         an object just written is not in it yet, or the render of the applied commit is not cached)
     */
    public java.util.Optional<TargetStatus> refreshHealth(Target target) {
        synchronized (lock(target)) {
            TargetStatus current = board.get(target.id());
            if (current.failing() || current.revision() == null) {
                return java.util.Optional.of(current);
            }
            return reconciler.planner().healthFromCache(target, current.revision())
                    .map(report -> reporter.health(target, report));
        }
    }

    /** Records that a rollout gate holds a newer commit (see {@code io.driftless.rollout.Gates}). */
    /** Logs a notice, records it as a Kubernetes Event in the target's cluster and sends it on (blocking). */
    public void announce(Target target, io.driftless.status.Notice notice) {
        reporter.announce(target, notice);
    }

    public TargetStatus hold(Target target, String commit, String reason) {
        synchronized (lock(target)) {
            return reporter.held(target, commit, reason);
        }
    }

    /** Deletes what a target that left the fleet put into its cluster (see {@link Reconciler#retire}). */
    public String retire(Target target) {
        synchronized (lock(target)) {
            return reconciler.retire(target, () -> stopping);
        }
    }

    /** What a sync at this snapshot would do, writing nothing and touching no status (see {@link Reconciler}). */
    public Preview preview(Target target, Snapshot snapshot) {
        return reconciler.preview(target, snapshot);
    }

    /** The target's objects at this snapshot, or one in full (see {@link Reconciler#objects}); writes nothing. */
    public ObjectsReport objects(Target target, Snapshot snapshot, io.driftless.model.ObjectRef only) {
        return reconciler.objects(target, snapshot, only);
    }

    /** Fetches what the target's chart needs from elsewhere, outside its lock (see {@link Reconciler#prepare}). */
    public void prepare(Target target) {
        reconciler.prepare(target);
    }

    /**
     * The fleet changed the target (values list, chart, namespace, tenant, ...): its cached render no longer stands
     * for it. Needs no lock (a render cached meanwhile for the old declaration is never used for the new one).
     */
    public void reconfigured(Target target) {
        reconciler.planner().forget(target);
    }

    /** The targets' statuses this syncer records. */
    public StatusBoard board() {
        return board;
    }

    /** The shadow verification of the builtin charts' renders (its sample rate is set by the service). */
    public ShadowVerifier shadow() {
        return shadow;
    }

    /** Forgets a target that left the fleet: its lock, its cached render and the values its SOPS files opened. */
    public void forget(Target target) {
        synchronized (lock(target)) {
            shadow.forget(target.id());
            reconciler.planner().forget(target);
            forgetSecrets(target);
        }
        locks.remove(target.id());
    }

    /** Forgets the values the target's SOPS files opened (the service stops); takes no lock. */
    public void forgetSecrets(Target target) {
        reconciler.planner().forgetSecrets(target);
    }

    /** Graceful shutdown: applies in progress stop at the next object boundary; later syncs write nothing. */
    public void stopWriting() {
        stopping = true;
        shadow.close();
    }

    private Object lock(Target target) {
        return locks.computeIfAbsent(target.id(), id -> new Object());
    }
}
