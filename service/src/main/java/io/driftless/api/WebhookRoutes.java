package io.driftless.api;

import static io.driftless.api.Answers.json;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import io.driftless.config.SourceSpec;
import io.driftless.fleet.FleetVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Push webhooks ({@code POST /api/v1/webhooks/:source}): verify the signature (see {@link Webhooks}) over the bytes
 * received, whatever their content type, then fetch. Failed proofs are throttled: {@link ClientLimits#WEBHOOK_FAILURES}
 * per client and {@link ClientLimits#SOURCE_FAILURES} per source (from all clients together) a minute; beyond, 429
 * without a check, the right proof included, until the window ends. A request without any proof is no guess.
 */
final class WebhookRoutes {

    /** Push payloads are a few KiB; anything much larger is not a webhook. */
    static final int MAX_WEBHOOK_BYTES = 1 << 20;
    private static final String BODY = "driftless.webhook-body";

    private final Vertx vertx;
    private final ApiServices services;
    private final ClientLimits clients = new ClientLimits(ClientLimits.WEBHOOK_FAILURES);
    private final ClientLimits sources = new ClientLimits(ClientLimits.SOURCE_FAILURES);

    WebhookRoutes(Vertx vertx, ApiServices services) {
        this.vertx = vertx;
        this.services = services;
    }

    void install(Router router) {
        router.post("/api/v1/webhooks/:source").handler(this::admit).handler(WebhookRoutes::readBody)
                .handler(this::webhook);
    }

    /** A source with a webhook, and neither the client nor the source throttled: then the body is read. */
    private void admit(RoutingContext ctx) {
        String name = ctx.pathParam("source");
        SourceSpec source = services.sourcesByName().get(name);
        if (source == null || source.webhook().isNone()) {
            services.metrics().webhook(source == null ? "unknown" : name, "unknown");
            json(ctx, 404, Map.of("error", "no webhook is configured for source '" + name + "'"));
            return;
        }
        if (!throttled(ctx, name)) {
            ctx.next();
        }
    }

    /** Answers 429 (counted as rejected) when the client or the source failed too often lately. */
    private boolean throttled(RoutingContext ctx, String name) {
        long now = System.nanoTime();
        boolean client = clients.blocked(Guards.client(ctx), now);
        if (!client && !sources.blocked(name, now)) {
            return false;
        }
        services.metrics().webhook(name, "rejected");
        ctx.response().putHeader("retry-after", String.valueOf(ClientLimits.WINDOW.toSeconds()));
        json(ctx, 429, Map.of("error", "too many failed webhook proofs " + (client ? "from this client"
                : "for source '" + name + "'") + " in the last minute; try again later"));
        return true;
    }

    /**
     * Reads the body as received, at most {@link #MAX_WEBHOOK_BYTES} (413 beyond), without decoding it: a form or
     * multipart body is signed as bytes like any other.
     */
    private static void readBody(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String length = request.getHeader("content-length");
        long declared;
        try {
            declared = length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            declared = -1;
        }
        if (declared > MAX_WEBHOOK_BYTES) {
            ctx.fail(413);
            return;
        }
        if ("100-continue".equalsIgnoreCase(request.getHeader("expect"))) {
            ctx.response().writeContinue();
        }
        Buffer body = Buffer.buffer((int) Math.max(declared, 1024));
        boolean[] refused = {false};
        request.handler(chunk -> {
            if (refused[0]) {
                return; // read and dropped: the answer is on its way
            }
            if (body.length() + chunk.length() > MAX_WEBHOOK_BYTES) {
                refused[0] = true;
                ctx.fail(413);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(e -> refused[0] = true); // the connection broke: nobody to answer
        request.endHandler(v -> {
            if (!refused[0]) {
                ctx.put(BODY, body);
                ctx.next();
            }
        });
        request.resume();
    }

    /** A push to a source's repository: verify the signature, then fetch that source at once. */
    private void webhook(RoutingContext ctx) {
        String name = ctx.pathParam("source");
        SourceSpec source = services.sourcesByName().get(name);
        if (source == null || source.webhook().isNone()) { // the fleet changed while the body came
            services.metrics().webhook(source == null ? "unknown" : name, "unknown");
            json(ctx, 404, Map.of("error", "no webhook is configured for source '" + name + "'"));
            return;
        }
        Map<String, String> headers = new HashMap<>();
        ctx.request().headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        byte[] body = ctx.<Buffer>get(BODY).getBytes();
        String client = Guards.client(ctx);
        vertx.executeBlocking(() -> secret(source)).onComplete(secret -> {
            if (secret.failed()) {
                services.metrics().webhook(name, "unavailable");
                Answers.LOG.error("source={} webhook secret unavailable: {}", name, secret.cause().getMessage());
                json(ctx, 503, Map.of("error", "the webhook secret of source '" + name + "' is not available; "
                        + "the service log says why"));
                return;
            }
            if (throttled(ctx, name)) { // others failed while this one's secret was read
                return;
            }
            Webhooks.Verdict verdict = Webhooks.verify(headers, body, secret.result());
            if (!verdict.accepted()) {
                if (Webhooks.hasProof(headers)) {
                    long now = System.nanoTime();
                    clients.record(client, now);
                    sources.record(name, now);
                }
                Answers.LOG.warn("source={} webhook rejected: client={} reason=\"{}\"", name, client,
                        verdict.reason());
                services.metrics().webhook(name, "rejected");
                json(ctx, 401, Map.of("error", verdict.reason()));
                return;
            }
            services.metrics().webhook(name, "accepted");
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
        String secret = webhook.secretEnv() != null ? services.env().get(webhook.secretEnv())
                : Files.readString(Path.of(webhook.secretFile()), StandardCharsets.UTF_8).strip();
        if (secret == null || secret.isEmpty()) {
            throw new IllegalStateException("the webhook secret of source '" + source.name() + "' is not set ("
                    + (webhook.secretEnv() != null ? "environment variable " + webhook.secretEnv()
                    : "file " + webhook.secretFile()) + ")");
        }
        return secret;
    }
}
