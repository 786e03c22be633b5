package io.driftless.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.app.Main;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.TwoTeams;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/**
 * Single sign-on against a real OpenID Connect provider (mock-oauth2-server, in-process): its ID tokens are bearer
 * tokens of the API, a group's role covers every release or one tenant's, tokens of another audience or issuer or
 * past their expiry are refused, local credentials keep working, and {@code driftless login} signs the CLI in
 * through the browser flow (here the test plays the browser).
 */
class SingleSignOnIT {

    @TempDir
    Path tmp;

    @Test
    void idTokensAreBearerTokensWithRolesFromGroupsPerTenant() throws Exception {
        MockOAuth2Server provider = new MockOAuth2Server();
        MockOAuth2Server stranger = new MockOAuth2Server();
        provider.start();
        stranger.start();
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = TwoTeams.start(git, tmp, provider)) {
                String base = "http://127.0.0.1:" + service.httpPort();
                String alice = TwoTeams.token(provider, "alice", "team-a");
                assertThat(call("GET", base + "/api/v1/targets", alice).statusCode()).isEqualTo(200);
                assertThat(call("POST", base + "/api/v1/targets/dev/a-app/sync", alice).statusCode()).isEqualTo(200);
                HttpResponse<String> refused = call("POST", base + "/api/v1/targets/dev/b-app/sync", alice);
                assertThat(refused.statusCode()).isEqualTo(403);
                assertThat(refused.body()).contains("alice (viewer; operator of team-a) may not do this; it needs "
                        + "operator on release b-app of tenant team-b");
                assertThat(call("POST", base + "/api/v1/sources/values/refresh", alice).body())
                        .contains("beyond the releases of team-a");
                String root = TwoTeams.token(provider, "root", "platform");
                assertThat(call("POST", base + "/api/v1/targets/dev/b-app/sync", root).statusCode()).isEqualTo(200);
                String nobody = TwoTeams.token(provider, "eve", "elsewhere");
                assertThat(call("GET", base + "/api/v1/targets", nobody).body()).contains("eve (no role) may not do "
                        + "this");
                // not ours: another audience, another issuer, expired
                String otherAudience = provider.issueToken("default", "other-client", new no.nav.security.mock.oauth2
                        .token.DefaultOAuth2TokenCallback("default", "mallory", "JWT", List.of("other-client"),
                        Map.of("groups", List.of("platform")), 3600)).serialize();
                assertThat(call("GET", base + "/api/v1/targets", otherAudience).body()).contains("wrong credentials",
                        "audience");
                assertThat(call("GET", base + "/api/v1/targets", TwoTeams.token(stranger, "mallory", "platform"))
                        .statusCode()).isEqualTo(401);
                String expired = provider.issueToken("default", "driftless", new no.nav.security.mock.oauth2.token
                        .DefaultOAuth2TokenCallback("default", "old", "JWT", List.of("driftless"),
                        Map.of("groups", List.of("platform")), -120)).serialize();
                assertThat(call("GET", base + "/api/v1/targets", expired).body()).contains("expired");
                // the local admin keeps working
                assertThat(call("POST", base + "/api/v1/targets/dev/b-app/sync", null).statusCode()).isEqualTo(200);
                // how clients sign in, for anyone
                String auth = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base
                        + "/api/v1/auth")).build(), HttpResponse.BodyHandlers.ofString()).body();
                assertThat(auth).contains("\"oidc\"", "\"clientId\" : \"driftless\"", "authorizationEndpoint");
                // the UI's way to the provider: the code flow with PKCE, back to this service
                HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base
                        + "/ui/login")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(login.statusCode()).isEqualTo(302);
                assertThat(login.headers().firstValue("location").orElseThrow()).startsWith(
                        provider.authorizationEndpointUrl("default").toString()).contains("response_type=code",
                        "code_challenge_method=S256", "redirect_uri=" + java.net.URLEncoder.encode(base
                                + "/ui/callback", java.nio.charset.StandardCharsets.UTF_8), "nonce=", "state=");
                HttpResponse<String> stale = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base
                        + "/ui/callback?code=x&state=forged")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(stale.headers().firstValue("location").orElseThrow()).startsWith("/ui/#sso-error=");
            }
        } finally {
            provider.shutdown();
            stranger.shutdown();
        }
    }

    @Test
    void driftlessLoginSignsTheCliInThroughTheBrowserFlow() throws Exception {
        MockOAuth2Server provider = new MockOAuth2Server();
        provider.start();
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = TwoTeams.start(git, tmp, provider)) {
                String server = "http://127.0.0.1:" + service.httpPort();
                String config = tmp.resolve("config").toString();
                provider.enqueueCallback(TwoTeams.user("alice", "team-a"));
                StringWriter out = new StringWriter();
                CompletableFuture<Integer> login = CompletableFuture.supplyAsync(() -> Main.run(new String[] {"login",
                        "--server", server, "--config-dir", config, "--timeout", "30"}, new PrintWriter(out, true),
                        new PrintWriter(new StringWriter(), true)));
                String url = await().atMost(Duration.ofSeconds(10)).until(() -> {
                    Matcher m = Pattern.compile("(?m)^  (http\\S+)$").matcher(out.toString());
                    return m.find() ? m.group(1) : null;
                }, u -> u != null);
                // the browser: the provider answers with the code, sent on to the command's loopback address
                HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.ALWAYS).build();
                assertThat(browser.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString()).body()).contains("Signed in to Driftless");
                assertThat(login.get()).as(out.toString()).isZero();
                assertThat(out.toString()).contains("Signed in to " + server + " (2 targets visible)");
                Path kept = Files.list(tmp.resolve("config/tokens")).findFirst().orElseThrow();
                assertThat(Files.getPosixFilePermissions(kept)).containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

                StringWriter err = new StringWriter();
                int synced = Main.run(new String[] {"sync", "dev/a-app", "--server", server, "--config-dir", config},
                        new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
                assertThat(synced).as(err.toString()).isZero();
                StringWriter refusedErr = new StringWriter();
                int refused = Main.run(new String[] {"sync", "dev/b-app", "--server", server, "--config-dir",
                        config}, new PrintWriter(new StringWriter(), true), new PrintWriter(refusedErr, true));
                assertThat(refused).isEqualTo(2);
                assertThat(refusedErr.toString()).contains("of tenant team-b");
            }
        } finally {
            provider.shutdown();
        }
    }

    private static HttpResponse<String> call(String method, String url, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("Authorization", token == null
                        ? "Basic " + java.util.Base64.getEncoder().encodeToString("admin:pw".getBytes())
                        : "Bearer " + token).header("Content-Type", "application/json")
                .header("X-Driftless-Request", "1").build(), HttpResponse.BodyHandlers.ofString());
    }
}
