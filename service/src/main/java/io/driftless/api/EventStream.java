package io.driftless.api;

import io.driftless.config.TargetId;
import static io.driftless.api.Answers.json;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.driftless.fleet.FleetVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/v1/events}, Server-Sent Events: one {@code target} event (data: {@code {"target":
 * "cluster/release"}}) whenever a target's status changes, so a page refetches that one target instead of polling
 * them all; a comment every 15 s keeps the connection open. Streams are bounded: {@link #PER_CLIENT} per client
 * address (429 beyond) and {@link #TOTAL} in all (503 beyond); a stream ends after {@link #maxAge()} (a client opens
 * a new one, as browsers' EventSource and the web UI do), and one whose client stops reading is dropped once what
 * waits for it fills the connection's buffer.
 */
final class EventStream {

    static final int PER_CLIENT = 16;
    static final int TOTAL = 256;
    /** Overrides the maximum age of a stream (seconds), for tests that cannot wait ten minutes. */
    static final String MAX_AGE_PROPERTY = "driftless.http.event-stream-max-age-seconds";
    private static final long PING_MILLIS = 15_000;

    private final Vertx vertx;
    /** Open streams per client address; only touched on the HTTP verticle's event loop. */
    private final Map<String, Integer> open = new HashMap<>();
    private int total;

    EventStream(Vertx vertx) {
        this.vertx = vertx;
    }

    static Duration maxAge() {
        return Duration.ofSeconds(Math.max(1, Integer.getInteger(MAX_AGE_PROPERTY, 600)));
    }

    void serve(RoutingContext ctx) {
        String client = Guards.client(ctx);
        if (total >= TOTAL) {
            ctx.response().putHeader("retry-after", "30");
            json(ctx, 503, Map.of("error", "more than " + TOTAL + " event streams are open; try again later"));
            return;
        }
        if (open.getOrDefault(client, 0) >= PER_CLIENT) {
            ctx.response().putHeader("retry-after", "30");
            json(ctx, 429, Map.of("error", "more than " + PER_CLIENT + " event streams are open from this client; "
                    + "close one"));
            return;
        }
        total++;
        open.merge(client, 1, Integer::sum);
        HttpServerResponse response = ctx.response().setChunked(true).putHeader("content-type", "text/event-stream")
                .putHeader("cache-control", "no-cache");
        response.write(": connected\n\n");
        var consumer = vertx.eventBus().<JsonObject>consumer(FleetVerticle.SYNCED, msg -> {
            if (!response.ended() && !response.closed()) {
                response.write("event: target\ndata: {\"target\": \""
                        + TargetId.of(msg.body().getString("cluster"), msg.body().getString("release")) + "\"}\n\n");
            }
        });
        long ping = vertx.setPeriodic(PING_MILLIS, id -> {
            if (response.ended() || response.closed()) {
                return;
            }
            if (response.writeQueueFull()) { // the client reads nothing: pings and events pile up
                response.reset();
            } else {
                response.write(": ping\n\n");
            }
        });
        long tooOld = vertx.setTimer(maxAge().toMillis(), id -> {
            if (!response.ended() && !response.closed()) {
                response.end();
            }
        });
        boolean[] released = {false};
        Runnable release = () -> {
            if (released[0]) {
                return;
            }
            released[0] = true;
            consumer.unregister();
            vertx.cancelTimer(ping);
            vertx.cancelTimer(tooOld);
            total--;
            open.computeIfPresent(client, (c, n) -> n > 1 ? n - 1 : null);
        };
        response.closeHandler(v -> release.run());
        response.endHandler(v -> release.run());
    }
}
