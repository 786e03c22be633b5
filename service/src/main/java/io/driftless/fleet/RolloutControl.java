package io.driftless.fleet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.config.Target;
import io.driftless.rollout.Gate;
import io.driftless.rollout.Gates;
import io.driftless.source.Snapshot;
import io.driftless.status.Ledger;
import io.driftless.status.Notice;
import io.driftless.status.StatusBoard;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.telemetry.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * The rollout gates as the scheduler meets them: what holds a target's newest commit, when a held target is asked
 * again (another target's state changed, or the gate's time came), the operators' resume and abort, and one notice
 * per rollout ({@link RolloutNotices}).
 */
final class RolloutControl {

    private static final Logger LOG = LoggerFactory.getLogger(RolloutControl.class);

    private final Vertx vertx;
    private final LiveFleet live;
    private final StatusBoard board;
    private final Metrics metrics;
    private final Clock clock;
    private final Workers workers;
    private final Scope scope;
    private final Function<String, Snapshot> latest;
    private final Consumer<Target> recheck;
    private final Rollouts rollouts;
    private final RolloutNotices notices;
    /** The time each held target is to be asked again at, while a timer for it is pending (one per instant). */
    private final Map<String, Instant> timedRechecks = new ConcurrentHashMap<>();
    /** Whether held targets are to be asked again shortly (another target's state changed). */
    private final AtomicBoolean recheckQueued = new AtomicBoolean();

    /**
     * @param latest    a source's newest fetched snapshot, by source name (null: not fetched yet)
     * @param decisions where operators' resumes and aborts, and what was told of each rollout, are kept
     * @param announce  logs a notice, records it as an Event and sends it on
     * @param recheck   asks the gates again for a held target, on the fleet's context
     */
    RolloutControl(Vertx vertx, LiveFleet live, StatusBoard board, Metrics metrics, Clock clock, Workers workers,
                   Scope scope, Function<String, Snapshot> latest, Ledger decisions,
                   BiConsumer<Target, Notice> announce, Consumer<Target> recheck) {
        this.vertx = vertx;
        this.live = live;
        this.board = board;
        this.metrics = metrics;
        this.clock = clock;
        this.workers = workers;
        this.scope = scope;
        this.latest = latest;
        this.recheck = recheck;
        this.rollouts = new Rollouts(decisions);
        this.notices = new RolloutNotices(decisions, metrics, announce);
        // a decision made through another replica: the held targets of its release are asked again here
        decisions.onChange(this::recheckHeld);
    }

    /** Only the sync windows: whether an operator's sync of the target may write now. */
    Gate window(Target target) {
        return gate(target, "", true);
    }

    /**
     * What the gates say about the target taking {@code commit} (null: none, the fetch failed) now; a target a gate
     * holds, or held until now, exports which gate (one no gate ever held exports no series).
     *
     * @param pinned whether an operator pinned the target to the commit (it meets the windows only)
     */
    Gate admit(Target target, String commit, boolean pinned) {
        Gate gate = commit == null ? Gate.OPEN : gate(target, commit, pinned);
        boolean wasHeld = gate.open() && rollouts.released(target);
        if (!gate.open() || wasHeld) {
            metrics.waiting(target.cluster().name(), target.release().name(),
                    gate.open() ? null : gate.kind().name().toLowerCase(Locale.ROOT));
        }
        return gate;
    }

    private Gate gate(Target target, String commit, boolean manual) {
        return rollouts.gate(target, commit, manual, clock.instant(), live, board, this::newestCommit);
    }

    /** The newest fetched commit of a release's source (null: none yet). */
    private String newestCommit(String release) {
        return live.ofRelease(release).stream().findFirst().map(t -> latest.apply(t.release().source()))
                .map(Snapshot::commit).orElse(null);
    }

    /** The rollout plans of these targets' releases at {@code commit}, as the gates would meet them now. */
    List<Gates.Plan> plans(String commit, List<Target> targets) {
        Instant now = clock.instant();
        return Gates.plan(commit, targets, t -> rollouts.facts(t, commit, false, now, live, board,
                this::newestCommit));
    }

    /**
     * A gate holds the target's newer commit: it is asked again when another target's state changes, and at the
     * gate's time when only time holds it (a window's end, a wave's healthyFor).
     */
    void hold(Target target, String commit, Gate gate) {
        rollouts.held(target, commit, gate);
        Instant at = gate.recheckAt();
        // asked again for every other target's change, a held target keeps one timer for the same instant
        if (at != null && !at.equals(timedRechecks.put(target.id(), at))) {
            long delay = Math.max(1, Duration.between(clock.instant(), at).toMillis() + 1);
            vertx.setTimer(delay, id -> {
                timedRechecks.remove(target.id(), at);
                recheck.accept(target);
            });
        }
    }

    /** What holds the target now, or null. */
    Rollouts.Held heldAs(String id) {
        return rollouts.heldAs(id);
    }

    /** A status of a target held here was published ({@code changed}: its state, revision, error or health). */
    void observed(TargetStatus before, TargetStatus s, boolean changed) {
        rollouts.observe(s, clock.instant());
        if (changed) {
            recheckHeld();
        }
        if (changed || s.syncState() == SyncState.Waiting && !s.summary().equals(before.summary())) {
            releaseChanged(s.release()); // a gate that holds it for another reason: a wave waits, or halted
        }
    }

    /** Another replica shared a status of a target of the release: a wave held here may wait for it. */
    void observedPeer(String release, TargetStatus peer) {
        if (peer != null) {
            rollouts.observe(peer, clock.instant());
        }
        recheckHeld();
        releaseChanged(release);
    }

    /** Another target's state changed: the held targets are asked again, once for a burst of changes. */
    private void recheckHeld() {
        if (rollouts.heldTargets().isEmpty() || !recheckQueued.compareAndSet(false, true)) {
            return;
        }
        vertx.setTimer(LiveChanges.DEBOUNCE.toMillis(), id -> {
            recheckQueued.set(false);
            rollouts.heldTargets().forEach(recheck);
        });
    }

    private void recheckHeld(String release) {
        rollouts.heldTargets().stream().filter(t -> t.release().name().equals(release)).forEach(recheck);
    }

    /**
     * A target of the release changed: where its rollout stands is looked at again, by the replica that holds its
     * first target, which tells of a start, a halt or the end (see {@link RolloutNotices}).
     */
    private void releaseChanged(String release) {
        Target first = live.ofRelease(release).stream().findFirst().orElse(null);
        if (scope.stopping() || first == null || first.release().delivery().waves().isEmpty() || !scope.mine(first)) {
            return;
        }
        workers.run(() -> {
            Snapshot snapshot = latest.apply(first.release().source());
            if (snapshot != null && scope.current(first)) {
                notices.observe(() -> rollouts.status(release, snapshot.commit(), live, board), first,
                        clock.instant());
            }
            return null;
        });
    }

    /** Shows, resumes or aborts a release's rollout of its source's newest commit. */
    void handle(Message<JsonObject> msg) {
        String release = msg.body().getString("release");
        if (live.ofRelease(release).isEmpty()) {
            msg.fail(404, "no such release '" + release + "'");
            return;
        }
        String commit = newestCommit(release);
        String action = msg.body().getString("action", "status");
        if (action.equals("status")) {
            msg.reply(JsonObject.mapFrom(rollouts.status(release, commit, live, board)));
            return;
        }
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
            recheckHeld(release);
            msg.reply(JsonObject.mapFrom(rollouts.status(release, commit, live, board)));
        });
    }
}
