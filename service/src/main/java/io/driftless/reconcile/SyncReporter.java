package io.driftless.reconcile;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.apply.ChangeSet;
import io.driftless.cluster.TargetCluster;
import io.driftless.config.NoticeType;
import io.driftless.config.Target;
import io.driftless.health.Health;
import io.driftless.status.Notice;
import io.driftless.plan.Action;
import io.driftless.plan.Plan;
import io.driftless.plan.PlannedChange;
import io.driftless.plan.PruneBlock;
import io.driftless.plan.Refusal;
import io.driftless.status.Drift;
import io.driftless.status.Failure;
import io.driftless.status.Notices;
import io.driftless.status.StatusBoard;
import io.driftless.status.SyncResult;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.telemetry.Metrics;

/**
 * Everything a sync tells: from the target's status before and the {@link SyncOutcome}, the new status (and its
 * history), the metrics, and the notices of what changed (a log line, a Kubernetes Event, the notification
 * endpoints). The reconcile function decides nothing of this.
 */
public final class SyncReporter {

    private static final Logger LOG = LoggerFactory.getLogger(SyncReporter.class);

    private final StatusBoard board;
    private final Metrics metrics;
    private final Function<Target, TargetCluster> events;
    private final Consumer<Notice> notices;
    private final Clock clock;

    /** @param events where a target's notices are recorded as Kubernetes Events (its cluster) */
    public SyncReporter(StatusBoard board, Metrics metrics, Function<Target, TargetCluster> events,
                        Consumer<Notice> notices, Clock clock) {
        this.board = board;
        this.metrics = metrics;
        this.events = events;
        this.notices = notices;
        this.clock = clock;
    }

    /** Records a sync's outcome; answers the target's new status. */
    public TargetStatus record(SyncOutcome outcome) {
        return record(outcome, null);
    }

    /** @param about the author and subject of the outcome's commit, for its history record (null: not known) */
    public TargetStatus record(SyncOutcome outcome, io.driftless.source.Snapshot.About about) {
        Target target = outcome.target();
        String cluster = target.cluster().name();
        String release = target.release().name();
        Instant now = outcome.finished();
        if (outcome.render() != null) {
            metrics.rendered(outcome.render().engine(), outcome.render().took());
        }
        Failure failure = outcome.failure();
        if (failure != null && (failure.stage() == Failure.Stage.VALUES || failure.stage() == Failure.Stage.RENDER)) {
            metrics.renderFailed(cluster, release);
        }
        metrics.syncFinished(cluster, release, outcome.result().label(), Duration.between(outcome.started(), now));
        Plan plan = outcome.plan();
        ChangeSet changes = outcome.changes();
        boolean applied = outcome.applied();
        boolean ok = failure == null;
        long outOfSync = plan == null ? 0 : !applied ? plan.outOfSync() : changes.interrupted()
                ? Math.max(0, plan.outOfSync() - changes.count(ChangeSet.Outcome.CREATED)
                - changes.count(ChangeSet.Outcome.CONFIGURED) - changes.count(ChangeSet.Outcome.PRUNED))
                : changes.count(ChangeSet.Outcome.FAILED);
        if (plan != null) {
            metrics.outOfSync(cluster, release, outOfSync);
        }
        if (ok) {
            metrics.syncSucceededAt(cluster, release, now.getEpochSecond());
        }
        Health.Report health = outcome.health();
        if (health != null) {
            metrics.health(cluster, release, health.status().name());
        }
        metrics.syncState(cluster, release, ok && outOfSync == 0 && plan != null, now.getEpochSecond());
        if (applied) {
            changes.entries().stream().filter(e -> e.outcome() != ChangeSet.Outcome.UNCHANGED)
                    .forEach(e -> metrics.applied(cluster, release, e.ref().kind(), e.outcome().label()));
        }
        List<String> blockedPrunes = applied ? blockedPrunes(cluster, release, plan) : List.of();
        if (plan != null && plan.isRefused()) {
            if (plan.refused().reason() == Refusal.Reason.EMPTY_RENDER) {
                metrics.pruneBlocked(cluster, release, PruneBlock.EMPTY_RENDER.label());
            }
            plan.refused().objects().forEach(o -> metrics.objectRefused(cluster, release, o.rule().label()));
        }
        TargetStatus before = board.get(target.id());
        board.update(target, old -> next(old, outcome, outOfSync).recording(old, outcome.result(), applied,
                about == null ? null : about.author(), about == null ? null : about.subject()));
        TargetStatus after = board.get(target.id());
        for (Notice notice : Notices.between(before, after, outcome.result(), applied, blockedPrunes, now)) {
            if (notice.type() == NoticeType.DriftDetected) {
                driftedKinds(plan, changes).forEach(kind -> metrics.driftFound(cluster, release, kind));
            }
            announce(target, notice);
        }
        return after;
    }

    /** The status after a sync, from the one before (what the sync did not learn stays as it was). */
    private static TargetStatus next(TargetStatus old, SyncOutcome outcome, long outOfSync) {
        boolean ok = outcome.failure() == null;
        boolean applied = outcome.applied();
        Plan plan = outcome.plan();
        List<ChangeSet.Entry> changeLines = applied ? outcome.changes().entries().stream()
                .filter(e -> e.outcome() != ChangeSet.Outcome.UNCHANGED).toList() : List.of();
        String summary = applied ? outcome.changes().summary() : plan == null ? null
                : plan.outOfSync() + " out of sync, " + plan.count(Action.UNCHANGED) + " in sync";
        SyncState state = !ok ? SyncState.Failed : outOfSync > 0 ? SyncState.OutOfSync : SyncState.Synced;
        Health.Report health = outcome.health();
        return new TargetStatus(old.cluster(), old.release(), old.namespace(), old.source(), state,
                ok && (applied || outOfSync == 0) ? outcome.commit() : old.revision(), outcome.commit(),
                outcome.finished(), ok ? outcome.finished() : old.lastSuccess(), outOfSync,
                summary == null ? old.summary() : summary, outcome.failure(), List.copyOf(outcome.warnings()),
                changeLines.isEmpty() && !applied ? old.changes() : changeLines,
                plan == null || applied ? List.of() : Drift.of(plan),
                health == null ? old.health() : health.status().name(),
                health == null ? old.healthDetails() : health.messages(), old.history());
    }

    /**
     * A commit that renders what is applied (see {@code TargetSyncer#advance}): applied and attempted now, counted
     * as a success, with nothing else to tell.
     */
    public TargetStatus advanced(Target target, String commit) {
        Instant now = clock.instant();
        String cluster = target.cluster().name();
        String release = target.release().name();
        metrics.syncFinished(cluster, release, SyncResult.SUCCESS.label(), Duration.ZERO);
        metrics.syncSucceededAt(cluster, release, now.getEpochSecond());
        metrics.syncState(cluster, release, true, now.getEpochSecond());
        board.update(target, old -> old.advancedTo(commit, now));
        return board.get(target.id());
    }

    /** A newer commit a rollout gate holds: recorded when the gate's reason changed; the applied commit stays. */
    public TargetStatus held(Target target, String commit, String reason) {
        TargetStatus current = board.get(target.id());
        TargetStatus next = current.waiting(commit, reason);
        if (current.syncState() == next.syncState() && next.summary().equals(current.summary())) {
            return current;
        }
        board.update(target, old -> old.waiting(commit, reason));
        LOG.info("target={} waiting commit={} reason=\"{}\"", target.id(), commit.substring(0,
                Math.min(12, commit.length())), reason);
        return board.get(target.id());
    }

    /** A live status changed the target's health (no sync ran): recorded when it differs. */
    public TargetStatus health(Target target, Health.Report report) {
        TargetStatus current = board.get(target.id());
        if (report.status().name().equals(current.health()) && report.messages().equals(current.healthDetails())) {
            return current;
        }
        metrics.health(target.cluster().name(), target.release().name(), report.status().name());
        board.update(target, old -> old.withHealth(report.status().name(), report.messages()));
        LOG.info("target={} health={} (a live status changed)", target.id(), report.status().name());
        return board.get(target.id());
    }

    /** Logs the notice, records it as a Kubernetes Event when the cluster answers, and sends it on. */
    void announce(Target target, Notice notice) {
        String line = "target={} notice={} revision={} message=\"{}\"";
        String revision = notice.revision() == null ? "-" : notice.revision().substring(0, Math.min(12,
                notice.revision().length()));
        if (notice.warning()) {
            LOG.warn(line, target.id(), notice.type(), revision, notice.message());
        } else {
            LOG.info(line, target.id(), notice.type(), revision, notice.message());
        }
        events.apply(target).record(notice);
        notices.accept(notice);
    }

    /** Prunes a safety rule held back, counted by reason; the ones worth telling people about, one line each. */
    private List<String> blockedPrunes(String cluster, String release, Plan plan) {
        List<String> out = new ArrayList<>();
        for (PlannedChange c : plan.changes()) {
            if (c.pruneBlocked() != null) {
                metrics.pruneBlocked(cluster, release, c.pruneBlocked().label());
                if (c.pruneBlocked().worthTelling()) {
                    out.add(c.ref() + " " + c.reason());
                }
            }
        }
        return out;
    }

    private static Set<String> driftedKinds(Plan plan, ChangeSet changes) {
        if (changes != null) {
            return changes.entries().stream().filter(e -> e.outcome() != ChangeSet.Outcome.UNCHANGED
                    && e.outcome() != ChangeSet.Outcome.SKIPPED).map(e -> e.ref().kind()).collect(Collectors.toSet());
        }
        return plan == null ? Set.of() : plan.changes().stream().filter(c -> c.action() != Action.UNCHANGED
                && c.action() != Action.SKIP).map(c -> c.ref().kind()).collect(Collectors.toSet());
    }
}
