package io.driftless.fleet;

import io.driftless.status.TargetStatus;
import io.driftless.status.Failure;
import io.driftless.status.Ledger;
import io.driftless.status.StatusBoard;
import io.driftless.status.SyncState;
import io.driftless.status.Suspensions;
import io.driftless.reconcile.TargetSyncer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.cluster.ClusterConnections;
import io.driftless.cluster.ShardLeases;
import io.driftless.cluster.Watches;
import io.driftless.config.Fleet;
import io.driftless.config.Target;
import io.driftless.rollout.Gate;
import io.driftless.source.GitSource;
import io.driftless.source.Snapshot;
import io.driftless.source.SourceException;
import io.driftless.telemetry.Metrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Schedules the fleet: after every fetch of a source ({@link SourcePolls}) each of its targets gets what its
 * {@link SyncDecision} says, on its cluster's bounded worker pool (a slow cluster cannot hold the others'
 * threads); changes seen in the clusters compare single targets ({@link LiveChanges}); a reloaded fleet is applied
 * by {@link Reconfiguration}. Only the shards this replica holds are synced. Publishes each new status on
 * {@link #SYNCED}.
 */
public final class FleetVerticle extends VerticleBase {

    /**
     * Event-bus address of target sync results (body: cluster, release, state, revision, summary, error,
     * changed: whether the state, the revision or the cluster changed).
     */
    public static final String SYNCED = "driftless.target.synced";
    /**
     * Marks a {@link #SYNCED} event of a status another replica wrote (high availability): the rollout gates of the
     * targets this replica holds look at it too.
     */
    public static final String FROM_PEER = "fromPeer";
    /** Event-bus address that triggers an immediate fetch of a source (body: source name). */
    public static final String REFRESH = "driftless.source.refresh";
    /**
     * Event-bus address that fetches a target's source and syncs that target now, writing unless the body's
     * {@code dryRun} is true (body: {@code {target, dryRun}}); replies with the target id once its status is updated.
     */
    public static final String SYNC = "driftless.target.sync";
    /**
     * Event-bus address that fetches a ref of a source and answers what syncing each of the source's targets at
     * it would do, writing nothing (body: {@code {source, ref}}; reply: {@code {targets, rollouts}}, a {@link
     * Preview} per target and a {@link io.driftless.rollout.Gates.Plan} per release).
     */
    public static final String PREVIEW = "driftless.source.preview";
    /**
     * Event-bus address that compares a target at its source's last fetched commit with the live state, changing
     * nothing: no fetch, no status, no metric (body: target id; reply: a {@link Preview} as JSON). One compare
     * per target at a time; another asked meanwhile is refused with 429.
     */
    public static final String COMPARE = "driftless.target.compare";
    /** Event-bus address told of a shard this replica has just taken (body: the shard number). */
    public static final String SHARD_ACQUIRED = "driftless.shard.acquired";
    /**
     * A release's rollout: {@code {"release": NAME, "action": "status" | "resume" | "abort"}}; replies with where its
     * rollout of the newest commit stands (404 for an unknown release).
     */
    public static final String ROLLOUT = "driftless.release.rollout";
    /**
     * Rolls back or releases targets: {@code {"target": ID | "release": NAME, "revision": COMMIT, "untilNewer": bool,
     * "unpin": bool}}; replies with the ids of the targets pinned or unpinned (see {@link Pins}).
     */
    public static final String PIN = "driftless.target.pin";
    private static final Logger LOG = LoggerFactory.getLogger(FleetVerticle.class);

    private final LiveFleet live;
    private final ClusterConnections clusters;
    private final ShardLeases leases;
    private final Map<String, GitSource> sources;
    private final TargetSyncer syncer;
    private final StatusBoard board;
    private final Metrics metrics;
    private final Clock clock;
    private final int parallelism;
    private Workers workers;
    /** Targets with an owned object changed since their last sync, and those waiting out the debounce. */
    private LiveChanges changes;
    /** Each source's fetches, and its newest snapshot, which live changes are compared against. */
    private SourcePolls polls;
    private final HealBudget heals = new HealBudget();
    private Ledger pinLedger = Ledger.inMemory();
    private Ledger decisions = Ledger.inMemory();
    private Rollouts rollouts;
    private RolloutNotices rolloutNotices;
    private Pins pins;
    /** Whether held targets are to be asked again shortly (another target's state changed). */
    private final java.util.concurrent.atomic.AtomicBoolean recheckQueued = new java.util.concurrent.atomic.AtomicBoolean();

    /** A source's last fetch, for the API: {@code revision} and {@code lastFetch} of the last good one. */
    public record SourceState(String revision, Instant lastFetch, String lastError) {
    }

    /** The last fetch of each source, by name. */
    public Map<String, SourceState> sourceStates() {
        return polls == null ? Map.of() : polls.states();
    }
    /** How long a shutdown waits for syncs in progress to reach an object boundary. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);
    /** How often a health check the caches could not answer is tried (a second apart). */
    private static final int HEALTH_TRIES = 30;
    /**
     * How long a target may stay Progressing before its health is looked at again without a status change: a pod
     * that starts crash-looping changes no status of an object Driftless watches.
     */
    static final Duration PROGRESSING_RECHECK = Duration.ofSeconds(15);
    private final java.util.Set<String> progressing = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The time each held target is to be asked again at, while a timer for it is pending (one per instant). */
    private final Map<String, Instant> timedRechecks = new java.util.concurrent.ConcurrentHashMap<>();
    private ClusterProbes probes;
    /** Set when a shutdown begins: no timer, message or informer change starts work after it. */
    private volatile boolean stopping;
    private Context context;
    private Suspensions suspensions;

    /** Which targets are suspended (neither synced nor healed); by default none. */
    public FleetVerticle suspending(Suspensions suspensions) {
        this.suspensions = suspensions;
        return this;
    }

    /**
     * Where the rollbacks' pins (by target) and the operators' decisions about rollouts (by release) are kept; by
     * default in memory only.
     */
    public FleetVerticle keeping(Ledger pins, Ledger rolloutDecisions) {
        this.pinLedger = pins;
        this.decisions = rolloutDecisions;
        return this;
    }

    /** @param sources the fleet's sources by name; this verticle adds and removes them when the fleet is reloaded */
    public FleetVerticle(LiveFleet live, ClusterConnections clusters, ShardLeases leases, Map<String, GitSource> sources,
                         TargetSyncer syncer, StatusBoard board, Metrics metrics, Clock clock, int parallelism) {
        this.leases = leases;
        this.live = live;
        this.clusters = clusters;
        this.sources = sources;
        this.syncer = syncer;
        this.board = board;
        this.metrics = metrics;
        this.clock = clock;
        this.parallelism = parallelism;
    }

    @Override
    public Future<?> start() {
        workers = new Workers(vertx, live.get(), parallelism);
        polls = new SourcePolls(vertx, sources, workers, metrics, clock, () -> stopping, this::syncTargets);
        context = vertx.getOrCreateContext();
        rollouts = new Rollouts(decisions);
        rolloutNotices = new RolloutNotices(decisions, metrics, syncer::announce);
        pins = new Pins(live, sources, board, pinLedger, workers, polls::latest,
                t -> context.runOnContext(v -> recheck(t)), clock);
        // a pin or a decision made through another replica: the targets it concerns are asked again here
        pinLedger.onChange(id -> context.runOnContext(v -> live.target(id).ifPresent(this::recheck)));
        decisions.onChange(release -> context.runOnContext(v -> rollouts.heldTargets().stream()
                .filter(t -> t.release().name().equals(release)).forEach(this::recheck)));
        changes = new LiveChanges(vertx, () -> stopping, t -> current(t) && mine(t), this::compareLive,
                this::refreshHealth);
        vertx.eventBus().<String>consumer(REFRESH, msg -> {
            if (!sources.containsKey(msg.body())) {
                msg.fail(404, "unknown source '" + msg.body() + "'");
                return;
            }
            poll(msg.body());
            msg.reply("refreshing");
        });
        vertx.eventBus().<JsonObject>consumer(SYNC, this::forcedSync);
        vertx.eventBus().<JsonObject>consumer(ROLLOUT, this::rollout);
        vertx.eventBus().<JsonObject>consumer(PIN, pins::handle);
        vertx.eventBus().<JsonObject>consumer(SYNCED, msg -> {
            if (msg.body().getBoolean(FROM_PEER, false)) {
                TargetStatus peer = board.get(msg.body().getString("cluster") + "/" + msg.body().getString("release"));
                if (peer != null) {
                    rollouts.observe(peer, clock.instant());
                }
                recheckHeld(); // a wave held here may wait for a target another replica holds
                rolloutChanged(msg.body().getString("release"));
            }
        });
        Previews previews = new Previews(live, sources, syncer, workers, polls::latest, pins::desired, this::plans,
                () -> stopping);
        vertx.eventBus().<JsonObject>consumer(PREVIEW, previews::preview);
        vertx.eventBus().<String>consumer(COMPARE, previews::compare);
        vertx.eventBus().<Integer>consumer(SHARD_ACQUIRED, msg -> {
            List<Target> taken = live.targets().stream()
                    .filter(t -> Shards.of(t.id(), leases.shards()) == msg.body()).toList();
            // compared in full, even at a commit this replica synced before: another replica may have written
            // since, and this replica exports the targets' gauges again only from a sync
            taken.forEach(changes::markDirty);
            taken.stream().map(t -> t.release().source()).distinct().forEach(this::poll);
        });
        clusters.watches().listen(change -> {
            Target target = live.byLabel(change.cluster(), change.release());
            if (target != null) {
                context.runOnContext(v -> {
                    if (Watches.STATUS_CHANGED.equals(change.event())) {
                        changes.statusChanged(target);
                    } else {
                        changes.changed(target);
                    }
                });
            }
        });
        clusters.onReturn(cluster -> context.runOnContext(v -> {
            LOG.info("cluster={} reachable again; comparing its targets", cluster);
            // what changed there while it was away was seen by nobody: compare each target, whatever the caches say
            List<Target> returned = live.targets().stream().filter(t -> t.cluster().name().equals(cluster)).toList();
            returned.forEach(changes::markDirty);
            returned.stream().map(t -> t.release().source()).distinct().forEach(this::poll);
        }));
        sources.keySet().forEach(this::poll);
        probes = new ClusterProbes(vertx, clusters, clock, () -> stopping);
        return Future.succeededFuture();
    }

    /** Fetches a target's source and syncs (or, for a dry run, compares) it now; replies with the target id. */
    private void forcedSync(Message<JsonObject> msg) {
        if (stopping) {
            msg.fail(503, "Driftless is shutting down");
            return;
        }
        Target target = live.target(msg.body().getString("target")).orElse(null);
        if (target == null) {
            msg.fail(404, "no such target '" + msg.body().getString("target") + "'");
            return;
        }
        if (suspended(target)) {
            msg.fail(409, "target " + target.id() + " is suspended: resume it first (driftless resume "
                    + target.id() + ")");
            return;
        }
        if (!mine(target)) {
            int shard = Shards.of(target.id(), leases.shards());
            msg.fail(409, "target " + target.id() + " is in shard " + shard + ", held by "
                    + leases.holdings().get(shard).holder() + ", not by this replica (" + leases.identity() + ")");
            return;
        }
        boolean write = !msg.body().getBoolean("dryRun", false);
        Gate window = gate(target, "", true);
        if (write && !window.open()) {
            msg.fail(409, "target " + target.id() + ": " + window.reason() + " (a window that allows manual syncs "
                    + "says manualSync: true)");
            return;
        }
        polls.fetchNow(target.release().source()).transform(fetch -> {
            if (fetch.failed() && !(fetch.cause() instanceof SourceException)) {
                return Future.<TargetStatus[]>failedFuture(fetch.cause());
            }
            return this.<TargetStatus[]>track(target, () -> {
                TargetStatus before = board.get(target.id());
                return new TargetStatus[] {before, fetch.failed()
                        ? syncer.fail(target, new Failure(Failure.Stage.SOURCE, fetch.cause().getMessage()))
                        : syncer.sync(target, () -> pins.desired(target, polls.newest(fetch.result())), write)};
            });
        }).onComplete(done -> {
            if (done.failed()) {
                msg.fail(500, String.valueOf(done.cause().getMessage()));
                return;
            }
            publish(done.result()[0], done.result()[1]);
            msg.reply(target.id());
        });
    }

    private <T> Future<T> track(Callable<T> work) {
        return workers.run(work);
    }

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
        } else if (!mine(target)) {
            metrics.forgetTarget(target.cluster().name(), target.release().name());
        }
    }

    /**
     * Graceful shutdown: no new fetch or sync starts, applies in progress stop at the next object boundary with
     * their inventory recorded, and the verticle waits for them (at most {@link #SHUTDOWN_GRACE}).
     */
    @Override
    public Future<?> stop() {
        stopping = true;
        syncer.stopWriting();
        if (polls != null) {
            polls.stop();
        }
        if (probes != null) {
            probes.close();
        }
        return workers == null ? Future.succeededFuture() : workers.drainAndClose(SHUTDOWN_GRACE);
    }

    private void poll(String sourceName) {
        polls.poll(sourceName);
    }

    private Future<Void> syncTargets(String sourceName, Snapshot snapshot, String fetchError) {
        List<Target> ours = live.targets().stream().filter(t -> t.release().source().equals(sourceName) && mine(t))
                .toList();
        // chart archives from chart repositories are a source's concern: fetched on the fetch pool, not in a render
        return snapshot == null ? queueSyncs(ours, snapshot, fetchError) : track(() -> {
            ours.forEach(syncer::prepare);
            return null;
        }).transform(prepared -> queueSyncs(ours, snapshot, fetchError));
    }

    private Future<Void> queueSyncs(List<Target> ours, Snapshot snapshot, String fetchError) {
        List<Future<TargetStatus>> runs = new ArrayList<>();
        for (Target target : ours) {
            runs.add(this.<TargetStatus[]>track(target, () -> {
                TargetStatus before = board.get(target.id());
                if (before == null) {
                    return null; // the target left the fleet while this sync waited
                }
                if (fetchError != null && current(target) && !suspended(target)) {
                    return new TargetStatus[] {before, syncer.fail(target, new Failure(Failure.Stage.SOURCE,
                            fetchError))};
                }
                // a target the fleet changed is applied in full, as a new commit is (the flag is kept for the target
                // as it is now, not taken by work queued for the declaration it replaced)
                boolean reconfigured = fetchError == null && current(target) && !suspended(target)
                        && changes.takeReconfigured(target);
                // a pinned target takes the commit it is pinned to, as an operator asked (its windows still apply)
                io.driftless.rollout.Pin pin = fetchError == null ? pins.holding(target,
                        polls.newest(snapshot).commit()) : null;
                String commit = fetchError != null ? null : pin != null ? pin.revision()
                        : polls.newest(snapshot).commit();
                SyncDecision decision = fetchError != null ? new SyncDecision(SyncDecision.Kind.SKIP, "not fetched")
                        : SyncDecision.afterFetch(new SyncDecision.Facts(current(target), suspended(target),
                        reconfigured || !commit.equals(before.revision()),
                        changes.takeDirty(target),
                        before.outOfSync() > 0, target.release().syncPolicy().selfHeal(), before.failing(),
                        clusters.watches().covers(target.cluster().name(), target.release().name())));
                Gate gate = commit == null ? Gate.OPEN : gate(target, commit, pin != null);
                decision = SyncDecision.gated(decision, gate);
                boolean wasHeld = gate.open() && rollouts.released(target);
                if (!gate.open() || wasHeld) { // a target no gate ever held exports no waiting series
                    metrics.waiting(target.cluster().name(), target.release().name(), gate.open() ? null
                            : gate.kind().name().toLowerCase(java.util.Locale.ROOT));
                }
                switch (decision.kind()) {
                    case SKIP:
                        return null;
                    case NONE:
                        return new TargetStatus[] {before, before};
                    case WAIT:
                        if (reconfigured) {
                            changes.markReconfigured(target); // still to be applied in full once the gate opens
                        }
                        return new TargetStatus[] {before, hold(target, commit, gate)};
                    case ADVANCE:
                        TargetStatus advanced = pin != null ? null : syncer.advance(target, polls.newest(snapshot));
                        if (advanced != null) {
                            return new TargetStatus[] {before, advanced}; // a commit that leaves this target alone
                        }
                        return syncBlocking(target, snapshot, true, false);
                    default:
                        return syncBlocking(target, snapshot, decision.kind() == SyncDecision.Kind.SYNC, false);
                }
            }).map(pair -> {
                if (pair == null) {
                    return null;
                }
                publish(pair[0], pair[1]);
                return pair[1];
            }));
        }
        return Future.join(runs).mapEmpty();
    }

    /**
     * Writes a new commit; otherwise compares, and with selfHeal re-applies drift when the target's heal budget
     * allows (else it stays OutOfSync and is healed when the budget allows again).
     */
    private TargetStatus[] syncBlocking(Target target, Snapshot fetched, boolean newCommit, boolean live) {
        TargetStatus before = board.get(target.id());
        java.util.function.Supplier<Snapshot> snapshot = () -> {
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
        TargetStatus after = live ? syncer.syncIfApplied(target, snapshot, false) : syncer.sync(target, snapshot, false);
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

    /** Shows, resumes or aborts a release's rollout of its source's newest commit. */
    private void rollout(Message<JsonObject> msg) {
        String release = msg.body().getString("release");
        Target any = live.targets().stream().filter(t -> t.release().name().equals(release)).findFirst().orElse(null);
        if (any == null) {
            msg.fail(404, "no such release '" + release + "'");
            return;
        }
        Snapshot snapshot = polls.latest(any.release().source());
        String commit = snapshot == null ? null : snapshot.commit();
        String action = msg.body().getString("action", "status");
        if (!action.equals("status")) {
            if (commit == null) {
                msg.fail(409, "release " + release + ": its source is not fetched yet");
                return;
            }
            workers.run(() -> {
                rollouts.decide(release, action.equals("resume") ? "resumed" : "aborted", commit);
                return null;
            }).onComplete(done -> {
                if (done.failed()) {
                    msg.fail(500, "release " + release + ": cannot record the " + action + ": "
                            + done.cause().getMessage());
                    return;
                }
                LOG.info("release={} rollout {}d at commit={}", release, action, commit.substring(0, 12));
                rollouts.heldTargets().stream().filter(t -> t.release().name().equals(release))
                        .forEach(this::recheck);
                msg.reply(JsonObject.mapFrom(rollouts.status(release, commit, live, board)));
            });
            return;
        }
        msg.reply(JsonObject.mapFrom(rollouts.status(release, commit, live, board)));
    }

    /** What the rollout gates say about the target taking {@code commit} now. */
    private Gate gate(Target target, String commit, boolean manual) {
        return rollouts.gate(target, commit, manual, clock.instant(), live, board, this::newestCommit);
    }

    /** The newest fetched commit of a release's source (null: none yet). */
    private String newestCommit(String release) {
        return live.targets().stream().filter(t -> t.release().name().equals(release)).findFirst()
                .map(t -> polls.latest(t.release().source())).map(Snapshot::commit).orElse(null);
    }

    /** The rollout plans of these targets' releases at {@code commit}, as the gates would meet them now. */
    private List<io.driftless.rollout.Gates.Plan> plans(String commit, List<Target> targets) {
        java.time.Instant now = clock.instant();
        return io.driftless.rollout.Gates.plan(commit, targets, t -> rollouts.facts(t, commit, false, now, live, board,
                this::newestCommit));
    }

    /**
     * Keeps the target on the commit it has while a gate holds the newer one: it is asked again when another
     * target's state changes, and at the gate's time when only time holds it (a window's end, a wave's healthyFor).
     */
    private TargetStatus hold(Target target, String commit, Gate gate) {
        rollouts.held(target, commit, gate);
        Instant at = gate.recheckAt();
        // asked again for every other target's change, a held target keeps one timer for the same instant
        if (at != null && !at.equals(timedRechecks.put(target.id(), at))) {
            long delay = Math.max(1, Duration.between(clock.instant(), at).toMillis() + 1);
            vertx.setTimer(delay, id -> {
                timedRechecks.remove(target.id(), at);
                recheck(target);
            });
        }
        return syncer.hold(target, commit, gate.reason());
    }

    /** Asks the gates again for a target they held, at its source's newest fetched commit. */
    private void recheck(Target target) {
        Snapshot snapshot = polls.latest(target.release().source());
        if (!stopping && snapshot != null && current(target) && mine(target) && !suspended(target)) {
            queueSyncs(List.of(target), snapshot, null);
        }
    }

    /**
     * A target still Progressing {@link #PROGRESSING_RECHECK} after it was seen so has its health looked at again
     * (and so on while it stays Progressing): a stuck pod then makes it Degraded, which halts a rollout.
     */
    private void recheckWhileProgressing(TargetStatus s) {
        String id = s.cluster() + "/" + s.release();
        if (stopping || !"Progressing".equals(s.health()) || !progressing.add(id)) {
            return;
        }
        vertx.setTimer(PROGRESSING_RECHECK.toMillis(), timer -> {
            progressing.remove(id);
            TargetStatus now = board.get(id);
            if (now != null && "Progressing".equals(now.health())) {
                live.target(id).filter(t -> current(t) && mine(t)).ifPresent(this::refreshHealth);
            }
        });
    }

    /**
     * A target of the release changed: where its rollout stands is looked at again, by the replica that holds its
     * first target, which tells of a start, a halt or the end (see {@link RolloutNotices}).
     */
    private void rolloutChanged(String release) {
        Target first = live.targets().stream().filter(t -> t.release().name().equals(release)).findFirst()
                .orElse(null);
        if (stopping || first == null || first.release().delivery().waves().isEmpty() || !mine(first)) {
            return;
        }
        track(() -> {
            Snapshot snapshot = polls.latest(first.release().source());
            if (snapshot != null && current(first)) {
                rolloutNotices.observe(() -> rollouts.status(release, snapshot.commit(), live, board), first,
                        clock.instant());
            }
            return null;
        });
    }

    /** Another target's state changed: the held targets are asked again, once for a burst of changes. */
    private void recheckHeld() {
        if (rollouts.heldTargets().isEmpty() || !recheckQueued.compareAndSet(false, true)) {
            return;
        }
        vertx.setTimer(LiveChanges.DEBOUNCE.toMillis(), id -> {
            recheckQueued.set(false);
            rollouts.heldTargets().forEach(this::recheck);
        });
    }

    private boolean suspended(Target target) {
        return suspensions != null && suspensions.isSuspended(target.id());
    }

    /** Whether the target is in the running fleet as it is (not removed, not changed by a reload). */
    private boolean current(Target target) {
        return live.target(target.id()).orElse(null) == target;
    }

    /**
     * Applies a reloaded fleet on this verticle's context (see {@link Reconfiguration}); answers one line per
     * removed target.
     *
     * @param opened the GitSources of the added and changed sources, already opened
     */
    public Future<List<String>> reconfigure(Fleet next, FleetChange change, Map<String, GitSource> opened) {
        io.vertx.core.Promise<List<String>> done = io.vertx.core.Promise.promise();
        context.runOnContext(v -> new Reconfiguration(live, board, metrics, clusters, workers, sources, polls, changes,
                syncer, this::mine, this::poll).apply(next, change, opened).onComplete(done));
        return done.future();
    }

    /** Whether this replica holds the target's shard (always, without high availability). */
    private boolean mine(Target target) {
        return leases.holds(Shards.of(target.id(), leases.shards()));
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
                            if (!stopping && current(target) && mine(target)) {
                                refreshHealth(target, tries - 1);
                            }
                        });
                    }
                });
    }

    /** An owned object of the target changed and settled: compare it (and heal, with selfHeal). */
    private void compareLive(Target target) {
        Snapshot snapshot = polls.latest(target.release().source());
        if (suspended(target) || snapshot == null) {
            return; // suspended, or not fetched yet (the first poll syncs it); the rest is checked under its lock
        }
        this.<TargetStatus[]>track(target, () -> {
            TargetStatus[] pair = syncBlocking(target, snapshot, false, true);
            Rollouts.Held held = rollouts.heldAs(target.id());
            return held == null || pair[1].syncState() == SyncState.Waiting ? pair
                    : new TargetStatus[] {pair[0], syncer.hold(target, held.commit(), held.gate().reason())};
        }).onSuccess(pair -> publish(pair[0], pair[1]));
    }

    private void publish(TargetStatus before, TargetStatus s) {
        boolean changed = s.syncState() != before.syncState()
                || !Objects.equals(s.revision(), before.revision())
                || !Objects.equals(s.lastError(), before.lastError())
                || !s.health().equals(before.health())
                || s.changes() != before.changes() && !s.changes().isEmpty();
        rollouts.observe(s, clock.instant());
        if (changed) {
            recheckHeld();
        }
        if (changed || s.syncState() == SyncState.Waiting && !s.summary().equals(before.summary())) {
            rolloutChanged(s.release()); // a gate that holds it for another reason: a wave waits, or halted
        }
        recheckWhileProgressing(s);
        vertx.eventBus().publish(SYNCED, new JsonObject().put("changed", changed)
                .put("cluster", s.cluster()).put("release", s.release()).put("state", s.syncState().name())
                .put("revision", s.attemptedRevision()).put("summary", s.summary()).put("error", s.lastError())
                .put("health", s.health()));
    }
}
