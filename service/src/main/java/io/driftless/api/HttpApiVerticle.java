package io.driftless.api;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.driftless.config.SourceSpec;
import io.driftless.fleet.FleetVerticle;
import io.driftless.reconcile.Preview;
import io.driftless.status.StatusBoard;
import io.driftless.telemetry.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** HTTP: health, readiness, Prometheus metrics, the target and cluster status API and push webhooks. */
public final class HttpApiVerticle extends VerticleBase {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    private static final Logger LOG = LoggerFactory.getLogger(HttpApiVerticle.class);
    /** Push payloads are a few KiB; anything much larger is not a webhook. */
    static final int MAX_WEBHOOK_BYTES = 1 << 20;

    private final String host;
    private final int port;
    private final StatusBoard board;
    private final Metrics metrics;
    private final Supplier<List<SourceSpec>> sources;
    /** The OpenAPI document of {@code /api/v1}, checked against the real answers by {@code OpenApiIT}. */
    private static final String OPENAPI = openApi();
    private Supplier<Object> fleetStatus = () -> Map.of();
    private final Map<String, String> env;
    private volatile ApiCredentials credentials;
    private final Supplier<List<?>> clusters;
    private final Supplier<Object> shards;
    private HttpServer server;
    private java.util.function.Predicate<String> held = id -> true;
    private final ClientLimits authFailures = new ClientLimits(ClientLimits.AUTH_FAILURES);
    private final ClientLimits expensive = new ClientLimits(ClientLimits.EXPENSIVE);

    /**
     * @param env      where webhook secrets named by {@code secretEnv} are read
     * @param clusters each cluster's reachability, for {@code GET /api/v1/clusters}
     * @param shards   this replica's identity and who holds each shard, for {@code GET /api/v1/shards}
     */
    public HttpApiVerticle(String host, int port, StatusBoard board, Metrics metrics, Supplier<List<SourceSpec>> sources,
                           Map<String, String> env, ApiCredentials credentials, Supplier<List<?>> clusters,
                           Supplier<Object> shards) {
        this.shards = shards;
        this.clusters = clusters;
        this.credentials = credentials;
        this.host = host;
        this.port = port;
        this.board = board;
        this.metrics = metrics;
        this.sources = sources;
        this.env = env;
    }

    /**
     * Who may call the API from the next request on (the users file or the admin credential file was reloaded);
     * credentials verified before are not remembered across the change.
     */
    public void useCredentials(ApiCredentials next) {
        this.credentials = java.util.Objects.requireNonNull(next);
    }

    private io.driftless.fleet.Suspensions suspensions;
    private Supplier<Map<String, io.driftless.fleet.FleetVerticle.SourceState>> sourceStates = Map::of;

    /** Where {@code GET /api/v1/sources} finds each source's last fetch. */
    public HttpApiVerticle reportingSources(Supplier<Map<String, io.driftless.fleet.FleetVerticle.SourceState>> states) {
        this.sourceStates = states;
        return this;
    }

    /** Where {@code POST .../suspend} and {@code .../resume} record which targets are suspended. */
    public HttpApiVerticle suspending(io.driftless.fleet.Suspensions suspensions) {
        this.suspensions = suspensions;
        return this;
    }

    private java.nio.file.Path tlsCert;
    private java.nio.file.Path tlsKey;

    /** Serves HTTPS with this PEM certificate (chain) and private key instead of plain HTTP. */
    public HttpApiVerticle withTls(java.nio.file.Path cert, java.nio.file.Path key) {
        this.tlsCert = cert;
        this.tlsKey = key;
        return this;
    }

    /** What {@code GET /api/v1/fleet} answers: where the fleet comes from and how its last reload went. */
    public HttpApiVerticle reportingFleet(Supplier<Object> status) {
        this.fleetStatus = status;
        return this;
    }

    private Views.Target view(io.driftless.status.TargetStatus status) {
        return Views.Target.of(status, suspensions != null
                && suspensions.isSuspended(status.cluster() + "/" + status.release()));
    }

    private static String openApi() {
        try (java.io.InputStream in = HttpApiVerticle.class.getResourceAsStream("/api/openapi.json")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException("the OpenAPI document is missing from the build", e);
        }
    }

    /** The running fleet's sources, by name (the fleet may have been reloaded). */
    private Map<String, SourceSpec> sources() {
        return sources.get().stream().collect(Collectors.toMap(SourceSpec::name, s -> s));
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        router.get("/healthz").handler(ctx -> ctx.response().putHeader("content-type", "text/plain").end("ok\n"));
        router.get("/readyz").handler(ctx -> {
            boolean ready = board.allAttempted(held);
            ctx.response().setStatusCode(ready ? 200 : 503).putHeader("content-type", "text/plain")
                    .end(ready ? "ready\n" : "first sync of a target this replica holds still running\n");
        });
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
        router.get("/api/v1/*").handler(requires(ApiCredentials.Role.viewer));
        router.get("/api/v1/targets").handler(ctx -> json(ctx, 200,
                board.all().stream().map(this::view).toList()));
        router.get("/api/v1/clusters").handler(ctx -> json(ctx, 200, clusters.get()));
        router.get("/api/v1/shards").handler(ctx -> json(ctx, 200, shards.get()));
        router.get("/api/v1/fleet").handler(ctx -> json(ctx, 200, fleetStatus.get()));
        router.get("/api/v1/events").handler(this::events);
        router.get("/ui").handler(ctx -> {
            if (ctx.request().path().equals("/ui")) {
                ctx.redirect("/ui/");
            } else {
                ctx.next();
            }
        });
        router.get("/ui/*").handler(io.vertx.ext.web.handler.StaticHandler.create("ui").setCachingEnabled(false)
                .setDirectoryListing(false));
        router.get("/api/v1/openapi.json").handler(ctx -> ctx.response().putHeader("content-type",
                "application/json").end(OPENAPI));
        router.get("/api/v1/sources").handler(ctx -> {
            Map<String, io.driftless.fleet.FleetVerticle.SourceState> states = sourceStates.get();
            json(ctx, 200, sources.get().stream().map(s -> Views.Source.of(s, states.get(s.name()))).toList());
        });
        router.get("/api/v1/targets/:cluster/:release").handler(ctx -> {
            var status = board.get(ctx.pathParam("cluster") + "/" + ctx.pathParam("release"));
            if (status == null) {
                json(ctx, 404, Map.of("error", "no such target"));
            } else {
                json(ctx, 200, view(status));
            }
        });
        router.post("/api/v1/sources/:source/refresh").handler(requires(ApiCredentials.Role.operator)).handler(ctx -> {
            String name = ctx.pathParam("source");
            if (!sources().containsKey(name)) {
                json(ctx, 404, Map.of("error", "no such source '" + name + "'"));
                return;
            }
            vertx.eventBus().request(FleetVerticle.REFRESH, name);
            json(ctx, 202, Map.of("source", name, "status", "refreshing"));
        });
        for (String verb : List.of("suspend", "resume")) {
            router.post("/api/v1/targets/:cluster/:release/" + verb).handler(requires(ApiCredentials.Role.operator)).handler(ctx -> {
                String id = ctx.pathParam("cluster") + "/" + ctx.pathParam("release");
                if (board.get(id) == null || suspensions == null) {
                    json(ctx, 404, Map.of("error", "no such target"));
                    return;
                }
                suspensions.set(id, verb.equals("suspend"));
                json(ctx, 200, view(board.get(id)));
            });
        }
        router.post("/api/v1/targets/:cluster/:release/sync").handler(requires(ApiCredentials.Role.operator))
                .handler(this::limited)
                .handler(ctx -> syncNow(ctx, "true".equals(ctx.queryParams().get("dryRun"))));
        // compares at the last fetched commit and changes nothing: a viewer may, as often as the limit allows
        router.get("/api/v1/targets/:cluster/:release/diff").handler(this::limited).handler(this::diff);
        // credentials first: a body is read only for a caller who may send one
        router.post("/api/v1/preview").handler(requires(ApiCredentials.Role.operator)).handler(this::limited);
        router.post("/api/v1/preview").handler(BodyHandler.create().setBodyLimit(64 * 1024)
                .setHandleFileUploads(false)).handler(this::preview);
        router.post("/api/v1/webhooks/:source")
                .handler(BodyHandler.create().setBodyLimit(MAX_WEBHOOK_BYTES).setHandleFileUploads(false))
                .handler(this::webhook);
        router.errorHandler(413, ctx -> json(ctx, 413, Map.of("error", "request body too large")));
        router.errorHandler(400, ctx -> json(ctx, 400, Map.of("error", "bad request")));
        router.errorHandler(500, ctx -> internalError(ctx, ctx.failure()));
        io.vertx.core.http.HttpServerOptions options = Connections.options();
        if (tlsCert != null) {
            options.setSsl(true).setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions()
                    .setCertPath(tlsCert.toString()).setKeyPath(tlsKey.toString()));
        }
        server = vertx.createHttpServer(options);
        return server.requestHandler(router).listen(port, host);
    }

    /** One target's drift at its source's last fetched commit: no fetch, and no status, history or metric changes. */
    private void diff(RoutingContext ctx) {
        String id = ctx.pathParam("cluster") + "/" + ctx.pathParam("release");
        vertx.eventBus().<JsonObject>request(FleetVerticle.COMPARE, id,
                new DeliveryOptions().setSendTimeout(Connections.answerWithin().toMillis())).onComplete(reply -> {
                    if (reply.succeeded()) {
                        Views.PreviewOf p;
                        try {
                            p = Views.PreviewOf.of(preview(reply.result().body()));
                        } catch (RuntimeException e) {
                            internalError(ctx, e);
                            return;
                        }
                        Map<String, Object> out = new java.util.LinkedHashMap<>();
                        out.put("target", id);
                        out.put("revision", p.revision());
                        out.put("result", p.result());
                        out.put("outOfSync", p.outOfSync());
                        out.put("drift", p.changes());
                        if (p.error() != null) {
                            out.put("error", p.error());
                        }
                        json(ctx, 200, out);
                    } else {
                        failed(ctx, reply.cause());
                    }
                });
    }

    /** Fetches and syncs (or, for a dry run, compares) one target now and answers its status. */
    private void syncNow(RoutingContext ctx, boolean dryRun) {
        String id = ctx.pathParam("cluster") + "/" + ctx.pathParam("release");
        vertx.eventBus().<String>request(FleetVerticle.SYNC, new JsonObject().put("target", id).put("dryRun", dryRun),
                new DeliveryOptions().setSendTimeout(Connections.answerWithin().toMillis())).onComplete(reply -> {
                    if (reply.failed() && reply.cause() instanceof ReplyException e
                            && e.failureType() == io.vertx.core.eventbus.ReplyFailure.TIMEOUT) {
                        // the sync goes on; its outcome shows in the target's status
                        json(ctx, 202, Map.of("target", id, "status", "syncing; GET /api/v1/targets/" + id
                                + " shows the outcome"));
                    } else if (reply.succeeded()) {
                        json(ctx, 200, view(board.get(reply.result().body())));
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
        Map<String, SourceSpec> known = sources();
        String source = body.getString("source", known.size() == 1 ? known.keySet().iterator().next() : null);
        if (source == null) {
            json(ctx, 400, Map.of("error", "name the source: one of " + new java.util.TreeSet<>(known.keySet())));
            return;
        }
        vertx.eventBus().<io.vertx.core.json.JsonArray>request(FleetVerticle.PREVIEW,
                new JsonObject().put("source", source).put("ref", ref.strip()),
                new DeliveryOptions().setSendTimeout(Connections.answerWithin().toMillis())).onComplete(reply -> {
                    if (reply.succeeded()) {
                        Map<String, Object> out = new java.util.LinkedHashMap<>();
                        out.put("source", source);
                        out.put("ref", ref.strip());
                        try {
                            out.put("targets", reply.result().body().stream()
                                    .map(t -> Views.PreviewOf.of(preview((JsonObject) t))).toList());
                        } catch (RuntimeException e) {
                            internalError(ctx, e);
                            return;
                        }
                        json(ctx, 200, out);
                    } else {
                        failed(ctx, reply.cause());
                    }
                });
    }

    /**
     * An event-bus answer that failed: our own refusals (404, 409, 422) keep their message; anything else is an
     * internal error, logged once with an id the answer gives, its text never sent to the client.
     */
    private static void failed(RoutingContext ctx, Throwable cause) {
        if (cause instanceof ReplyException e && e.failureCode() > 0 && e.failureCode() < 500) {
            json(ctx, e.failureCode(), Map.of("error", String.valueOf(e.getMessage())));
            return;
        }
        if (cause instanceof ReplyException e && e.failureType() == io.vertx.core.eventbus.ReplyFailure.TIMEOUT) {
            json(ctx, 503, Map.of("error", "not done within " + Connections.answerWithin().toSeconds()
                    + " s; try again later"));
            return;
        }
        internalError(ctx, cause);
    }

    private static void internalError(RoutingContext ctx, Throwable cause) {
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        LOG.error("api request={} {} failed (error id {}): {}", ctx.request().method(), ctx.request().path(), id,
                String.valueOf(cause), cause instanceof ReplyException ? null : cause);
        if (!ctx.response().ended() && !ctx.response().closed()) {
            json(ctx, 500, Map.of("error", "internal error " + id + "; the service log has the details"));
        }
    }

    /**
     * Lets the request through when it carries credentials of a role that covers {@code needed} (401 / 403
     * otherwise, never echoing them). Failed attempts are logged (client address, never the credential) and a
     * client that keeps failing is answered 429 until its window passes, without its credentials being checked.
     */
    private io.vertx.core.Handler<RoutingContext> requires(ApiCredentials.Role needed) {
        return ctx -> {
            String client = client(ctx);
            long now = System.nanoTime();
            if (authFailures.blocked(client, now)) {
                ctx.response().putHeader("retry-after", String.valueOf(ClientLimits.WINDOW.toSeconds()));
                json(ctx, 429, Map.of("error", "too many failed authentication attempts; try again later"));
                return;
            }
            Optional<ApiCredentials.Refusal> refusal = credentials.check(ctx.request().getHeader("authorization"),
                    needed);
            if (refusal.isEmpty()) {
                ctx.next();
                return;
            }
            if (refusal.get().status() == 401) {
                authFailures.record(client, now);
                LOG.warn("api authentication refused: client={} request={} {} reason=\"{}\"", client,
                        ctx.request().method(), ctx.request().path(), refusal.get().message());
                if (!"XMLHttpRequest".equals(ctx.request().getHeader("x-requested-with"))) {
                    // a script (the web UI) asks for credentials itself; a browser's own prompt would block it
                    ctx.response().putHeader("www-authenticate", "Basic realm=\"driftless\"");
                }
            }
            json(ctx, refusal.get().status(), Map.of("error", refusal.get().message()));
        };
    }

    /**
     * Server-Sent Events: one {@code target} event (data: {@code {"target": "cluster/release"}}) whenever a
     * target's status changes, so a page refetches that one target instead of polling them all.
     */
    private void events(RoutingContext ctx) {
        var response = ctx.response().setChunked(true).putHeader("content-type", "text/event-stream")
                .putHeader("cache-control", "no-cache");
        response.write(": connected\n\n");
        var consumer = vertx.eventBus().<io.vertx.core.json.JsonObject>consumer(FleetVerticle.SYNCED, msg -> {
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

    /** At most {@link ClientLimits#EXPENSIVE} diffs, syncs and previews per client and minute (429 beyond). */
    private void limited(RoutingContext ctx) {
        String client = client(ctx);
        long now = System.nanoTime();
        if (expensive.blocked(client, now)) {
            ctx.response().putHeader("retry-after", String.valueOf(ClientLimits.WINDOW.toSeconds()));
            json(ctx, 429, Map.of("error", "more than " + ClientLimits.EXPENSIVE + " diffs, syncs and previews in a "
                    + "minute from this client; try again later"));
            return;
        }
        expensive.record(client, now);
        ctx.next();
    }

    private static String client(RoutingContext ctx) {
        return ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
    }

    /** A push to a source's repository: verify the signature, then fetch that source at once. */
    private void webhook(RoutingContext ctx) {
        String name = ctx.pathParam("source");
        SourceSpec source = sources().get(name);
        if (source == null || source.webhook().isNone()) {
            metrics.webhook(source == null ? "unknown" : name, "unknown");
            json(ctx, 404, Map.of("error", "no webhook is configured for source '" + name + "'"));
            return;
        }
        Map<String, String> headers = new HashMap<>();
        ctx.request().headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        vertx.executeBlocking(() -> secret(source)).onComplete(secret -> {
            if (secret.failed()) {
                metrics.webhook(name, "unavailable");
                LOG.error("source={} webhook secret unavailable: {}", name, secret.cause().getMessage());
                json(ctx, 503, Map.of("error", "the webhook secret of source '" + name + "' is not available; "
                        + "the service log says why"));
                return;
            }
            Webhooks.Verdict verdict = Webhooks.verify(headers, body, secret.result());
            if (!verdict.accepted()) {
                LOG.warn("source={} webhook rejected: {}", name, verdict.reason());
                metrics.webhook(name, "rejected");
                json(ctx, 401, Map.of("error", verdict.reason()));
                return;
            }
            metrics.webhook(name, "accepted");
            if ("ping".equals(headers.get("x-github-event"))) {
                json(ctx, 200, Map.of("source", name, "status", "pong"));
                return;
            }
            vertx.eventBus().request(FleetVerticle.REFRESH, name);
            json(ctx, 202, Map.of("source", name, "status", "refreshing"));
        });
    }

    private String secret(SourceSpec source) throws java.io.IOException {
        SourceSpec.Webhook webhook = source.webhook();
        String secret = webhook.secretEnv() != null ? env.get(webhook.secretEnv())
                : Files.readString(Path.of(webhook.secretFile()), StandardCharsets.UTF_8).strip();
        if (secret == null || secret.isEmpty()) {
            throw new IllegalStateException("the webhook secret of source '" + source.name() + "' is not set ("
                    + (webhook.secretEnv() != null ? "environment variable " + webhook.secretEnv()
                    : "file " + webhook.secretFile()) + ")");
        }
        return secret;
    }

    /** Which targets this replica holds (by id): readiness waits for their first syncs only. */
    public HttpApiVerticle holding(java.util.function.Predicate<String> targets) {
        this.held = targets;
        return this;
    }

    /** The port actually bound (useful when configured as 0). */
    public int actualPort() {
        return server.actualPort();
    }

    /** A {@link Preview} as the fleet verticle sent it over the event bus. */
    private static Preview preview(JsonObject json) {
        try {
            return JSON.readValue(json.encode(), Preview.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable preview from the fleet verticle", e);
        }
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
