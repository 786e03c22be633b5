package io.driftless.api;

import io.driftless.config.TargetId;
import static io.driftless.api.Answers.json;

import java.util.Map;

import io.driftless.fleet.FleetVerticle;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;

/**
 * The reads of {@code /api/v1} (a viewer's): targets, clusters, shards, sources, the fleet and the OpenAPI document.
 * Targets, which may run to megabytes, are shaped and serialized on a worker, one serialization for the requests
 * that come while it waits ({@link Answers#shared}).
 */
final class ReadRoutes {

    /** The OpenAPI document of {@code /api/v1}, checked against the real answers by {@code OpenApiIT}. */
    private static final Buffer OPENAPI = openApi();

    private final ApiServices services;
    private final Answers answers;

    ReadRoutes(ApiServices services, Answers answers) {
        this.services = services;
        this.answers = answers;
    }

    /** Adds the routes; the caller has put the viewer check on {@code GET /api/v1/*} before them. */
    void install(Router router) {
        router.get("/api/v1/targets").handler(ctx -> answers.shared(ctx, "targets", () -> new Answers.Reply(200,
                services.board().all().stream().map(services::view).toList())));
        router.get("/api/v1/clusters").handler(ctx -> json(ctx, 200, services.reports().clusters().get()));
        router.get("/api/v1/shards").handler(ctx -> json(ctx, 200, services.reports().shards().get()));
        router.get("/api/v1/fleet").handler(ctx -> json(ctx, 200, services.reports().fleet().get()));
        router.get("/api/v1/openapi.json").handler(ctx -> ctx.response().putHeader("content-type",
                "application/json").end(OPENAPI.copy()));
        router.get("/api/v1/sources").handler(ctx -> {
            Map<String, FleetVerticle.SourceState> states = services.reports().sourceStates().get();
            json(ctx, 200, services.sources().get().stream().map(s -> Views.Source.of(s, states.get(s.name())))
                    .toList());
        });
        router.get("/api/v1/targets/:cluster/:release").handler(ctx -> {
            String id = TargetId.of(ctx.pathParam("cluster"), ctx.pathParam("release"));
            answers.shared(ctx, "target " + id, () -> {
                var status = services.board().get(id);
                return status == null ? new Answers.Reply(404, Map.of("error", "no such target"))
                        : new Answers.Reply(200, services.view(status));
            });
        });
    }

    private static Buffer openApi() {
        try (java.io.InputStream in = ReadRoutes.class.getResourceAsStream("/api/openapi.json")) {
            return Buffer.buffer(in.readAllBytes());
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException("the OpenAPI document is missing from the build", e);
        }
    }
}
