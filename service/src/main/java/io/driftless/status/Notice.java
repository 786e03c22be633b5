package io.driftless.status;

import io.driftless.config.TargetId;
import java.time.Instant;
import java.util.List;

import io.driftless.config.NoticeType;

/**
 * Something about a target that people want to hear of. Built from a sync's outcome; Kubernetes Events,
 * outbound notifications and logs are all made from it. Never carries a secret value: drift lines are
 * already redacted.
 *
 * @param type     DriftDetected, DriftResolved, SyncFailed, SyncRecovered, SyncRefused, PruneBlocked or Synced
 * @param revision the commit the sync was about, or null when none was fetched
 * @param details  one line per object or field concerned
 */
public record Notice(NoticeType type, String cluster, String release, String namespace, String revision,
                     String message, List<String> details, Instant at) {

    /** A type that reports a problem (a Warning Event, a firing alert). */
    public boolean warning() {
        return type.warning();
    }

    /** The problem a resolving type ends (for Alertmanager), or null. */
    public NoticeType resolves() {
        return type.resolves();
    }

    public String target() {
        return TargetId.of(cluster, release);
    }
}
