package io.driftless.plan;

import java.util.Map;

import io.driftless.diff.ObjectDiff;
import io.driftless.model.ObjectRef;

/**
 * One step of a plan.
 *
 * @param desired the object to write (null for prune/skip of an undesired object)
 * @param live    the live object as read (null when it does not exist)
 * @param diff    drift of live from desired (null when there is nothing to compare)
 * @param pruneBlocked why an object no longer rendered is not pruned, else null
 */
public record PlannedChange(ObjectRef ref, Action action, String reason, Map<String, Object> desired,
                            Map<String, Object> live, ObjectDiff diff, boolean stillOwned, PruneBlock pruneBlocked) {

    public PlannedChange(ObjectRef ref, Action action, String reason, Map<String, Object> desired,
                         Map<String, Object> live, ObjectDiff diff) {
        this(ref, action, reason, desired, live, diff, true, null);
    }

    /** An object no longer rendered that stays in the cluster, and why (see {@code pruneBlocked}). */
    static PlannedChange notPruned(ObjectRef ref, String reason, Map<String, Object> live, boolean stillOwned,
                                   PruneBlock pruneBlocked) {
        return new PlannedChange(ref, Action.SKIP, reason, null, live, null, stillOwned, pruneBlocked);
    }
}
