package io.driftless.api;

import io.driftless.fleet.FleetVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/v1/events}, Server-Sent Events: one {@code target} event (data: {@code {"target":
 * "cluster/release"}}) whenever a target's status changes, so a page refetches that one target instead of polling
 * them all; a comment every 15 s keeps the connection open.
 */
final class EventStream {

    private EventStream() {
    }

    static void serve(Vertx vertx, RoutingContext ctx) {
        var response = ctx.response().setChunked(true).putHeader("content-type", "text/event-stream")
                .putHeader("cache-control", "no-cache");
        response.write(": connected\n\n");
        var consumer = vertx.eventBus().<JsonObject>consumer(FleetVerticle.SYNCED, msg -> {
            if (!response.ended() && !response.closed()) {
                response.write("event: target\ndata: {\"target\": \"" + msg.body().getString("cluster") + "/"
                        + msg.body().getString("release") + "\"}\n\n");
            }
        });
        long ping = vertx.setPeriodic(15_000, id -> {
            if (!response.closed()) {
                response.write(": ping\n\n");
            }
        });
        response.closeHandler(v -> {
            consumer.unregister();
            vertx.cancelTimer(ping);
        });
    }
}
