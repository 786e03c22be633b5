package io.driftless.fleet;

import java.time.Instant;
import java.util.List;

/**
 * What the status API shows for one target.
 *
 * @param syncState  Unknown (not synced yet), Synced, OutOfSync (drift, not applied), Failed
 * @param revision   the commit last applied successfully
 * @param lastError  why the last attempt failed (located: file:line, object, source), or null
 * @param changes    the last ChangeSet, one line per object that was not unchanged
 * @param health     Unknown, Healthy, Progressing, Degraded or Missing (the worst object's, as last read)
 * @param healthDetails one line per object that is not healthy, with what it means for users when known
 */
public record TargetStatus(String cluster, String release, String namespace, String source, String syncState,
                           String revision, String attemptedRevision, Instant lastSync, Instant lastSuccess,
                           long outOfSync, String summary, String lastError, List<String> warnings,
                           List<String> changes, List<String> drift, String health, List<String> healthDetails) {

    public static TargetStatus initial(String cluster, String release, String namespace, String source) {
        return new TargetStatus(cluster, release, namespace, source, "Unknown", null, null, null, null, 0, null,
                null, List.of(), List.of(), List.of(), "Unknown", List.of());
    }
}
