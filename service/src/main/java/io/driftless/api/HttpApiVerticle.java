package io.driftless.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.driftless.fleet.StatusBoard;
import io.driftless.telemetry.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** HTTP: health, readiness, Prometheus metrics and the target status API. */
public final class HttpApiVerticle extends VerticleBase {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private final String host;
    private final int port;
    private final StatusBoard board;
    private final Metrics metrics;
    private HttpServer server;

    public HttpApiVerticle(String host, int port, StatusBoard board, Metrics metrics) {
        this.host = host;
        this.port = port;
        this.board = board;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.get("/healthz").handler(ctx -> ctx.response().putHeader("content-type", "text/plain").end("ok\n"));
        router.get("/readyz").handler(ctx -> {
            boolean ready = board.allAttempted();
            ctx.response().setStatusCode(ready ? 200 : 503).putHeader("content-type", "text/plain")
                    .end(ready ? "ready\n" : "first sync of every target still running\n");
        });
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
        router.get("/api/v1/targets").handler(ctx -> json(ctx, 200, board.all()));
        router.get("/api/v1/targets/:cluster/:release").handler(ctx -> {
            var status = board.get(ctx.pathParam("cluster") + "/" + ctx.pathParam("release"));
            if (status == null) {
                json(ctx, 404, java.util.Map.of("error", "no such target"));
            } else {
                json(ctx, 200, status);
            }
        });
        server = vertx.createHttpServer();
        return server.requestHandler(router).listen(port, host);
    }

    /** The port actually bound (useful when configured as 0). */
    public int actualPort() {
        return server.actualPort();
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        try {
            ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                    .end(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }
}
