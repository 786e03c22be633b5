package io.driftless.notify;

import java.time.Instant;
import java.util.List;

/**
 * Something about a target that people want to hear of. Built from a sync's outcome; Kubernetes Events,
 * outbound notifications and logs are all made from it. Never carries a secret value: drift lines are
 * already redacted.
 *
 * @param type     DriftDetected, DriftResolved, SyncFailed, SyncRecovered, SyncRefused, PruneBlocked or Synced
 * @param revision the commit the sync was about, or null when none was fetched
 * @param details  one line per object or field concerned
 */
public record Notice(String type, String cluster, String release, String namespace, String revision,
                     String message, List<String> details, Instant at) {

    /** Types that report a problem (a Warning Event, a firing alert). */
    public boolean warning() {
        return switch (type) {
            case "DriftDetected", "SyncFailed", "SyncRefused", "PruneBlocked" -> true;
            default -> false;
        };
    }

    /** The problem a resolving type ends (for Alertmanager), or null. */
    public String resolves() {
        return switch (type) {
            case "DriftResolved" -> "DriftDetected";
            case "SyncRecovered" -> "SyncFailed";
            default -> null;
        };
    }

    public String target() {
        return cluster + "/" + release;
    }
}
