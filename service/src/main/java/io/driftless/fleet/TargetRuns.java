package io.driftless.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.cluster.ClusterConnections;
import io.driftless.config.Target;
import io.driftless.reconcile.TargetSyncer;
import io.driftless.rollout.Gate;
import io.driftless.rollout.Pin;
import io.driftless.source.GitSource;
import io.driftless.source.Snapshot;
import io.driftless.source.SourceException;
import io.driftless.status.Failure;
import io.driftless.status.StatusBoard;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.telemetry.Metrics;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Runs each target's work on its cluster's workers, one run at a time per target: what its {@link SyncDecision}
 * says after a fetch, a compare (and heal) after a change seen in its cluster ({@link LiveChanges}), its health again
 * from the caches; and publishes each new status on {@link FleetVerticle#SYNCED}.
 */
final class TargetRuns {

    private static final Logger LOG = LoggerFactory.getLogger(TargetRuns.class);
    /** How often a health check the caches could not answer is tried (a second apart). */
    private static final int HEALTH_TRIES = 30;
    /**
     * How long a target may stay Progressing before its health is looked at again without a status change: a pod
     * that starts crash-looping changes no status of an object Driftless watches. The wait doubles while the target
     * stays Progressing at one revision, up to {@link #PROGRESSING_RECHECK_MAX}: a workload that never gets ready
     * (no nodes for it, a quota) costs a look every two minutes, not four a minute.
     */
    static final Duration PROGRESSING_RECHECK = Duration.ofSeconds(15);
    static final Duration PROGRESSING_RECHECK_MAX = Duration.ofMinutes(2);

    private final Vertx vertx;
    private final Scope scope;
    private final LiveFleet live;
    private final ClusterConnections clusters;
    private final Map<String, GitSource> sources;
    private final TargetSyncer syncer;
    private final StatusBoard board;
    private final Metrics metrics;
    private final Clock clock;
    private final Workers workers;
    private final SourcePolls polls;
    private final Pins pins;
    private final RolloutControl rollouts;
    private final LiveChanges changes;
    private final HealBudget heals = new HealBudget();
    private final Set<String> progressing = ConcurrentHashMap.newKeySet();
    /** Looks taken at each Progressing target since it was last seen otherwise, at its revision. */
    private final Map<String, Map.Entry<String, Integer>> rechecks = new ConcurrentHashMap<>();
    /** Targets with a compare queued that has not taken the target's lock yet: it covers every change seen since. */
    private final Set<String> compareQueued = ConcurrentHashMap.newKeySet();

    TargetRuns(Vertx vertx, Scope scope, LiveFleet live, ClusterConnections clusters, Map<String, GitSource> sources,
               TargetSyncer syncer, StatusBoard board, Metrics metrics, Clock clock, Workers workers,
               SourcePolls polls, Pins pins, RolloutControl rollouts) {
        this.vertx = vertx;
        this.scope = scope;
        this.live = live;
        this.clusters = clusters;
        this.sources = sources;
        this.syncer = syncer;
        this.board = board;
        this.metrics = metrics;
        this.clock = clock;
        this.workers = workers;
        this.polls = polls;
        this.pins = pins;
        this.rollouts = rollouts;
        this.changes = new LiveChanges(vertx, scope::stopping, t -> scope.current(t) && scope.mine(t),
                this::compareLive, this::refreshHealth);
    }

    /** Targets with an owned object changed since their last sync, and those waiting out the debounce. */
    LiveChanges changes() {
        return changes;
    }

    /** Runs work for the target on its cluster's workers; afterwards its series go if it is no longer here. */
    private <T> Future<T> track(Target target, Callable<T> work) {
        return workers.run(target, () -> {
            try {
                return work.call();
            } finally {
                settleMetrics(target);
            }
        });
    }

    /**
     * After a target's work: a sync that ran on while its shard was lost, or while it left the fleet, must not
     * leave its series behind (another replica exports them now, or nobody should).
     */
    private void settleMetrics(Target target) {
        if (live.target(target.id()).isEmpty()) {
            metrics.removeTarget(target.cluster().name(), target.release().name());
        } else if (!scope.mine(target)) {
            metrics.forgetTarget(target.cluster().name(), target.release().name());
        }
    }

    /** An operator's sync (or, {@code write} false, compare) of the target at what {@code fetch} got. */
    Future<Void> syncNow(Target target, AsyncResult<Snapshot> fetch, boolean write) {
        if (fetch.failed() && !(fetch.cause() instanceof SourceException)) {
            return Future.failedFuture(fetch.cause());
        }
        return this.<TargetStatus[]>track(target, () -> new TargetStatus[] {board.get(target.id()), fetch.failed()
                ? syncer.fail(target, new Failure(Failure.Stage.SOURCE, fetch.cause().getMessage()))
                : syncer.sync(target, () -> pins.desired(target, polls.newest(fetch.result())), write)})
                .map(pair -> {
                    publish(pair[0], pair[1]);
                    return null;
                });
    }

    /**
     * Whether a fetch at {@code snapshot} certainly asks nothing of the target (its decision would be {@link
     * SyncDecision.Kind#NONE}): at that commit already, in sync or not healing, not failing, nothing seen changed in
     * its cluster, covered by the watches, neither pinned nor held, and not Progressing unless a look at its health
     * is due anyway ({@link #recheckWhileProgressing}). A quiet poll of a large fleet then queues no work at all; the
     * rest go through {@link #afterFetch}, which decides for good.
     */
    boolean quiet(Target target, Snapshot snapshot) {
        TargetStatus s = board.get(target.id());
        // a Progressing target with no look due goes through its decision: publishing it has its health looked at
        return s != null && s.syncState() != SyncState.Waiting && !s.failing()
                && (!"Progressing".equals(s.health()) || progressing.contains(target.id()))
                && polls.newest(snapshot).commit().equals(s.revision())
                && !(s.outOfSync() > 0 && target.release().syncPolicy().selfHeal()) && !changes.pending(target)
                && pins.shown(target.id()) == null && rollouts.heldAs(target.id()) == null
                && clusters.watches().covers(target.cluster().name(), target.release().name());
    }

    /** Gives each target what its {@link SyncDecision} says after a fetch ({@code fetchError}: the fetch failed). */
    Future<Void> afterFetch(List<Target> ours, Snapshot snapshot, String fetchError) {
        List<Future<TargetStatus>> runs = new ArrayList<>();
        for (Target target : ours) {
            runs.add(this.<TargetStatus[]>track(target, () -> decideAndRun(target, snapshot, fetchError)).map(pair -> {
                if (pair == null) {
                    return null;
                }
                publish(pair[0], pair[1]);
                return pair[1];
            }));
        }
        return Future.join(runs).mapEmpty();
    }

    /** On the target's worker: the status before and after, or null when nothing is to be published. */
    private TargetStatus[] decideAndRun(Target target, Snapshot snapshot, String fetchError) {
        TargetStatus before = board.get(target.id());
        if (before == null) {
            return null; // the target left the fleet while this sync waited
        }
        boolean current = scope.current(target);
        boolean suspended = scope.suspended(target);
        if (fetchError != null && current && !suspended) {
            return new TargetStatus[] {before, syncer.fail(target, new Failure(Failure.Stage.SOURCE, fetchError))};
        }
        // a target the fleet changed is applied in full, as a new commit is (the flag is kept for the target as it
        // is now, not taken by work queued for the declaration it replaced)
        boolean reconfigured = fetchError == null && current && !suspended && changes.takeReconfigured(target);
        // a pinned target takes the commit it is pinned to, as an operator asked (its windows still apply)
        Pin pin = fetchError == null ? pins.holding(target, polls.newest(snapshot).commit()) : null;
        String commit = fetchError != null ? null : pin != null ? pin.revision() : polls.newest(snapshot).commit();
        SyncDecision decision = fetchError != null ? new SyncDecision(SyncDecision.Kind.SKIP, "not fetched")
                : SyncDecision.afterFetch(new SyncDecision.Facts(current, suspended,
                reconfigured || !commit.equals(before.revision()), changes.takeDirty(target),
                before.outOfSync() > 0, target.release().syncPolicy().selfHeal(), before.failing(),
                clusters.watches().covers(target.cluster().name(), target.release().name())));
        Gate gate = rollouts.admit(target, commit, pin != null);
        decision = SyncDecision.gated(decision, gate);
        switch (decision.kind()) {
            case SKIP:
                return null;
            case NONE:
                return new TargetStatus[] {before, before};
            case WAIT:
                if (reconfigured) {
                    changes.markReconfigured(target); // still to be applied in full once the gate opens
                }
                rollouts.hold(target, commit, gate);
                return new TargetStatus[] {before, syncer.hold(target, commit, gate.reason())};
            case ADVANCE:
                TargetStatus advanced = pin != null ? null : syncer.advance(target, polls.newest(snapshot));
                if (advanced != null) {
                    return new TargetStatus[] {before, advanced}; // a commit that leaves this target alone
                }
                return syncBlocking(target, snapshot, true, false);
            default:
                return syncBlocking(target, snapshot, decision.kind() == SyncDecision.Kind.SYNC, false);
        }
    }

    /**
     * Writes a new commit; otherwise compares, and with selfHeal re-applies drift when the target's heal budget
     * allows (else it stays OutOfSync and is healed when the budget allows again).
     */
    private TargetStatus[] syncBlocking(Target target, Snapshot fetched, boolean newCommit, boolean live) {
        TargetStatus before = board.get(target.id());
        Supplier<Snapshot> snapshot = () -> {
            Snapshot wanted = pins.desired(target, polls.newest(fetched));
            // a target a gate holds keeps the commit it has: a change seen in its cluster is compared (and healed)
            // against that commit, not against the one held back
            String applied = board.get(target.id()).revision();
            return !live || rollouts.heldAs(target.id()) == null || applied == null || applied.equals(wanted.commit())
                    ? wanted : sources.get(target.release().source()).at(applied);
        };
        if (newCommit) {
            return new TargetStatus[] {before, live ? syncer.syncIfApplied(target, snapshot, true)
                    : syncer.sync(target, snapshot, true)};
        }
        // a change seen in the cluster that is only the echo of Driftless's own writes (its event came before the
        // write's answer) has nothing to compare: asked under the target's lock, once the sync that wrote is done
        TargetStatus after = live ? syncer.syncIfApplied(target, snapshot, false, () -> {
            compareQueued.remove(target.id()); // a change seen from now on queues another compare
            boolean echoes = clusters.watches().onlyOwnWrites(target.cluster().name(),
                    io.driftless.model.Tracking.labelValue(target));
            if (echoes) {
                changes.statusChanged(target); // what it wrote is in the cache now: its health is told again
            }
            return echoes;
        }) : syncer.sync(target, snapshot, false);
        boolean selfHeal = target.release().syncPolicy().selfHeal();
        SyncDecision heal = SyncDecision.afterCompare(selfHeal, after.outOfSync() > 0, after.failing(),
                selfHeal && after.outOfSync() > 0 && !after.failing() && heals.tryHeal(target.id(), clock.instant()));
        if (heal.kind() == SyncDecision.Kind.HEAL) {
            after = live ? syncer.syncIfApplied(target, snapshot, true) : syncer.sync(target, snapshot, true);
        } else if (heal.kind() == SyncDecision.Kind.WAIT) {
            Instant next = heals.nextHeal(target.id());
            LOG.warn("target={} selfHeal paused until {}: the drift keeps coming back", target.id(), next);
            long delay = Math.max(1, Duration.between(clock.instant(), next).toMillis());
            vertx.runOnContext(v -> vertx.setTimer(delay, id -> changes.changed(target)));
        }
        return new TargetStatus[] {before, after};
    }

    /** Asks the gates again for a target they held, at its source's newest fetched commit. */
    void recheck(Target target) {
        Snapshot snapshot = polls.latest(target.release().source());
        if (snapshot != null && scope.active(target) && !scope.suspended(target)) {
            afterFetch(List.of(target), snapshot, null);
        }
    }

    /** An owned object of the target changed and settled: compare it (and heal, with selfHeal). */
    private void compareLive(Target target) {
        Snapshot snapshot = polls.latest(target.release().source());
        if (scope.suspended(target) || snapshot == null || !compareQueued.add(target.id())) {
            return; // suspended, not fetched yet (the first poll syncs it), or a compare not started yet covers it
        }
        this.<TargetStatus[]>track(target, () -> {
            TargetStatus[] pair;
            try {
                pair = syncBlocking(target, snapshot, false, true);
            } finally {
                compareQueued.remove(target.id());
            }
            Rollouts.Held held = rollouts.heldAs(target.id());
            return held == null || pair[1].syncState() == SyncState.Waiting ? pair
                    : new TargetStatus[] {pair[0], syncer.hold(target, held.commit(), held.gate().reason())};
        }).onComplete(done -> {
            compareQueued.remove(target.id()); // also when it never ran (its cluster left the fleet)
            if (done.succeeded()) {
                publish(done.result()[0], done.result()[1]);
            }
        });
    }

    /** A status of the target's objects changed: its health again, from the caches. */
    private void refreshHealth(Target target) {
        refreshHealth(target, HEALTH_TRIES);
    }

    /**
     * When the caches cannot tell yet (a watch started by the sync that wrote the objects is still filling), the
     * health is asked again a second later, a few times: the status change that prompted it may be the last one
     * (a Job that completed during its first sync).
     */
    private void refreshHealth(Target target, int tries) {
        this.<TargetStatus[]>track(target, () -> new TargetStatus[] {board.get(target.id()),
                syncer.refreshHealth(target).orElse(null)}).onSuccess(pair -> {
                    if (pair[1] != null) {
                        publish(pair[0], pair[1]);
                    } else if (tries > 1) {
                        vertx.setTimer(1000, id -> {
                            if (scope.active(target)) {
                                refreshHealth(target, tries - 1);
                            }
                        });
                    }
                });
    }

    /**
     * A target still Progressing {@link #PROGRESSING_RECHECK} after it was seen so has its health looked at again
     * (and so on while it stays Progressing): a stuck pod then makes it Degraded, which halts a rollout.
     */
    private void recheckWhileProgressing(TargetStatus s) {
        String id = s.id();
        if (!"Progressing".equals(s.health())) {
            rechecks.remove(id);
            return;
        }
        if (scope.stopping() || !progressing.add(id)) {
            return;
        }
        String revision = String.valueOf(s.attemptedRevision());
        Map.Entry<String, Integer> taken = rechecks.get(id);
        int rounds = taken != null && taken.getKey().equals(revision) ? taken.getValue() : 0;
        long wait = Math.min(PROGRESSING_RECHECK.toMillis() << Math.min(rounds, 10),
                PROGRESSING_RECHECK_MAX.toMillis());
        vertx.setTimer(wait, timer -> {
            progressing.remove(id);
            TargetStatus now = board.get(id);
            var target = live.target(id).filter(t -> scope.current(t) && scope.mine(t));
            if (now != null && "Progressing".equals(now.health()) && target.isPresent()) {
                rechecks.put(id, Map.entry(revision, rounds + 1));
                refreshHealth(target.get());
            } else {
                rechecks.remove(id); // no longer Progressing, or no longer this replica's target
            }
        });
    }

    private void publish(TargetStatus before, TargetStatus s) {
        boolean changed = s.syncState() != before.syncState()
                || !Objects.equals(s.revision(), before.revision())
                || !Objects.equals(s.lastError(), before.lastError())
                || !s.health().equals(before.health())
                || s.changes() != before.changes() && !s.changes().isEmpty();
        rollouts.observed(before, s, changed);
        recheckWhileProgressing(s);
        vertx.eventBus().publish(FleetVerticle.SYNCED, new JsonObject().put("changed", changed)
                .put("cluster", s.cluster()).put("release", s.release()).put("state", s.syncState().name())
                .put("revision", s.attemptedRevision()).put("summary", s.summary()).put("error", s.lastError())
                .put("health", s.health()));
    }
}
