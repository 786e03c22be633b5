package io.driftless.plan;

/** What a plan intends to do with one object. */
public enum Action {
    CREATE,
    UPDATE,
    /** Delete and create again: a hook that changed (its spec is immutable; Helm's before-hook-creation). */
    RECREATE,
    UNCHANGED,
    PRUNE,
    /** Left alone on purpose (not owned, prune disabled, blocked by a safety rule); the reason says why. */
    SKIP
}
