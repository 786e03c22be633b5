package io.driftless.status;

import java.time.Instant;
import java.util.List;

/**
 * What the status API shows for one target.
 *
 * @param syncState  Unknown (not synced yet), Synced, OutOfSync (drift, not applied), Failed, Waiting (a newer
 *                   commit held by a gate; {@code summary} says which)
 * @param revision   the commit last applied successfully
 * @param failure    why the last attempt failed: its stage and its message (located: file:line, object, source), or
 *                   null
 * @param changes    the last ChangeSet, one line per object that was not unchanged
 * @param health     Unknown, Healthy, Progressing, Degraded or Missing (the worst object's, as last read)
 * @param healthDetails one line per object that is not healthy, with what it means for users when known
 * @param history  the most recent syncs that wrote, failed or changed the target's state, newest first
 */
public record TargetStatus(String cluster, String release, String namespace, String source, SyncState syncState,
                           String revision, String attemptedRevision, Instant lastSync, Instant lastSuccess,
                           long outOfSync, String summary, Failure failure, List<String> warnings,
                           List<io.driftless.apply.ChangeSet.Entry> changes, List<Drift> drift, String health,
                           List<String> healthDetails,
                           List<SyncRecord> history) {

    /** The message of the last attempt's failure, or null when it did not fail. */
    /** {@code CLUSTER/RELEASE}. */
    public String id() {
        return io.driftless.config.TargetId.of(cluster, release);
    }

    public String lastError() {
        return failure == null ? null : failure.message();
    }

    /** Whether the last attempt failed (or was refused). */
    public boolean failing() {
        return failure != null;
    }

    /** How many syncs {@code history} keeps. */
    public static final int HISTORY = 20;

    /**
     * One sync in a target's history.
     *
     * @param author  who made the commit, or null when not known
     * @param message the first line of the commit's message, or null when not known
     * @param changes what the sync changed, one line per object (at most {@link #CHANGES} lines)
     */
    public record SyncRecord(Instant at, String revision, SyncResult result, SyncState syncState, String summary,
                             String error, String author, String message, List<String> changes) {

        public SyncRecord(Instant at, String revision, SyncResult result, SyncState syncState, String summary,
                          String error) {
            this(at, revision, result, syncState, summary, error, null, null, List.of());
        }
    }

    /** How many change lines a history record keeps. */
    public static final int CHANGES = 20;

    /** The last apply's changes as the lines logs and notifications show. */
    public List<String> changeLines() {
        return changes.stream().map(Object::toString).toList();
    }

    /** The drift as the lines logs and notifications show. */
    public List<String> driftLines() {
        return drift.stream().map(Object::toString).toList();
    }

    /** The same status with another health (a status change of a live object, no sync). */
    public TargetStatus withHealth(String newHealth, List<String> details) {
        return new TargetStatus(cluster, release, namespace, source, syncState, revision, attemptedRevision, lastSync,
                lastSuccess, outOfSync, summary, failure, warnings, changes, drift, newHealth, List.copyOf(details),
                history);
    }

    /**
     * The same status at a later commit that renders what this one did (see {@code TargetSyncer#advance}): applied
     * and attempted now, with nothing else to say, so the history is left as it is.
     */
    /** The same status with these warnings (a verification that ended after the sync). */
    public TargetStatus withWarnings(List<String> w) {
        return new TargetStatus(cluster, release, namespace, source, syncState, revision, attemptedRevision, lastSync,
                lastSuccess, outOfSync, summary, failure, List.copyOf(w), changes, drift, health, healthDetails,
                history);
    }

    public TargetStatus advancedTo(String commit, Instant at) {
        return new TargetStatus(cluster, release, namespace, source, syncState, commit, commit, at, at, outOfSync,
                summary, failure, warnings, changes, drift, health, healthDetails, history);
    }

    /** The same status with a newer commit held by a gate: the commit applied stays, the summary names the gate. */
    public TargetStatus waiting(String commit, String reason) {
        return new TargetStatus(cluster, release, namespace, source, SyncState.Waiting, revision, attemptedRevision,
                lastSync, lastSuccess, outOfSync, "commit " + commit.substring(0, Math.min(12, commit.length()))
                + " waits: " + reason, failure, warnings, changes, drift, health, healthDetails, history);
    }

    public static TargetStatus initial(String cluster, String release, String namespace, String source) {
        return new TargetStatus(cluster, release, namespace, source, SyncState.Unknown, null, null, null, null, 0, null,
                null, List.of(), List.of(), List.of(), "Unknown", List.of(), List.of());
    }

    /** This status with the sync that led to it recorded, when it wrote, failed or changed the state. */
    public TargetStatus recording(TargetStatus before, SyncResult result, boolean applied) {
        return recording(before, result, applied, null, null);
    }

    /** As {@link #recording(TargetStatus, SyncResult, boolean)}, with the commit's author and message. */
    public TargetStatus recording(TargetStatus before, SyncResult result, boolean applied, String author,
                                  String message) {
        boolean notable = applied || result != SyncResult.SUCCESS || syncState != before.syncState()
                || !java.util.Objects.equals(attemptedRevision, before.attemptedRevision());
        if (!notable) {
            return withHistory(before.history());
        }
        List<SyncRecord> next = new java.util.ArrayList<>();
        List<String> changed = applied ? changeLines() : List.of();
        next.add(new SyncRecord(lastSync, attemptedRevision, result, syncState, summary, lastError(), author, message,
                changed.size() > CHANGES ? List.copyOf(changed.subList(0, CHANGES)) : changed));
        next.addAll(before.history().subList(0, Math.min(before.history().size(), HISTORY - 1)));
        return withHistory(List.copyOf(next));
    }

    /** The same status with this history (newest first). */
    public TargetStatus withHistory(List<SyncRecord> h) {
        return new TargetStatus(cluster, release, namespace, source, syncState, revision, attemptedRevision, lastSync,
                lastSuccess, outOfSync, summary, failure, warnings, changes, drift, health, healthDetails, h);
    }
}
