package io.driftless.fleet;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import io.driftless.config.Target;
import io.driftless.model.ObjectRef;
import io.driftless.reconcile.ObjectsReport;
import io.driftless.reconcile.TargetSyncer;
import io.driftless.source.GitSource;
import io.driftless.source.Snapshot;
import io.driftless.source.SourceException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The read-only questions of the fleet, answered on the event bus: what syncing a target at its source's last
 * fetched commit would do ({@link FleetVerticle#COMPARE}), and what syncing every target of a source at another
 * ref would do ({@link FleetVerticle#PREVIEW}). Neither writes to a cluster nor changes a status.
 */
final class Previews {

    private final LiveFleet fleet;
    private final Map<String, GitSource> sources;
    private final TargetSyncer syncer;
    private final Workers workers;
    private final Function<String, Snapshot> lastFetch;
    private final java.util.function.BiFunction<Target, Snapshot, Snapshot> desired;
    private final java.util.function.BiFunction<String, java.util.List<Target>,
            java.util.List<io.driftless.rollout.Gates.Plan>> plans;
    private final BooleanSupplier stopping;
    private final Set<String> comparing = ConcurrentHashMap.newKeySet();

    /**
     * @param lastFetch the newest snapshot of a source, by name, or null before its first fetch
     * @param desired   what a target is synced to at its source's newest snapshot (a pinned one: its pin's)
     * @param plans     the rollout plans of some targets' releases at a commit
     */
    Previews(LiveFleet fleet, Map<String, GitSource> sources, TargetSyncer syncer, Workers workers,
             Function<String, Snapshot> lastFetch, java.util.function.BiFunction<Target, Snapshot, Snapshot> desired,
             java.util.function.BiFunction<String, java.util.List<Target>,
                     java.util.List<io.driftless.rollout.Gates.Plan>> plans, BooleanSupplier stopping) {
        this.desired = desired;
        this.plans = plans;
        this.fleet = fleet;
        this.sources = sources;
        this.syncer = syncer;
        this.workers = workers;
        this.lastFetch = lastFetch;
        this.stopping = stopping;
    }

    /**
     * {@code {"target": ID, "revision": COMMIT}}: what syncing the target at its last fetched commit (or its pin), or
     * at the commit given (fetched first: an earlier commit of its history, say), would do; reads the live state,
     * writes nothing.
     */
    void compare(Message<JsonObject> msg) {
        String id = msg.body().getString("target");
        String revision = msg.body().getString("revision");
        if (revision == null) {
            atLastFetch(msg, id, "compare", (target, snapshot) -> syncer.preview(target, snapshot));
            return;
        }
        Target target = fleet.target(id).orElse(null);
        if (target == null || stopping.getAsBoolean()) {
            msg.fail(target == null ? 404 : 503, target == null ? "no such target '" + id + "'"
                    : "Driftless is shutting down");
            return;
        }
        GitSource source = sources.get(target.release().source());
        answer(msg, target, "compare", () -> workers.run(() -> source.fetch(revision)),
                (t, snapshot) -> syncer.preview(t, snapshot));
    }

    /**
     * {@code {"target": ID, "object": {"group", "kind", "namespace", "name"}}}: the target's objects at its last
     * fetched commit (or its pin), in summary, or the one object asked for in full (404 when it has none such).
     */
    void objects(Message<JsonObject> msg) {
        JsonObject object = msg.body().getJsonObject("object");
        ObjectRef ref = object == null ? null : new ObjectRef(object.getString("group", "").isEmpty() ? "v1"
                : object.getString("group") + "/v1", object.getString("kind"), object.getString("namespace"),
                object.getString("name"));
        atLastFetch(msg, msg.body().getString("target"), "look", (target, snapshot) -> {
            ObjectsReport report = syncer.objects(target, snapshot, ref);
            return ref != null && report.error() == null && report.objects().isEmpty() ? null : report;
        });
    }

    /** Answers a read-only question about a target at its last fetched commit, one at a time per target and kind. */
    private <T> void atLastFetch(Message<?> msg, String id, String what,
                                 java.util.function.BiFunction<Target, Snapshot, T> answer) {
        Target target = fleet.target(id).orElse(null);
        if (target == null) {
            msg.fail(404, "no such target '" + id + "'");
            return;
        }
        Snapshot snapshot = lastFetch.apply(target.release().source());
        if (snapshot == null) {
            msg.fail(409, "source " + target.release().source() + " has not been fetched yet");
            return;
        }
        // a pinned target's snapshot may be read from Git: off the event loop
        answer(msg, target, what, () -> workers.run(() -> desired.apply(target, snapshot)), answer);
    }

    /**
     * Answers a read-only question about a target at a snapshot, on the target's worker, one at a time per target
     * and kind of question: null is "no such object" (404), a source that cannot give the snapshot 422.
     */
    private <T> void answer(Message<?> msg, Target target, String what,
                            java.util.function.Supplier<Future<Snapshot>> at,
                            java.util.function.BiFunction<Target, Snapshot, T> answer) {
        String key = what + " " + target.id();
        if (stopping.getAsBoolean() || !comparing.add(key)) {
            msg.fail(429, "a " + what + " at " + target.id() + " is already running");
            return;
        }
        at.get().compose(snapshot -> workers.run(target, () -> answer.apply(target, snapshot)))
                .onComplete(done -> {
                    comparing.remove(key);
                    if (done.succeeded() && done.result() == null) {
                        msg.fail(404, target.id() + " has no such object");
                    } else if (done.succeeded()) {
                        msg.reply(JsonObject.mapFrom(done.result()));
                    } else {
                        msg.fail(done.cause() instanceof SourceException ? 422 : 500,
                                String.valueOf(done.cause().getMessage()));
                    }
                });
    }

    /**
     * Fetches a ref and answers, per target of the source, what syncing at it would do ({@code targets}), and per
     * release the rollout that would take it ({@code rollouts}).
     */
    void preview(Message<JsonObject> msg) {
        if (stopping.getAsBoolean()) {
            msg.fail(503, "Driftless is shutting down");
            return;
        }
        GitSource source = sources.get(msg.body().getString("source"));
        if (source == null) {
            msg.fail(404, "unknown source '" + msg.body().getString("source") + "'; declared: " + sources.keySet());
            return;
        }
        String ref = msg.body().getString("ref");
        java.util.List<Target> targets = fleet.targets().stream()
                .filter(t -> t.release().source().equals(source.spec().name())).toList();
        workers.<Snapshot>run(() -> source.fetch(ref))
                .compose(snapshot -> Future.all(targets.stream()
                        .map(t -> workers.run(t, () -> syncer.preview(t, snapshot))).toList())
                        .map(all -> new JsonObject().put("targets", new JsonArray(all.list().stream()
                                .map(JsonObject::mapFrom).toList())).put("rollouts", new JsonArray(
                                        plans.apply(snapshot.commit(), targets).stream().map(JsonObject::mapFrom)
                                                .toList()))))
                .onSuccess(msg::reply)
                .onFailure(e -> msg.fail(e instanceof SourceException ? 422 : 500, String.valueOf(e.getMessage())));
    }
}
