package io.driftless.rollout;

import java.time.Instant;

/**
 * What the rollout gates say about a target's new commit.
 *
 * @param reason    why it waits, naming the window, dependency or targets that hold it (null when open)
 * @param recheckAt when only time holds it: the moment to look again (a window's end, a wave's healthyFor); null
 *                  when a change of another target's state is what can open it
 */
public record Gate(Kind kind, String reason, Instant recheckAt) {

    public enum Kind {
        /** Nothing holds it: sync. */
        OPEN,
        /** A sync window keeps it away now. */
        WINDOW,
        /** A release it depends on is not Synced and Healthy yet. */
        DEPENDENCY,
        /** Its wave has not started, or is full. */
        WAVE,
        /** A target of the rollout is Degraded or failing: an operator resumes it, or a newer commit restarts it. */
        HALTED
    }

    public static final Gate OPEN = new Gate(Kind.OPEN, null, null);

    public boolean open() {
        return kind == Kind.OPEN;
    }
}
