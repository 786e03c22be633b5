package io.driftless.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.cluster.ClusterConnections;
import io.driftless.cluster.ShardLeases;
import io.driftless.cluster.Watches;
import io.driftless.config.Fleet;
import io.driftless.config.Target;
import io.driftless.config.TargetId;
import io.driftless.reconcile.TargetSyncer;
import io.driftless.rollout.Gate;
import io.driftless.source.GitSource;
import io.driftless.source.Snapshot;
import io.driftless.status.Ledger;
import io.driftless.status.StatusBoard;
import io.driftless.status.Suspensions;
import io.driftless.telemetry.Metrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
    /**
     * Event-bus address asked for a target's objects at its last fetched commit: {@code {"target": ID, "object":
     * {"group", "kind", "namespace", "name"}}} (object optional); replies with an {@code ObjectsReport}.
     */
    public static final String OBJECTS = "driftless.target.objects";
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
    /** How long a shutdown waits for syncs in progress to reach an object boundary. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);

    private final LiveFleet live;
    private final ClusterConnections clusters;
    private final ShardLeases leases;
    private final Map<String, GitSource> sources;
    private final TargetSyncer syncer;
    private final StatusBoard board;
    private final Metrics metrics;
    private final Clock clock;
    private final int parallelism;
    private Suspensions suspensions;
    private Ledger pinLedger = Ledger.inMemory();
    private Ledger decisions = Ledger.inMemory();
    private Scope scope;
    private Workers workers;
    /** Each source's fetches, and its newest snapshot, which live changes are compared against. */
    private SourcePolls polls;
    private RolloutControl rollouts;
    private TargetRuns runs;
    private ClusterProbes probes;
    private Context context;

    /** A source's last fetch, for the API: {@code revision} and {@code lastFetch} of the last good one. */
    public record SourceState(String revision, Instant lastFetch, String lastError) {
    }

    /** The last fetch of each source, by name. */
    /** The shadow verification of the builtin charts' renders. */
    public io.driftless.reconcile.ShadowVerifier shadowVerification() {
        return syncer.shadow();
    }

    public Map<String, SourceState> sourceStates() {
        return polls == null ? Map.of() : polls.states();
    }

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
        context = vertx.getOrCreateContext();
        scope = new Scope(live, leases, suspensions);
        workers = new Workers(vertx, live.get(), parallelism);
        polls = new SourcePolls(vertx, sources, workers, metrics, clock, scope::stopping, this::syncTargets);
        Consumer<Target> recheck = t -> context.runOnContext(v -> runs.recheck(t));
        rollouts = new RolloutControl(vertx, live, board, metrics, clock, workers, scope, polls::latest, decisions,
                syncer::announce, recheck);
        Pins pins = new Pins(live, sources, board, pinLedger, workers, polls::latest, recheck, clock);
        // a pin made through another replica: the target it concerns is asked again here
        pinLedger.onChange(id -> live.target(id).ifPresent(recheck));
        runs = new TargetRuns(vertx, scope, live, clusters, sources, syncer, board, metrics, clock, workers, polls,
                pins, rollouts);
        LiveChanges changes = runs.changes();
        vertx.eventBus().<String>consumer(REFRESH, msg -> {
            if (!sources.containsKey(msg.body())) {
                msg.fail(404, "unknown source '" + msg.body() + "'");
                return;
            }
            polls.poll(msg.body());
            msg.reply("refreshing");
        });
        vertx.eventBus().<JsonObject>consumer(SYNC, this::forcedSync);
        vertx.eventBus().<JsonObject>consumer(ROLLOUT, rollouts::handle);
        vertx.eventBus().<JsonObject>consumer(PIN, pins::handle);
        vertx.eventBus().<JsonObject>consumer(SYNCED, msg -> {
            if (msg.body().getBoolean(FROM_PEER, false)) {
                String release = msg.body().getString("release");
                rollouts.observedPeer(release, board.get(TargetId.of(msg.body().getString("cluster"), release)));
            }
        });
        Previews previews = new Previews(live, sources, syncer, workers, polls::latest, pins::desired,
                rollouts::plans, scope::stopping);
        vertx.eventBus().<JsonObject>consumer(PREVIEW, previews::preview);
        vertx.eventBus().<JsonObject>consumer(COMPARE, previews::compare);
        vertx.eventBus().<JsonObject>consumer(OBJECTS, previews::objects);
        vertx.eventBus().<Integer>consumer(SHARD_ACQUIRED, msg -> {
            // compared in full, even at a commit this replica synced before: another replica may have written
            // since, and this replica exports the targets' gauges again only from a sync
            compareAgain(live.targets().stream().filter(t -> scope.shard(t) == msg.body()).toList(), changes);
        });
        clusters.watches().listen(change -> {
            Target target = live.byLabel(change.cluster(), change.release());
            if (target != null && !scope.stopping()) { // an event during shutdown finds no event loop to run on
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
            compareAgain(live.targets().stream().filter(t -> t.cluster().name().equals(cluster)).toList(), changes);
        }));
        sources.keySet().forEach(polls::poll);
        probes = new ClusterProbes(vertx, clusters, clock, scope::stopping);
        return Future.succeededFuture();
    }

    /** Compares these targets in full at their sources' next fetch, asked now. */
    private void compareAgain(List<Target> targets, LiveChanges changes) {
        targets.forEach(changes::markDirty);
        targets.stream().map(t -> t.release().source()).distinct().forEach(polls::poll);
    }

    /** Fetches a target's source and syncs (or, for a dry run, compares) it now; replies with the target id. */
    private void forcedSync(Message<JsonObject> msg) {
        if (scope.stopping()) {
            msg.fail(503, "Driftless is shutting down");
            return;
        }
        Target target = live.target(msg.body().getString("target")).orElse(null);
        if (target == null) {
            msg.fail(404, "no such target '" + msg.body().getString("target") + "'");
            return;
        }
        if (scope.suspended(target)) {
            msg.fail(409, "target " + target.id() + " is suspended: resume it first (driftless resume "
                    + target.id() + ")");
            return;
        }
        if (!scope.mine(target)) {
            int shard = scope.shard(target);
            msg.fail(409, "target " + target.id() + " is in shard " + shard + ", held by "
                    + leases.holdings().get(shard).holder() + ", not by this replica (" + leases.identity() + ")");
            return;
        }
        boolean write = !msg.body().getBoolean("dryRun", false);
        Gate window = rollouts.window(target);
        if (write && !window.open()) {
            msg.fail(409, "target " + target.id() + ": " + window.reason() + " (a window that allows manual syncs "
                    + "says manualSync: true)");
            return;
        }
        polls.fetchNow(target.release().source()).transform(fetch -> runs.syncNow(target, fetch, write))
                .onComplete(done -> {
                    if (done.failed()) {
                        msg.fail(500, String.valueOf(done.cause().getMessage()));
                        return;
                    }
                    msg.reply(target.id());
                });
    }

    /**
     * Graceful shutdown: no new fetch or sync starts, applies in progress stop at the next object boundary with
     * their inventory recorded, and the verticle waits for them (at most {@link #SHUTDOWN_GRACE}); then what
     * the targets' SOPS files opened is forgotten.
     */
    @Override
    public Future<?> stop() {
        if (scope != null) {
            scope.stop();
        }
        syncer.stopWriting();
        if (polls != null) {
            polls.stop();
        }
        if (probes != null) {
            probes.close();
        }
        Future<?> drained = workers == null ? Future.succeededFuture() : workers.drainAndClose(SHUTDOWN_GRACE);
        // what the targets' SOPS files opened is this service's to hold, not the process's after it stops
        return drained.onComplete(done -> live.targets().forEach(syncer::forgetSecrets));
    }

    private Future<Void> syncTargets(String sourceName, Snapshot snapshot, String fetchError) {
        // a target the fetch certainly asks nothing of is not queued (a quiet poll of 1,000 targets queues none)
        List<Target> ours = live.targets().stream().filter(t -> t.release().source().equals(sourceName)
                && scope.mine(t) && (snapshot == null || !runs.quiet(t, snapshot))).toList();
        // chart archives from chart repositories are a source's concern: fetched on the fetch pool, not in a render
        return snapshot == null ? runs.afterFetch(ours, snapshot, fetchError) : workers.run(() -> {
            ours.forEach(syncer::prepare);
            return null;
        }).transform(prepared -> runs.afterFetch(ours, snapshot, fetchError));
    }

    /**
     * Applies a reloaded fleet on this verticle's context (see {@link Reconfiguration}); answers one line per
     * removed target.
     *
     * @param opened the GitSources of the added and changed sources, already opened
     */
    public Future<List<String>> reconfigure(Fleet next, FleetChange change, Map<String, GitSource> opened) {
        Promise<List<String>> done = Promise.promise();
        context.runOnContext(v -> new Reconfiguration(live, board, metrics, clusters, workers, sources, polls,
                runs.changes(), syncer, scope::mine, polls::poll).apply(next, change, opened).onComplete(done));
        return done.future();
    }
}
