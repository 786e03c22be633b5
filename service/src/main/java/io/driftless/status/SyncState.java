package io.driftless.status;

/** Where a target stands against Git after its last sync or compare. */
public enum SyncState {
    /** Not attempted yet. */
    Unknown,
    /** The live state matches the applied commit. */
    Synced,
    /** Some objects differ from Git (shown as drift). */
    OutOfSync,
    /** The last attempt failed or was refused; its error says why, and the last good state stays applied. */
    Failed,
    /**
     * A newer commit waits for a gate (a sync window, a release it depends on, its rollout wave, a halted
     * rollout); the summary says which. The commit applied stays applied (drift is shown, not healed, meanwhile).
     */
    Waiting
}
