package io.driftless.status;

import java.util.ArrayList;
import java.util.List;

import io.driftless.diff.FieldDrift;
import io.driftless.model.ObjectRef;
import io.driftless.plan.Plan;
import io.driftless.plan.PlannedChange;

/**
 * One way a target's live state differs from Git: an object missing from the cluster, one that a sync would
 * prune or that a safety rule keeps, or one field of an object (with its desired and live values, Secret and
 * credential values redacted, and its last writer). Text is made only where it is shown.
 *
 * @param field  the differing field, for {@link Kind#FIELD}
 * @param reason why an object no longer rendered is kept, for {@link Kind#KEPT}
 */
public record Drift(ObjectRef object, Kind kind, FieldDrift field, String reason) {

    public enum Kind {
        /** Rendered, not in the cluster. */
        MISSING,
        /** No longer rendered: a sync prunes it. */
        WOULD_PRUNE,
        /** No longer rendered, kept by a safety rule. */
        KEPT,
        /** A field differs. */
        FIELD
    }

    /** What a sync of this plan would change, object by object and field by field. */
    public static List<Drift> of(Plan plan) {
        List<Drift> out = new ArrayList<>();
        for (PlannedChange c : plan.changes()) {
            switch (c.action()) {
                case CREATE -> out.add(new Drift(c.ref(), Kind.MISSING, null, null));
                case PRUNE -> out.add(new Drift(c.ref(), Kind.WOULD_PRUNE, null, null));
                case SKIP -> {
                    if (c.pruneBlocked() != null) {
                        out.add(new Drift(c.ref(), Kind.KEPT, null, c.reason()));
                    }
                }
                case UPDATE, RECREATE, BLOCKED -> c.diff().drifts().forEach(d -> out.add(new Drift(c.ref(), Kind.FIELD,
                        d, null)));
                default -> {
                }
            }
        }
        return out;
    }

    /** The line logs, Events and notifications show. */
    @Override
    public String toString() {
        return object + switch (kind) {
            case MISSING -> " missing from the cluster";
            case WOULD_PRUNE -> " no longer rendered (would be pruned)";
            case KEPT -> " no longer rendered, kept: " + reason;
            case FIELD -> " " + field;
        };
    }
}
