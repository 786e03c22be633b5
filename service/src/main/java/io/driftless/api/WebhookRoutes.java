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
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** Push webhooks ({@code POST /api/v1/webhooks/:source}): verify the signature (see {@link Webhooks}), then fetch. */
final class WebhookRoutes {

    /** Push payloads are a few KiB; anything much larger is not a webhook. */
    static final int MAX_WEBHOOK_BYTES = 1 << 20;

    private final Vertx vertx;
    private final ApiServices services;

    WebhookRoutes(Vertx vertx, ApiServices services) {
        this.vertx = vertx;
        this.services = services;
    }

    void install(Router router) {
        router.post("/api/v1/webhooks/:source")
                .handler(BodyHandler.create().setBodyLimit(MAX_WEBHOOK_BYTES).setHandleFileUploads(false))
                .handler(this::webhook);
    }

    /** A push to a source's repository: verify the signature, then fetch that source at once. */
    private void webhook(RoutingContext ctx) {
        String name = ctx.pathParam("source");
        SourceSpec source = services.sourcesByName().get(name);
        if (source == null || source.webhook().isNone()) {
            services.metrics().webhook(source == null ? "unknown" : name, "unknown");
            json(ctx, 404, Map.of("error", "no webhook is configured for source '" + name + "'"));
            return;
        }
        Map<String, String> headers = new HashMap<>();
        ctx.request().headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        vertx.executeBlocking(() -> secret(source)).onComplete(secret -> {
            if (secret.failed()) {
                services.metrics().webhook(name, "unavailable");
                Answers.LOG.error("source={} webhook secret unavailable: {}", name, secret.cause().getMessage());
                json(ctx, 503, Map.of("error", "the webhook secret of source '" + name + "' is not available; "
                        + "the service log says why"));
                return;
            }
            Webhooks.Verdict verdict = Webhooks.verify(headers, body, secret.result());
            if (!verdict.accepted()) {
                Answers.LOG.warn("source={} webhook rejected: {}", name, verdict.reason());
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
