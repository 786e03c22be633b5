package io.driftless.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.driftless.apply.ChangeSet;
import io.driftless.config.Target;
import io.driftless.health.Health;
import io.driftless.plan.Plan;
import io.driftless.status.Failure;
import io.driftless.status.SyncResult;

/**
 * What one reconcile of a target did, as data: the commit, the plan, what the apply changed (null when nothing was
 * written), the health read, the render's warnings and, when it did not succeed, the typed failure. The reporter
 * turns it into status, metrics, notices, Events and the log line.
 *
 * @param render     the render and its time, when one ran (null when the render was cached or never reached)
 */
public record SyncOutcome(Target target, String commit, Instant started, Instant finished, SyncResult result,
                          Plan plan, ChangeSet changes, Health.Report health, List<String> warnings, Failure failure,
                          Render render) {

    /** A render that ran: which engine (a metric label) and how long it took. */
    public record Render(String engine, Duration took) {
    }

    /** Whether anything was written to the cluster. */
    public boolean applied() {
        return changes != null;
    }

    /** An outcome that stopped before the plan: a source, values, render or cluster failure. */
    static SyncOutcome failed(Target target, String commit, Instant started, Instant finished, Failure failure,
                              Render render) {
        return new SyncOutcome(target, commit, started, finished, SyncResult.FAILURE, null, null, null, List.of(),
                failure, render);
    }
}
