package io.driftless.plan;

/** What a plan intends to do with one object. */
public enum Action {
    CREATE,
    UPDATE,
    /** Delete and create again: an immutable field changed and the release allows recreation. */
    RECREATE,
    /**
     * Run a hook: delete the previous run (before-hook-creation), create it, wait until it completes; a
     * failed pre-hook stops the sync before anything else is written. See {@link Hooks}.
     */
    HOOK,
    /** Out of sync but cannot be applied as planned (an immutable field changed); reported as a failure. */
    BLOCKED,
    UNCHANGED,
    PRUNE,
    /** Left alone on purpose (not owned, prune disabled, blocked by a safety rule); the reason says why. */
    SKIP
}
