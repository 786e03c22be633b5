package io.driftless.fleet;

import io.driftless.rollout.Gate;

/**
 * What a target needs after a fetch of its source or a change seen in its cluster, and why: the rules that keep a
 * quiet fleet quiet and a changed one converging. Pure: the facts in, the decision out. Rollout gates (windows,
 * dependencies, waves) are further reasons to decide {@link Kind#WAIT} ({@link #gated}).
 */
public record SyncDecision(Kind kind, String reason) {

    public enum Kind {
        /** Skip it: suspended, left the fleet, or another replica's. */
        SKIP,
        /** Nothing changed in Git or in the cluster: no render, no API call. */
        NONE,
        /** A new commit that may leave the target alone: move to it without a sync when its render carries over. */
        ADVANCE,
        /** Apply the commit. */
        SYNC,
        /** Compare with the cluster (and heal the drift found, when the release self-heals and its budget allows). */
        COMPARE,
        /** Write the drift a compare found back (selfHeal). */
        HEAL,
        /** Not now: a rollout gate holds a new commit, or a self-heal that keeps being undone waits out its budget. */
        WAIT
    }

    /**
     * What is known of a target when its source was fetched.
     *
     * @param current     whether it is still in the running fleet as it was when the work was queued
     * @param suspended   whether an operator suspended it
     * @param newCommit   whether the fetched commit differs from the one applied
     * @param changedLive whether an owned object changed in the cluster since its last sync
     * @param drifted     whether its last sync left objects out of sync
     * @param selfHeal    whether its release heals drift
     * @param failing     whether its last attempt failed
     * @param covered     whether the watches answer every read of it (else a quiet poll must still look)
     */
    public record Facts(boolean current, boolean suspended, boolean newCommit, boolean changedLive, boolean drifted,
                        boolean selfHeal, boolean failing, boolean covered) {
    }

    /** After a fetch of the target's source. */
    public static SyncDecision afterFetch(Facts f) {
        if (!f.current()) {
            return new SyncDecision(Kind.SKIP, "left the fleet, or changed while this waited");
        }
        if (f.suspended()) {
            return new SyncDecision(Kind.SKIP, "suspended");
        }
        boolean healing = f.selfHeal() && f.drifted();
        if (!f.newCommit() && !f.changedLive() && !healing && !f.failing() && f.covered()) {
            return new SyncDecision(Kind.NONE, "nothing changed in Git or in the cluster");
        }
        if (f.newCommit() && !f.changedLive() && !f.drifted() && f.covered()) {
            return new SyncDecision(Kind.ADVANCE, "a new commit; its inputs may be unchanged");
        }
        return f.newCommit() ? new SyncDecision(Kind.SYNC, "a new commit")
                : new SyncDecision(Kind.COMPARE, f.failing() ? "retrying the last attempt" : f.changedLive()
                ? "an owned object changed" : healing ? "drift to heal" : "the watches do not cover it");
    }

    /**
     * A new commit (to sync or to advance to) meets the rollout gates: one that holds it makes the decision
     * {@link Kind#WAIT}, with the gate's reason. Any other decision is left as it is (a heal of the commit applied
     * is no rollout).
     */
    public static SyncDecision gated(SyncDecision decided, Gate gate) {
        boolean newCommit = decided.kind() == Kind.SYNC || decided.kind() == Kind.ADVANCE;
        return newCommit && !gate.open() ? new SyncDecision(Kind.WAIT, gate.reason()) : decided;
    }

    /**
     * After a compare found the target's state.
     *
     * @param budget whether the target's heal budget allows a heal now
     */
    public static SyncDecision afterCompare(boolean selfHeal, boolean drifted, boolean failing, boolean budget) {
        if (!selfHeal || !drifted || failing) {
            return new SyncDecision(Kind.NONE, !selfHeal ? "drift is reported, not healed (selfHeal is off)"
                    : failing ? "the compare failed" : "in sync");
        }
        return budget ? new SyncDecision(Kind.HEAL, "selfHeal")
                : new SyncDecision(Kind.WAIT, "the drift keeps coming back: the heal waits out its budget");
    }
}
