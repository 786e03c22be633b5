package io.driftless.api;

import static io.driftless.api.Answers.json;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * HTTP: health, readiness, Prometheus metrics, the web UI, and {@code /api/v1}: reads ({@link ReadRoutes}),
 * operations ({@link OperationRoutes}), events ({@link EventStream}) and push webhooks ({@link WebhookRoutes}),
 * behind credentials and limits ({@link Guards}), and what keeps browsers from being turned against it
 * ({@link BrowserGuards}: the Host check, writes from no other site, strict answer headers). Nothing here blocks
 * the event loop: key derivations, file writes and large answers run on workers, so the probes answer whatever else
 * is asked.
 */
public final class HttpApiVerticle extends VerticleBase {

    /**
     * Where the API listens: plain HTTP, or HTTPS with a PEM certificate (chain) and private key.
     *
     * @param tlsCert      null for plain HTTP
     * @param allowedHosts host names requests may be addressed to besides the listen address and {@code localhost}
     *                     (see {@link BrowserGuards.Hosts})
     * @param externalUrl  the address users reach the service at (behind a proxy that terminates TLS, say), which
     *                     single sign-on sends the provider back to; null: the address each request names
     */
    public record Endpoint(String host, int port, Path tlsCert, Path tlsKey, List<String> allowedHosts,
                           String externalUrl) {

        public Endpoint {
            allowedHosts = List.copyOf(allowedHosts);
        }

        public Endpoint(String host, int port, Path tlsCert, Path tlsKey) {
            this(host, port, tlsCert, tlsKey, List.of(), null);
        }

        public static Endpoint plain(String host, int port) {
            return new Endpoint(host, port, null, null);
        }
    }

    private final Endpoint endpoint;
    private final ApiServices services;
    private volatile ApiCredentials credentials;
    private CredentialChecks checks;
    private Answers answers;
    private HttpServer server;

    /** @param credentials who may call the API (see {@link #useCredentials} to change it while running) */
    public HttpApiVerticle(Endpoint endpoint, ApiServices services, ApiCredentials credentials) {
        this.endpoint = java.util.Objects.requireNonNull(endpoint);
        this.services = java.util.Objects.requireNonNull(services);
        this.credentials = java.util.Objects.requireNonNull(credentials);
    }

    /**
     * Who may call the API from the next request on (the users file or the admin credential file was reloaded);
     * credentials verified or refused before are not remembered across the change.
     */
    public void useCredentials(ApiCredentials next) {
        // single sign-on is set at start; a reload changes the local users and the admin credential only
        this.credentials = next.oidc() == null && credentials.oidc() != null ? next.withOidc(credentials.oidc())
                : java.util.Objects.requireNonNull(next);
    }

    @Override
    public Future<?> start() {
        checks = new CredentialChecks(vertx);
        answers = new Answers(vertx);
        Guards guards = new Guards(() -> credentials, checks, services.reports().tenantOfRelease());
        BrowserGuards browsers = new BrowserGuards(BrowserGuards.Hosts.of(endpoint.host(), endpoint.allowedHosts()));
        EventStream events = new EventStream(vertx);
        Router router = Router.router(vertx);
        router.route().handler(browsers::every);
        router.route("/api/v1/*").handler(browsers::write);
        router.get("/healthz").handler(ctx -> ctx.response().putHeader("content-type", "text/plain").end("ok\n"));
        router.get("/readyz").handler(ctx -> {
            boolean ready = services.board().allAttempted(services.reports().held());
            ctx.response().setStatusCode(ready ? 200 : 503).putHeader("content-type", "text/plain")
                    .end(ready ? "ready\n" : "first sync of a target this replica holds still running\n");
        });
        router.get("/metrics").handler(ctx -> answers.laterText(ctx, "text/plain; version=0.0.4; charset=utf-8",
                services.metrics()::scrape));
        new SsoRoutes(() -> credentials, answers, endpoint.externalUrl()).install(router); // before the viewer check: signing in needs none
        router.get("/api/v1/*").handler(guards.requires(ApiCredentials.Role.viewer));
        new ReadRoutes(services, answers).install(router);
        router.get("/api/v1/events").handler(events::serve);
        router.get("/ui").handler(ctx -> {
            if (ctx.request().path().equals("/ui")) {
                ctx.redirect("/ui/");
            } else {
                ctx.next();
            }
        });
        router.get("/ui/*").handler(StaticHandler.create("ui").setCachingEnabled(false).setDirectoryListing(false));
        new OperationRoutes(vertx, services, guards, answers).install(router);
        new WebhookRoutes(vertx, services).install(router);
        router.errorHandler(413, ctx -> json(ctx, 413, Map.of("error", "request body too large")));
        router.errorHandler(400, ctx -> json(ctx, 400, Map.of("error", "bad request")));
        router.errorHandler(500, ctx -> Answers.internalError(ctx, ctx.failure()));
        HttpServerOptions options = Connections.options();
        if (endpoint.tlsCert() != null) {
            Connections.secure(options).setKeyCertOptions(new PemKeyCertOptions()
                    .setCertPath(endpoint.tlsCert().toString()).setKeyPath(endpoint.tlsKey().toString()));
        }
        server = vertx.createHttpServer(options);
        return server.requestHandler(router).listen(endpoint.port(), endpoint.host());
    }

    @Override
    public Future<?> stop() {
        return Future.join(checks.close(), answers.close());
    }

    /** The port actually bound (useful when configured as 0). */
    public int actualPort() {
        return server.actualPort();
    }
}
