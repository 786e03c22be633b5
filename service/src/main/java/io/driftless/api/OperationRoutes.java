package io.driftless.api;

import io.driftless.config.TargetId;
import static io.driftless.api.Answers.failed;
import static io.driftless.api.Answers.json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.driftless.config.SourceSpec;
import io.driftless.fleet.FleetVerticle;
import io.driftless.reconcile.Preview;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * What operators do through {@code /api/v1} (and viewers' diffs): refresh a source, suspend or resume a target,
 * sync one now, compare one with its cluster, preview a ref, see, resume or abort a release's rollout, roll a
 * target or a release back to an earlier commit (a pin) and unpin it. The work happens in the fleet verticle (over
 * the event bus); the suspension file is written, and large answers are made, on workers.
 */
final class OperationRoutes {

    private final Vertx vertx;
    private final ApiServices services;
    private final Guards guards;
    private final Answers answers;

    OperationRoutes(Vertx vertx, ApiServices services, Guards guards, Answers answers) {
        this.vertx = vertx;
        this.services = services;
        this.guards = guards;
        this.answers = answers;
    }

    void install(Router router) {
        router.post("/api/v1/sources/:source/refresh").handler(guards.requires(ApiCredentials.Role.operator))
                .handler(this::refresh);
        for (String verb : List.of("suspend", "resume")) {
            router.post("/api/v1/targets/:cluster/:release/" + verb).handler(guards.requires(ApiCredentials.Role.operator))
                    .handler(ctx -> suspend(ctx, verb.equals("suspend")));
        }
        router.get("/api/v1/releases/:release/rollout").handler(ctx -> rollout(ctx, "status"));
        for (String verb : List.of("resume", "abort")) {
            router.post("/api/v1/releases/:release/rollout/" + verb)
                    .handler(guards.requires(ApiCredentials.Role.operator)).handler(ctx -> rollout(ctx, verb));
        }
        for (String scope : List.of("/api/v1/targets/:cluster/:release", "/api/v1/releases/:release")) {
            // credentials first: a body is read only for a caller who may send one
            router.post(scope + "/rollback").handler(guards.requires(ApiCredentials.Role.operator));
            router.post(scope + "/rollback").handler(BodyHandler.create().setBodyLimit(4 * 1024)
                    .setHandleFileUploads(false)).handler(ctx -> pin(ctx, false));
            router.post(scope + "/unpin").handler(guards.requires(ApiCredentials.Role.operator))
                    .handler(ctx -> pin(ctx, true));
        }
        router.post("/api/v1/targets/:cluster/:release/sync").handler(guards.requires(ApiCredentials.Role.operator))
                .handler(guards::limited)
                .handler(ctx -> syncNow(ctx, "true".equals(ctx.queryParams().get("dryRun"))));
        // compares at the last fetched commit and changes nothing: a viewer may, as often as the limit allows
        router.get("/api/v1/targets/:cluster/:release/diff").handler(guards::limited).handler(this::diff);
        // the same read, object by object (from the watch caches): a viewer's too
        router.get("/api/v1/targets/:cluster/:release/objects").handler(guards::limited).handler(this::objects);
        router.get("/api/v1/targets/:cluster/:release/objects/:group/:kind/:namespace/:name")
                .handler(guards::limited).handler(this::objects);
        // credentials first: a body is read only for a caller who may send one
        router.post("/api/v1/preview").handler(guards.requires(ApiCredentials.Role.operator)).handler(guards::limited);
        router.post("/api/v1/preview").handler(BodyHandler.create().setBodyLimit(64 * 1024)
                .setHandleFileUploads(false)).handler(this::preview);
    }

    private static String target(RoutingContext ctx) {
        return TargetId.of(ctx.pathParam("cluster"), ctx.pathParam("release"));
    }

    private void refresh(RoutingContext ctx) {
        String name = ctx.pathParam("source");
        if (!services.sourcesByName().containsKey(name)) {
            json(ctx, 404, Map.of("error", "no such source '" + name + "'"));
            return;
        }
        vertx.eventBus().request(FleetVerticle.REFRESH, name);
        json(ctx, 202, Map.of("source", name, "status", "refreshing"));
    }

    /** Records the suspension (a file write) on a worker and answers the target. */
    private void suspend(RoutingContext ctx, boolean suspend) {
        String id = target(ctx);
        answers.later(ctx, () -> {
            if (services.board().get(id) == null) {
                return new Answers.Reply(404, Map.of("error", "no such target"));
            }
            services.suspensions().set(id, suspend);
            return new Answers.Reply(200, services.view(services.board().get(id)));
        });
    }

    /**
     * Rolls a target (or every target of a release) back to an earlier commit it synced, {@code {"revision":
     * COMMIT, "untilNewer": false}}, or unpins it; answers the targets.
     */
    private void pin(RoutingContext ctx, boolean unpin) {
        JsonObject ask = ctx.pathParam("cluster") == null ? new JsonObject().put("release", ctx.pathParam("release"))
                : new JsonObject().put("target", target(ctx));
        if (!unpin) {
            JsonObject body;
            try {
                body = ctx.body().asJsonObject();
            } catch (RuntimeException e) {
                body = null;
            }
            if (body == null || !(body.getValue("revision") instanceof String revision)
                    || !(body.getValue("untilNewer", false) instanceof Boolean untilNewer)) {
                json(ctx, 400, Map.of("error", "expected a JSON body {\"revision\": \"<commit it synced>\", "
                        + "\"untilNewer\": false}"));
                return;
            }
            ask.put("revision", revision).put("untilNewer", untilNewer);
        }
        vertx.eventBus().<JsonArray>request(FleetVerticle.PIN, ask.put("unpin", unpin), answerWithin())
                .onComplete(reply -> {
                    if (reply.failed()) {
                        failed(ctx, reply.cause());
                        return;
                    }
                    answers.later(ctx, () -> new Answers.Reply(200, reply.result().body().stream()
                            .map(id -> services.view(services.board().get((String) id))).toList()));
                });
    }

    /** Where a release's rollout stands, after resuming or aborting it when asked. */
    private void rollout(RoutingContext ctx, String action) {
        vertx.eventBus().<JsonObject>request(FleetVerticle.ROLLOUT, new JsonObject()
                .put("release", ctx.pathParam("release")).put("action", action), answerWithin()).onComplete(reply -> {
                    if (reply.failed()) {
                        failed(ctx, reply.cause());
                    } else {
                        // the event bus copied the answer into JsonObjects and JsonArrays: read it back as plain JSON
                        json(ctx, 200, reply.result().body().mapTo(Map.class));
                    }
                });
    }

    private static DeliveryOptions answerWithin() {
        return new DeliveryOptions().setSendTimeout(Connections.answerWithin().toMillis());
    }

    /**
     * One target's drift at its source's last fetched commit (no fetch), or with {@code ?revision=COMMIT} (a full
     * commit id) at that commit, fetched first; no status, history or metric changes.
     */
    private void diff(RoutingContext ctx) {
        String id = target(ctx);
        String revision = ctx.queryParams().get("revision");
        if (revision != null && !revision.matches("[0-9a-f]{40}")) {
            json(ctx, 400, Map.of("error", "revision: expected a full commit id (40 hex digits)"));
            return;
        }
        JsonObject ask = new JsonObject().put("target", id).put("revision", revision);
        vertx.eventBus().<JsonObject>request(FleetVerticle.COMPARE, ask, answerWithin()).onComplete(reply -> {
            if (reply.failed()) {
                failed(ctx, reply.cause());
                return;
            }
            answers.later(ctx, () -> {
                Views.PreviewOf p = Views.PreviewOf.of(preview(reply.result().body()));
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("target", id);
                out.put("revision", p.revision());
                out.put("result", p.result());
                out.put("outOfSync", p.outOfSync());
                out.put("drift", p.changes());
                if (p.error() != null) {
                    out.put("error", p.error());
                }
                return new Answers.Reply(200, out);
            });
        });
    }

    /**
     * A target's objects at its source's last fetched commit, or one of them in full: {@code core} (or {@code _})
     * names the core group, {@code _} the namespace of a cluster-scoped object.
     */
    private void objects(RoutingContext ctx) {
        JsonObject ask = new JsonObject().put("target", target(ctx));
        if (ctx.pathParam("kind") != null) {
            String group = ctx.pathParam("group");
            String namespace = ctx.pathParam("namespace");
            ask.put("object", new JsonObject().put("group", "core".equals(group) || "_".equals(group) ? "" : group)
                    .put("kind", ctx.pathParam("kind")).put("namespace", "_".equals(namespace) ? null : namespace)
                    .put("name", ctx.pathParam("name")));
        }
        vertx.eventBus().<JsonObject>request(FleetVerticle.OBJECTS, ask, answerWithin()).onComplete(reply -> {
            if (reply.failed()) {
                failed(ctx, reply.cause());
            } else {
                answers.later(ctx, () -> new Answers.Reply(200, Views.Objects.of(read(reply.result().body(),
                        io.driftless.reconcile.ObjectsReport.class))));
            }
        });
    }

    /** Fetches and syncs (or, for a dry run, compares) one target now and answers its status. */
    private void syncNow(RoutingContext ctx, boolean dryRun) {
        String id = target(ctx);
        vertx.eventBus().<String>request(FleetVerticle.SYNC, new JsonObject().put("target", id).put("dryRun", dryRun),
                answerWithin()).onComplete(reply -> {
                    if (reply.failed() && reply.cause() instanceof ReplyException e
                            && e.failureType() == io.vertx.core.eventbus.ReplyFailure.TIMEOUT) {
                        // the sync goes on; its outcome shows in the target's status
                        json(ctx, 202, Map.of("target", id, "status", "syncing; GET /api/v1/targets/" + id
                                + " shows the outcome"));
                    } else if (reply.succeeded()) {
                        String synced = reply.result().body();
                        answers.later(ctx, () -> new Answers.Reply(200, services.view(services.board().get(synced))));
                    } else {
                        failed(ctx, reply.cause());
                    }
                });
    }

    /**
     * {@code {"ref": "feature-x", "source": "values"}} (source may be left out when there is one): what syncing
     * every target of that source at the ref would do, without writing anything; the check a pull request needs.
     */
    private void preview(RoutingContext ctx) {
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            body = null;
        }
        if (body == null || !(body.getValue("ref") instanceof String ref) || ref.isBlank()) {
            json(ctx, 400, Map.of("error", "expected a JSON body {\"ref\": \"<branch, tag, commit or refs/...>\", "
                    + "\"source\": \"<name>\"}"));
            return;
        }
        Map<String, SourceSpec> known = services.sourcesByName();
        String source = body.getString("source", known.size() == 1 ? known.keySet().iterator().next() : null);
        if (source == null) {
            json(ctx, 400, Map.of("error", "name the source: one of " + new java.util.TreeSet<>(known.keySet())));
            return;
        }
        vertx.eventBus().<JsonObject>request(FleetVerticle.PREVIEW,
                new JsonObject().put("source", source).put("ref", ref.strip()), answerWithin()).onComplete(reply -> {
                    if (reply.failed()) {
                        failed(ctx, reply.cause());
                        return;
                    }
                    answers.later(ctx, () -> {
                        Map<String, Object> out = new LinkedHashMap<>();
                        out.put("source", source);
                        out.put("ref", ref.strip());
                        out.put("targets", reply.result().body().getJsonArray("targets").stream()
                                .map(t -> Views.PreviewOf.of(preview((JsonObject) t))).toList());
                        out.put("rollouts", reply.result().body().getJsonArray("rollouts").getList().stream()
                                .map(r -> ((JsonObject) r).mapTo(Map.class)).toList());
                        return new Answers.Reply(200, out);
                    });
                });
    }

    /**
     * A {@link Preview} as the fleet verticle sent it over the event bus (as JSON, the fleet package's contract),
     * read back on a worker.
     */
    private static Preview preview(JsonObject json) {
        return read(json, Preview.class);
    }

    /** An answer of the fleet verticle as it sent it over the event bus (as JSON), read back on a worker. */
    private static <T> T read(JsonObject json, Class<T> type) {
        try {
            return Answers.JSON.readValue(json.encode(), type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable " + type.getSimpleName() + " from the fleet verticle", e);
        }
    }
}
