package io.driftless.notify;

import java.util.List;

import io.driftless.config.NoticeType;
import io.driftless.status.Notice;

/**
 * The notices of one type about one release's commit, gathered over a notifier's window into one message: "commit
 * 1a2b3c rolled out to 40 of 40 targets", with each target's outcome.
 *
 * @param notices one per target, the latest of each, in the order they came
 * @param targets how many targets the release has, or 0 when not known
 */
public record Digest(NoticeType type, String release, String revision, List<Notice> notices, int targets) {

    /** The one line a digest leads with. */
    public String summary() {
        String commit = revision == null ? "" : " at " + revision.substring(0, Math.min(12, revision.length()));
        String of = targets >= notices.size() ? " of " + targets : "";
        String what = switch (type) {
            case Synced -> "rolled out to " + notices.size() + of + " target(s)";
            case SyncFailed -> "failed on " + notices.size() + of + " target(s)";
            case SyncRecovered -> "recovered on " + notices.size() + of + " target(s)";
            case DriftDetected -> "drifted from Git on " + notices.size() + of + " target(s)";
            case DriftResolved -> "back in sync on " + notices.size() + of + " target(s)";
            default -> notices.size() + of + " target(s)";
        };
        return release + commit + ": " + what;
    }

    /** Whether it reports a problem. */
    public boolean warning() {
        return type.warning();
    }
}
