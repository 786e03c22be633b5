package io.driftless.api;

import static io.driftless.api.Answers.json;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Who may call, and how often: credentials per role ({@link ApiCredentials}, checked on a worker when that derives
 * a key, see {@link CredentialChecks}), the lockout of clients that keep failing to authenticate, and the limit on
 * expensive requests ({@link ClientLimits}).
 */
final class Guards {

    /** The challenge of a 401: a scheme no browser answers with a prompt of its own. */
    static final String CHALLENGE = "Bearer realm=\"driftless\"";

    /** Who may call now (the credentials may be reloaded while the service runs). */
    private final Supplier<ApiCredentials> credentials;
    private final CredentialChecks checks;
    private final ClientLimits authFailures = new ClientLimits(ClientLimits.AUTH_FAILURES);
    private final ClientLimits expensive = new ClientLimits(ClientLimits.EXPENSIVE);
    /** Per client, the credentials (by digest) being verified on a worker: attempts not yet counted as failures. */
    private final Map<String, Set<String>> verifying = new ConcurrentHashMap<>();

    /** The tenant of a release (by name), or null when the fleet has none such. */
    private final java.util.function.Function<String, String> tenantOf;

    Guards(Supplier<ApiCredentials> credentials, CredentialChecks checks,
           java.util.function.Function<String, String> tenantOf) {
        this.credentials = credentials;
        this.checks = checks;
        this.tenantOf = tenantOf;
    }

    /**
     * Lets the request through when it carries credentials of a role that covers {@code needed} (401 / 403
     * otherwise, never echoing them). Wrong credentials are logged (client address, never the credential) and a
     * client that keeps sending wrong ones is answered 429 until its window passes, without its credentials being
     * checked; credentials still being verified count towards that limit, a request without any credential does
     * not. The request body waits (paused) meanwhile.
     */
    Handler<RoutingContext> requires(ApiCredentials.Role needed) {
        return ctx -> {
            String client = client(ctx);
            long now = System.nanoTime();
            if (authFailures.blocked(client, now)) {
                tooManyFailures(ctx);
                return;
            }
            ApiCredentials using = credentials.get();
            String authorization = ctx.request().getHeader("authorization");
            if (!using.costly(authorization, needed)) {
                decide(ctx, client, using.check(authorization, needed));
                return;
            }
            String key = ApiCredentials.digest(authorization);
            Set<String> others = verifying.getOrDefault(client, Set.of());
            if (!others.contains(key) && authFailures.blocked(client, now, others.size())) {
                tooManyFailures(ctx);
                return;
            }
            verifying.computeIfAbsent(client, c -> ConcurrentHashMap.newKeySet()).add(key);
            ctx.request().pause();
            checks.check(using, authorization, needed).onComplete(done -> {
                verifying.computeIfPresent(client, (c, keys) -> {
                    keys.remove(key);
                    return keys.isEmpty() ? null : keys;
                });
                ctx.request().resume();
                if (ctx.response().closed() || ctx.response().ended()) {
                    return;
                }
                if (done.succeeded()) {
                    decide(ctx, client, done.result());
                } else if (done.cause() instanceof CredentialChecks.Busy busy) {
                    Answers.LOG.warn("api credentials not verified: client={} request={} {} reason=\"{}\"", client,
                            ctx.request().method(), ctx.request().path(), busy.getMessage());
                    ctx.response().putHeader("retry-after", "5");
                    json(ctx, 503, Map.of("error", "too many credentials to verify at once; try again shortly"));
                } else {
                    Answers.internalError(ctx, done.cause());
                }
            });
        };
    }

    private static void tooManyFailures(RoutingContext ctx) {
        ctx.response().putHeader("retry-after", String.valueOf(ClientLimits.WINDOW.toSeconds()));
        json(ctx, 429, Map.of("error", "too many failed authentication attempts; try again later"));
    }

    private void decide(RoutingContext ctx, String client, Optional<ApiCredentials.Refusal> refusal) {
        if (refusal.isEmpty()) {
            ctx.next();
            return;
        }
        if (refusal.get().status() == 403 && !refusal.get().tenants().isEmpty()) {
            // a team's role: it covers this request when the request acts on one release of that team's
            String release = ctx.pathParam("release");
            String tenant = release == null ? null : tenantOf.apply(release);
            if (tenant != null && refusal.get().tenants().contains(tenant)) {
                ctx.next();
                return;
            }
            json(ctx, 403, Map.of("error", refusal.get().message() + (release == null
                    ? " beyond the releases of " + String.join(", ", refusal.get().tenants())
                    : " on release " + release + (tenant == null ? "" : " of tenant " + tenant))));
            return;
        }
        if (refusal.get().status() == 401) {
            if (ctx.request().getHeader("authorization") != null) {
                // a wrong credential is a guess; a request without any (a page that has not signed in yet) is not
                authFailures.record(client, System.nanoTime());
                Answers.LOG.warn("api authentication refused: client={} request={} {} reason=\"{}\"", client,
                        ctx.request().method(), ctx.request().path(), refusal.get().message());
            }
            // never Basic: a browser would prompt, keep what was typed, and send it with any site's requests to us
            ctx.response().putHeader("www-authenticate", CHALLENGE);
        }
        json(ctx, refusal.get().status(), Map.of("error", refusal.get().message()));
    }

    /** At most {@link ClientLimits#EXPENSIVE} diffs, syncs and previews per client and minute (429 beyond). */
    void limited(RoutingContext ctx) {
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

    static String client(RoutingContext ctx) {
        return ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
    }
}
