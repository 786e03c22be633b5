package io.driftless.reconcile;

import java.util.List;
import java.util.Map;

import io.driftless.diff.FieldDrift;
import io.driftless.health.Owned;
import io.driftless.model.ObjectRef;

/**
 * Every object a target manages at a commit, as the object views show them: its sync state against that commit,
 * its health, what it owns in the cluster, and (for one object) its desired and live manifests and the fields that
 * differ. Values are as users may see them: Secret data and credentials redacted.
 *
 * @param error     why the objects cannot be shown (values, render or cluster error), or null
 * @param unwatched kinds of owned objects the cluster would not let Driftless watch (the trees lack them)
 */
public record ObjectsReport(String cluster, String release, String revision, String error, List<String> unwatched,
                            List<ObjectState> objects) {

    /** How an object stands against Git. */
    public enum State {
        /** Live equals desired, ignore rules applied. */
        Synced,
        /** A field differs ({@code drift} says which). */
        OutOfSync,
        /** Rendered, not in the cluster. */
        Missing,
        /** No longer rendered: a sync prunes it. */
        WouldPrune,
        /** No longer rendered, kept by a safety rule ({@code reason}). */
        Kept
    }

    /**
     * One managed object.
     *
     * @param health       Healthy, Progressing, Degraded or Missing; null for an object no longer rendered
     * @param healthDetail why it is not healthy, or null
     * @param reason       why it is kept or blocked, or null
     * @param drift        the differing fields (each with its last writer); null in a list of objects
     * @param owned        what it owns in the cluster, as a tree
     * @param desired      the object as rendered and stamped, for one object only
     * @param live         the live object (managed fields left out: see {@code managers}), for one object only
     * @param managers     who wrote the live object, for one object only
     */
    public record ObjectState(ObjectRef ref, State state, String health, String healthDetail, String reason,
                              int driftCount, List<FieldDrift> drift, List<Owned.Node> owned,
                              Map<String, Object> desired, Map<String, Object> live,
                              List<FieldDrift.Writer> managers) {
    }
}
