package io.driftless.plan;

/** What a plan intends to do with one object. */
public enum Action {
    CREATE,
    UPDATE,
    /**
     * Delete and create again: a hook that changed (Helm's before-hook-creation), or an immutable field
     * that changed when the release allows recreation.
     */
    RECREATE,
    /** Out of sync but cannot be applied as planned (an immutable field changed); reported as a failure. */
    BLOCKED,
    UNCHANGED,
    PRUNE,
    /** Left alone on purpose (not owned, prune disabled, blocked by a safety rule); the reason says why. */
    SKIP
}
