package io.driftless.fleet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.driftless.notify.Notice;

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
    public static List<Notice> between(TargetStatus before, TargetStatus after, String result, boolean applied,
                                       List<String> blockedPrunes, Instant at) {
        List<Notice> out = new ArrayList<>();
        boolean wasFailing = "Failed".equals(before.syncState());
        boolean errorChanged = !Objects.equals(before.lastError(), after.lastError());
        if ("refused".equals(result) && (!wasFailing || errorChanged)) {
            out.add(notice("SyncRefused", after, "sync refused, nothing written: " + after.lastError(), List.of(), at));
        } else if ("failure".equals(result) && (!wasFailing || errorChanged)) {
            out.add(notice("SyncFailed", after, "sync failed: " + after.lastError(), List.of(), at));
        } else if ("success".equals(result) && wasFailing) {
            out.add(notice("SyncRecovered", after, "sync succeeds again: " + after.summary(), List.of(), at));
        }
        // drift: the live state moved away from a commit that was applied and has not changed since
        boolean sameCommit = before.revision() != null && before.revision().equals(after.attemptedRevision());
        if (sameCommit && applied && "Synced".equals(before.syncState())) {
            out.add(notice("DriftDetected", after, after.changes().size() + " object(s) differed from Git",
                    after.changes(), at));
            if ("Synced".equals(after.syncState())) {
                out.add(notice("DriftResolved", after, "re-applied by selfHeal", List.of(), at));
            }
        } else if (sameCommit && !applied && after.outOfSync() > 0 && before.outOfSync() == 0) {
            out.add(notice("DriftDetected", after, after.outOfSync() + " object(s) differ from Git", after.drift(), at));
        } else if ("OutOfSync".equals(before.syncState()) && "Synced".equals(after.syncState())) {
            out.add(notice("DriftResolved", after, "live state matches Git again", List.of(), at));
        }
        if (!blockedPrunes.isEmpty()) {
            out.add(notice("PruneBlocked", after, blockedPrunes.size() + " object(s) no longer rendered were kept",
                    blockedPrunes, at));
        }
        if (applied) {
            out.add(notice("Synced", after, after.summary(), after.changes(), at));
        }
        return out;
    }

    private static Notice notice(String type, TargetStatus s, String message, List<String> details, Instant at) {
        return new Notice(type, s.cluster(), s.release(), s.namespace(), s.attemptedRevision(), message,
                List.copyOf(details), at);
    }
}
