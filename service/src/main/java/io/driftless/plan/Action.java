package io.driftless.plan;

/** What a plan intends to do with one object. */
public enum Action {
    CREATE,
    UPDATE,
    UNCHANGED,
    PRUNE,
    /** Left alone on purpose (not owned, prune disabled, blocked by a safety rule); the reason says why. */
    SKIP
}
