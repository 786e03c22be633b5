package io.driftless.api;

import static io.driftless.api.Answers.json;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Single sign-on for the web UI: the authorization code flow with PKCE, the code exchanged by the service (so the
 * provider needs no CORS and the UI no secret): {@code GET /ui/login} sends the browser to the provider,
 * {@code GET /ui/callback} takes the code back, exchanges it, verifies the ID token (and its nonce) and hands it to
 * the UI in the URL's fragment, which no server sees; the UI then sends it as a bearer token. {@code GET
 * /api/v1/auth} tells clients (the UI, {@code driftless login}) how to sign in; it needs no credentials.
 */
final class SsoRoutes {

    /** How long a sign-in may take between leaving for the provider and coming back. */
    private static final Duration PENDING = Duration.ofMinutes(10);
    private static final int MAX_PENDING = 1_000;

    /** A sign-in under way: what only this service and the browser that started it know. */
    private record Pending(String verifier, String nonce, String redirectUri, long startedNanos) {
    }

    private final Supplier<ApiCredentials> credentials;
    private final Answers answers;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** The address users reach the service at, or null: the one each request names. */
    private final String externalUrl;

    SsoRoutes(Supplier<ApiCredentials> credentials, Answers answers, String externalUrl) {
        this.credentials = credentials;
        this.answers = answers;
        this.externalUrl = externalUrl == null ? null : externalUrl.replaceAll("/+$", "");
    }

    void install(Router router) {
        router.get("/api/v1/auth").handler(ctx -> answers.later(ctx, () -> {
            Map<String, Object> out = new LinkedHashMap<>();
            Oidc oidc = credentials.get().oidc();
            out.put("methods", oidc == null ? java.util.List.of("basic", "bearer")
                    : java.util.List.of("basic", "bearer", "oidc"));
            if (oidc != null) {
                try {
                    out.put("oidc", oidc.clientConfig());
                } catch (Oidc.Rejected e) {
                    return new Answers.Reply(503, Map.of("error", "single sign-on is unavailable: " + e.getMessage()));
                }
            }
            return new Answers.Reply(200, out);
        }));
        router.get("/ui/login").handler(this::login);
        router.get("/ui/callback").handler(this::callback);
    }

    private void login(RoutingContext ctx) {
        Oidc oidc = credentials.get().oidc();
        if (oidc == null) {
            json(ctx, 404, Map.of("error", "single sign-on is not configured"));
            return;
        }
        answers.later(ctx, () -> {
            Oidc.Endpoints endpoints;
            try {
                endpoints = oidc.endpoints();
            } catch (Oidc.Rejected e) {
                return new Answers.Reply(503, Map.of("error", "single sign-on is unavailable: " + e.getMessage()));
            }
            long now = System.nanoTime();
            pending.values().removeIf(p -> now - p.startedNanos() > PENDING.toNanos());
            if (pending.size() >= MAX_PENDING) {
                return new Answers.Reply(503, Map.of("error", "too many sign-ins under way; try again shortly"));
            }
            String state = Pkce.random();
            String verifier = Pkce.verifier();
            String redirect = (externalUrl != null ? externalUrl : ctx.request().scheme() + "://"
                    + ctx.request().authority()) + "/ui/callback";
            pending.put(state, new Pending(verifier, Pkce.random(), redirect, now));
            String location = endpoints.authorization() + (endpoints.authorization().contains("?") ? "&" : "?")
                    + Pkce.form(Map.of("response_type", "code", "client_id", oidc.settings().clientId(),
                    "redirect_uri", redirect, "scope", String.join(" ", oidc.settings().scopes()), "state", state,
                    "nonce", pending.get(state).nonce(), "code_challenge", Pkce.challenge(verifier),
                    "code_challenge_method", "S256"));
            return Answers.Reply.redirect(location);
        });
    }

    /**
     * The provider's answer: the code exchanged for tokens, the ID token verified (signature, issuer, audience,
     * expiry, and the nonce of this sign-in), then handed to the UI. A failure goes back to the UI with its reason.
     */
    private void callback(RoutingContext ctx) {
        Oidc oidc = credentials.get().oidc();
        String state = ctx.queryParams().get("state");
        Pending started = state == null ? null : pending.remove(state);
        String code = ctx.queryParams().get("code");
        if (oidc == null || started == null || code == null) {
            String why = ctx.queryParams().get("error") != null ? "the provider said " + ctx.queryParams().get("error")
                    : "this sign-in is unknown or expired; sign in again";
            ctx.redirect("/ui/#sso-error=" + URLEncoder.encode(why, StandardCharsets.UTF_8));
            return;
        }
        answers.later(ctx, () -> {
            try {
                String token = exchange(oidc, started, code);
                String digest = ApiCredentials.digest("Bearer " + token);
                oidc.verify(token, digest);
                Object nonce = com.nimbusds.jwt.SignedJWT.parse(token).getJWTClaimsSet().getClaim("nonce");
                if (!started.nonce().equals(nonce)) {
                    throw new Oidc.Rejected("the ID token is not of this sign-in (nonce)");
                }
                return Answers.Reply.redirect("/ui/#sso=" + token);
            } catch (Oidc.Rejected | java.text.ParseException e) {
                return Answers.Reply.redirect("/ui/#sso-error=" + URLEncoder.encode(String.valueOf(e.getMessage()),
                        StandardCharsets.UTF_8));
            }
        });
    }

    /** The ID token the provider gives for the code (the client's secret sent when it has one). */
    private String exchange(Oidc oidc, Pending started, String code) throws Oidc.Rejected {
        Map<String, String> fields = new LinkedHashMap<>(Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", started.redirectUri(), "client_id", oidc.settings().clientId(),
                "code_verifier", started.verifier()));
        if (oidc.settings().clientSecret() != null) {
            fields.put("client_secret", oidc.settings().clientSecret());
        }
        try {
            Pkce.Exchange answer = Pkce.exchange(http, oidc.endpoints().token(), fields, Duration.ofSeconds(10));
            if (answer.idToken() == null) {
                throw new Oidc.Rejected("the provider refused the code: HTTP " + answer.status() + " "
                        + answer.error());
            }
            return answer.idToken();
        } catch (java.io.IOException e) {
            throw new Oidc.Rejected("the provider's token endpoint cannot be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Oidc.Rejected("interrupted");
        }
    }
}
