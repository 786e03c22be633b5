package io.driftless.status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.driftless.config.NoticeType;

/**
 * Which notices a sync causes, from the target's status before and after it. Transitions only: a drift
 * that persists, or a failure that repeats with the same error, is told once.
 */
public final class Notices {

    private Notices() {
    }

    /**
     * @param result        success, failure or refused
     * @param applied       whether the sync wrote to the cluster
     * @param blockedPrunes objects no longer rendered that a safety rule kept, one line each
     */
    public static List<Notice> between(TargetStatus before, TargetStatus after, SyncResult result, boolean applied,
                                       List<String> blockedPrunes, Instant at) {
        List<Notice> out = new ArrayList<>();
        boolean wasFailing = before.syncState() == SyncState.Failed;
        boolean errorChanged = !Objects.equals(before.lastError(), after.lastError());
        if (result == SyncResult.REFUSED && (!wasFailing || errorChanged)) {
            out.add(notice(NoticeType.SyncRefused, after, "sync refused, nothing written: " + after.lastError(), List.of(), at));
        } else if (result == SyncResult.FAILURE && (!wasFailing || errorChanged)) {
            out.add(notice(NoticeType.SyncFailed, after, "sync failed: " + after.lastError(), after.changeLines(), at));
        } else if (result == SyncResult.SUCCESS && wasFailing) {
            out.add(notice(NoticeType.SyncRecovered, after, "sync succeeds again: " + after.summary(), List.of(), at));
        }
        // drift: the live state moved away from a commit that was applied and has not changed since
        boolean sameCommit = before.revision() != null && before.revision().equals(after.attemptedRevision());
        if (sameCommit && applied && before.syncState() == SyncState.Synced) {
            out.add(notice(NoticeType.DriftDetected, after, after.changes().size() + " object(s) differed from Git",
                    after.changeLines(), at));
            if (after.syncState() == SyncState.Synced) {
                out.add(notice(NoticeType.DriftResolved, after, "re-applied by selfHeal", List.of(), at));
            }
        } else if (sameCommit && !applied && after.outOfSync() > 0 && before.outOfSync() == 0) {
            out.add(notice(NoticeType.DriftDetected, after, after.outOfSync() + " object(s) differ from Git", after.driftLines(), at));
        } else if (before.syncState() == SyncState.OutOfSync && after.syncState() == SyncState.Synced) {
            out.add(notice(NoticeType.DriftResolved, after, "live state matches Git again", List.of(), at));
        }
        if (!blockedPrunes.isEmpty()) {
            out.add(notice(NoticeType.PruneBlocked, after, blockedPrunes.size() + " object(s) no longer rendered were kept",
                    blockedPrunes, at));
        }
        if (applied && result == SyncResult.SUCCESS) { // a failed apply is a SyncFailed (with what it changed)
            out.add(notice(NoticeType.Synced, after, after.summary(), after.changeLines(), at));
        }
        return out;
    }

    private static Notice notice(NoticeType type, TargetStatus s, String message, List<String> details, Instant at) {
        return new Notice(type, s.cluster(), s.release(), s.namespace(), s.attemptedRevision(), message,
                List.copyOf(details), at);
    }
}
