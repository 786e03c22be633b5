package io.driftless.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.driftless.config.Target;
import io.driftless.rollout.Gate;
import io.driftless.rollout.Gates;
import io.driftless.status.StatusBoard;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;

/**
 * The running fleet as the rollout gates see it: since when each target has been Healthy, and which targets a gate
 * holds (asked again when another target's state changes, or when the gate's time comes).
 */
final class Rollouts {

    private final Map<String, Instant> healthySince = new ConcurrentHashMap<>();
    private final Map<String, Target> held = new ConcurrentHashMap<>();
    /** The commit each target was let through to, until its status shows it tried it. */
    private final Map<String, String> started = new ConcurrentHashMap<>();

    /** Notes a target's status: its health's start when it became Healthy, and that it tried the commit it got. */
    void observe(TargetStatus s, Instant now) {
        String id = s.cluster() + "/" + s.release();
        if ("Healthy".equals(s.health())) {
            healthySince.putIfAbsent(id, now);
        } else {
            healthySince.remove(id);
        }
        started.computeIfPresent(id, (k, commit) -> commit.equals(s.attemptedRevision()) ? null : commit);
    }

    /**
     * What the gates say about the target taking {@code commit} now. One decision at a time: a target let
     * through counts as on its way at once, before its sync records it, so two targets of a wave asked together
     * do not both take its last place.
     */
    synchronized Gate gate(Target target, String commit, boolean manual, Instant now, LiveFleet live,
                           StatusBoard board, Function<String, String> commitOfRelease) {
        Function<String, Gates.Peer> peers = id -> {
            TargetStatus s = board.get(id);
            if (s == null) {
                return null;
            }
            if ("Healthy".equals(s.health())) {
                healthySince.putIfAbsent(id, now); // Healthy before this replica saw it change: from now on
            }
            return new Gates.Peer(s.revision(), started.getOrDefault(id, s.attemptedRevision()),
                    (s.syncState() == SyncState.Synced || s.syncState() == SyncState.Waiting) && !s.failing(),
                    s.failing(), s.health(), healthySince.get(id), s.healthDetails());
        };
        Gate gate = Gates.evaluate(new Gates.Facts(target, commit, manual, now, live.get().syncWindows(),
                live.targets(), peers, commitOfRelease, false));
        if (gate.open() && !manual && !commit.equals(board.get(target.id()).revision())) {
            started.put(target.id(), commit);
        }
        return gate;
    }

    void held(Target target) {
        held.put(target.id(), target);
    }

    void released(Target target) {
        held.remove(target.id());
    }

    /** The targets a gate holds now. */
    List<Target> heldTargets() {
        return List.copyOf(held.values());
    }
}
