package io.driftless.api;

import java.time.Instant;
import java.util.List;

import io.driftless.apply.ChangeSet;
import io.driftless.diff.FieldDrift;
import io.driftless.status.Drift;
import io.driftless.reconcile.Preview;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.model.ObjectRef;

/**
 * The documented answers of {@code /api/v1} (README, "HTTP API"): built from the service's own types, which
 * stay free to change. Drift and changes are structured so that scripts and the UI can group them by object.
 */
public final class Views {

    private Views() {
    }

    /** A target: where it stands, what its last apply did, how it drifts, its health and recent history. */
    record Target(String cluster, String release, String namespace, String source, SyncState syncState,
                  String revision, String attemptedRevision, Instant lastSync, Instant lastSuccess, long outOfSync,
                  String summary, String lastError, List<String> warnings, List<Change> changes,
                  List<DriftItem> drift, String health, List<String> healthDetails,
                  List<TargetStatus.SyncRecord> history, boolean suspended, List<Window> windows,
                  io.driftless.rollout.Pin pin) {

        /**
         * @param suspended whether an operator suspended it: neither synced nor healed until resumed
         * @param windows   the sync windows that apply to it
         * @param pin       the earlier commit a rollback holds it at (null when none)
         */
        static Target of(TargetStatus s, boolean suspended, List<Window> windows, io.driftless.rollout.Pin pin) {
            return new Target(s.cluster(), s.release(), s.namespace(), s.source(), s.syncState(), s.revision(),
                    s.attemptedRevision(), s.lastSync(), s.lastSuccess(), s.outOfSync(), s.summary(), s.lastError(),
                    s.warnings(), s.changes().stream().map(Change::of).toList(),
                    s.drift().stream().map(DriftItem::of).toList(), s.health(), s.healthDetails(), s.history(),
                    suspended, windows, pin);
        }
    }

    /**
     * A sync window that applies to a target: whether it is open now (until when) and when it opens next.
     *
     * @param kind     allow or deny
     * @param openUntil the end of its opening now, or null when it is closed
     */
    public record Window(String kind, String schedule, String timeZone, String duration, boolean manualSync,
                         Instant openUntil, Instant nextOpening) {

        public static Window of(io.driftless.config.SyncWindow w, Instant now) {
            return new Window(w.kind().name().toLowerCase(java.util.Locale.ROOT), w.schedule(), w.timeZone().getId(),
                    w.duration().toString(), w.manualSync(), w.openSince(now).map(s -> s.plus(w.duration()))
                    .orElse(null), w.nextOpening(now).orElse(null));
        }
    }

    /** What an apply did to one object: {@code created}, {@code configured}, {@code pruned}, ... */
    public record Change(String object, String group, String kind, String namespace, String name, String action,
                  String reason) {

        static Change of(ChangeSet.Entry e) {
            ObjectRef r = e.ref();
            return new Change(r.toString(), r.group(), r.kind(), r.namespace(), r.name(), e.outcome().label(),
                    e.reason());
        }
    }

    /**
     * One difference: {@code change} is {@code missing} (the object), {@code wouldPrune}, {@code kept} (with the
     * reason), or for one field {@code changed}, {@code fieldMissing} or {@code extra} with its {@code path},
     * {@code desired} and {@code live} values (secrets redacted) and {@code lastWriter}.
     */
    public record DriftItem(String object, String group, String kind, String namespace, String name, String change,
                     String path, Object desired, Object live, String lastWriter, String reason) {

        static DriftItem of(Drift d) {
            ObjectRef r = d.object();
            FieldDrift f = d.field();
            String change = switch (d.kind()) {
                case MISSING -> "missing";
                case WOULD_PRUNE -> "wouldPrune";
                case KEPT -> "kept";
                case FIELD -> switch (f.kind()) {
                    case CHANGED -> "changed";
                    case MISSING -> "fieldMissing";
                    case EXTRA -> "extra";
                };
            };
            return new DriftItem(r.toString(), r.group(), r.kind(), r.namespace(), r.name(), change,
                    f == null ? null : f.path(), f == null ? null : f.desired(), f == null ? null : f.live(),
                    f == null || f.lastWriter() == null ? null : f.lastWriter().toString(), d.reason());
        }
    }

    /**
     * A target's objects at its last fetched commit ({@code GET .../objects}), or one in full
     * ({@code GET .../objects/{group}/{kind}/{namespace}/{name}}).
     */
    public record Objects(String cluster, String release, String revision, String error, List<String> unwatched,
                          List<ObjectItem> objects) {
        static Objects of(io.driftless.reconcile.ObjectsReport r) {
            return new Objects(r.cluster(), r.release(), r.revision(), r.error(), r.unwatched(),
                    r.objects().stream().map(ObjectItem::of).toList());
        }
    }

    /**
     * One managed object: {@code state} is Synced, OutOfSync, Missing, WouldPrune or Kept; {@code owned} what it owns
     * in the cluster; {@code drift}, {@code desired}, {@code live} and {@code managers} only for one object.
     */
    public record ObjectItem(String object, String apiVersion, String group, String kind, String namespace,
                             String name, String state, String health, String healthDetail, String reason,
                             int driftCount, List<DriftItem> drift, List<io.driftless.health.Owned.Node> owned,
                             Object desired, Object live, List<String> managers) {
        static ObjectItem of(io.driftless.reconcile.ObjectsReport.ObjectState o) {
            ObjectRef r = o.ref();
            return new ObjectItem(r.toString(), r.apiVersion(), r.group(), r.kind(), r.namespace(), r.name(),
                    o.state().name(), o.health(), o.healthDetail(), o.reason(), o.driftCount(),
                    o.drift() == null ? null : o.drift().stream().map(f -> DriftItem.of(new Drift(r, Drift.Kind.FIELD,
                            f, null))).toList(), o.owned(), o.desired(), o.live(),
                    o.managers() == null ? null : o.managers().stream().map(Object::toString).toList());
        }
    }

    /** What syncing one target at a ref would do. */
    public record PreviewOf(String cluster, String release, String revision, Preview.Result result, long outOfSync,
                     List<DriftItem> changes, List<String> warnings, String error) {

        public static PreviewOf of(Preview p) {
            return new PreviewOf(p.cluster(), p.release(), p.revision(), p.result(), p.outOfSync(),
                    p.changes().stream().map(DriftItem::of).toList(), p.warnings(), p.error());
        }
    }

    /**
     * A Git source as the API shows it: where, which ref, how often, whether pushes wake it, and whether it has keys
     * for SOPS-encrypted files (never which).
     */
    record Source(String name, String url, String ref, String pollInterval, boolean webhook, boolean verifyCommits,
                  boolean decryption, String revision, Instant lastFetch, String lastError) {
        static Source of(io.driftless.config.SourceSpec s, io.driftless.fleet.FleetVerticle.SourceState state) {
            return new Source(s.name(), s.url(), s.ref(), s.pollInterval().toString(), !s.webhook().isNone(),
                    !s.trustedKeys().isEmpty(), !s.decryption().isNone(), state == null ? null : state.revision(),
                    state == null ? null : state.lastFetch(), state == null ? null : state.lastError());
        }
    }

    /** A cluster as the API shows it: its labels, whether its API server answers, and the kinds watched there now. */
    public record Cluster(String cluster, java.util.Map<String, String> labels, boolean reachable, Instant lastContact,
                          String lastError, Instant unreachableSince, Instant retryAt, List<String> watching) {
        public static Cluster of(io.driftless.cluster.ClusterConnections.Reachability r,
                                 java.util.Map<String, String> labels, List<String> watching) {
            return new Cluster(r.cluster(), labels, r.reachable(), r.lastContact(), r.lastError(),
                    r.unreachableSince(), r.retryAt(), watching);
        }
    }
}
