package io.driftless.plan;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.driftless.model.ObjectRef;

/**
 * Ordered actions for one target: pre-hooks, then creates and updates by sync wave and kind order, then
 * prunes in the reverse order, then post-hooks. {@code refused} is set when a safety rule stops the whole sync; nothing may be written then.
 */
public record Plan(List<PlannedChange> changes, Refusal refused) {

    /**
     * The inventory to record once this plan is applied: everything desired plus every prune candidate
     * that stays owned by the target but was not pruned (so it is reconsidered next time).
     */
    public Set<ObjectRef> nextInventory(Set<ObjectRef> pruned) {
        Set<ObjectRef> out = new TreeSet<>();
        for (PlannedChange c : changes) {
            if (c.action() == Action.HOOK) {
                continue; // hooks are not release objects
            }
            boolean desired = c.desired() != null;
            boolean retained = !desired && c.stillOwned() && !pruned.contains(c.ref());
            if (desired || retained) {
                out.add(c.ref());
            }
        }
        return out;
    }

    public boolean isRefused() {
        return refused != null;
    }

    public long count(Action action) {
        return changes.stream().filter(c -> c.action() == action).count();
    }

    /** Objects whose live state differs from Git (to create, update or prune). */
    public long outOfSync() {
        return changes.stream().filter(c -> c.action() == Action.CREATE || c.action() == Action.UPDATE
                || c.action() == Action.RECREATE || c.action() == Action.BLOCKED || c.action() == Action.PRUNE).count();
    }
}
