package io.driftless.fleet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.driftless.config.Delivery;
import io.driftless.config.Target;
import io.driftless.rollout.Gate;
import io.driftless.rollout.Gates;
import io.driftless.status.Ledger;
import io.driftless.status.StatusBoard;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;

/**
 * The running fleet as the rollout gates see it: since when each target has been Healthy, and which targets a gate
 * holds (asked again when another target's state changes, or when the gate's time comes).
 */
final class Rollouts {

    private final Map<String, Instant> healthySince = new ConcurrentHashMap<>();
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    /** The commit each target was let through to, until its status shows it tried it. */
    private final Map<String, String> started = new ConcurrentHashMap<>();
    /**
     * What operators decided about each release's rollout, by release: {@code resumed COMMIT} (past a halt) or
     * {@code aborted COMMIT}, kept where every replica sees it.
     */
    private final Ledger decisions;

    Rollouts(Ledger decisions) {
        this.decisions = decisions;
    }

    /**
     * An operator resumes ({@code resumed}: Degraded or failing targets no longer halt it) or aborts
     * ({@code aborted}: targets not reached keep what they have) the release's rollout of {@code commit}. The
     * ledger may write: on a worker.
     */
    void decide(String release, String decision, String commit) {
        decisions.put(release, decision + " " + commit);
    }

    private boolean decided(String release, String decision, String commit) {
        return commit != null && decisions.get(release).filter((decision + " " + commit)::equals).isPresent();
    }

    /** Notes a target's status: its health's start when it became Healthy, and that it tried the commit it got. */
    void observe(TargetStatus s, Instant now) {
        String id = s.id();
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
        Gate gate = Gates.evaluate(facts(target, commit, manual, now, live, board, commitOfRelease));
        if (gate.open() && !manual && !commit.equals(board.get(target.id()).revision())) {
            started.put(target.id(), commit);
        }
        return gate;
    }

    /** What the gates know when the target would take {@code commit} now. */
    Gates.Facts facts(Target target, String commit, boolean manual, Instant now, LiveFleet live, StatusBoard board,
                      Function<String, String> commitOfRelease) {
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
        String release = target.release().name();
        return new Gates.Facts(target, commit, manual, now, live.get().syncWindows(), live.targets(), peers,
                commitOfRelease, decided(release, "resumed", commit), decided(release, "aborted", commit));
    }

    /** A target a gate holds: the commit it holds back, and why. */
    record Held(Target target, String commit, Gate gate) {
    }

    void held(Target target, String commit, Gate gate) {
        held.put(target.id(), new Held(target, commit, gate));
    }

    /** @return whether a gate held it until now */
    boolean released(Target target) {
        return held.remove(target.id()) != null;
    }

    /** What holds the target now, or null. */
    Held heldAs(String id) {
        return held.get(id);
    }

    /** The targets a gate holds now. */
    List<Target> heldTargets() {
        return held.values().stream().map(Held::target).toList();
    }

    /**
     * Where a release's rollout of a commit stands.
     *
     * @param state Complete (every target Synced and Healthy at it), Aborted, Halted or Progressing
     * @param resumed whether an operator resumed it past a halt
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record View(String release, String commit, String state, boolean resumed, List<Wave> waves) {

        /** The wave a target that is neither done nor held is in, or the first not done; -1 when all are. */
        int current() {
            for (int i = 0; i < waves.size(); i++) {
                if (!waves.get(i).done()) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** @param done whether every target of the wave is Synced and Healthy at the commit */
    record Wave(String name, boolean done, List<Member> targets) {
    }

    /** @param waiting why a gate holds it (null: none does) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Member(String target, String syncState, String revision, String health, String waiting) {
    }

    /** Where the release's rollout of {@code commit} (null: not fetched yet) stands, wave by wave. */
    View status(String release, String commit, LiveFleet live, StatusBoard board) {
        List<Target> targets = live.ofRelease(release);
        Delivery delivery = targets.get(0).release().delivery();
        List<String> names = delivery.waves().isEmpty() ? List.of("all")
                : delivery.waves().stream().map(Delivery.Wave::name).toList();
        List<Wave> waves = new ArrayList<>();
        boolean halted = false;
        for (int i = 0; i < names.size(); i++) {
            List<Member> members = new ArrayList<>();
            boolean done = true;
            for (Target t : targets) {
                if (Math.max(0, delivery.waveOf(t.cluster())) != i) {
                    continue;
                }
                TargetStatus s = board.get(t.id());
                String waiting = s.syncState() == SyncState.Waiting ? s.summary() : null;
                halted |= waiting != null && waiting.contains("halted");
                done &= commit != null && commit.equals(s.revision()) && s.syncState() == SyncState.Synced
                        && "Healthy".equals(s.health());
                members.add(new Member(t.id(), s.syncState().name(), s.revision(), s.health(), waiting));
            }
            waves.add(new Wave(names.get(i), done, members));
        }
        boolean complete = waves.stream().allMatch(Wave::done);
        boolean resumed = decided(release, "resumed", commit);
        return new View(release, commit, complete ? "Complete" : decided(release, "aborted", commit) ? "Aborted"
                : halted && !resumed ? "Halted" : "Progressing", resumed, waves); // a resumed halt shows until asked
    }
}
