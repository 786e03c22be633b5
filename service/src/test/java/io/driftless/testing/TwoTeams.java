package io.driftless.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.driftless.api.ApiCredentials;
import io.driftless.api.Oidc;
import io.driftless.app.DriftlessService;
import io.driftless.config.FleetLoader;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

/**
 * Two teams' releases on one in-memory cluster ({@code dev/a-app} of tenant team-a, {@code dev/b-app} of team-b),
 * served by a Driftless that signs users in with an OpenID Connect provider (a real one, in-process:
 * mock-oauth2-server, issuer {@code default}, client {@code driftless}): group {@code platform} is admin, group
 * {@code team-a} operator of team-a's releases. A local admin, {@code admin:pw}, keeps working.
 */
public final class TwoTeams {

    public static final String CLIENT = "driftless";

    private TwoTeams() {
    }

    /** Starts the service; the provider must be started. */
    public static DriftlessService start(GitHttpServer git, Path tmp, MockOAuth2Server provider) throws Exception {
        git.commit("values", Map.of("a/app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: '1'}\n",
                "b/app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {x: '1'}\n"));
        byte[] fleet = """
                sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                clusters: [{name: dev, embedded: true}]
                tenants:
                  - {name: team-a, sources: [{name: values, paths: [a, "a/**"]}], destinations: [{namespaces: [team-a]}]}
                  - {name: team-b, sources: [{name: values, paths: [b, "b/**"]}], destinations: [{namespaces: [team-b]}]}
                releases:
                  - {name: a-app, tenant: team-a, namespace: team-a, chart: {manifests: a}, source: values,
                     syncPolicy: {createNamespace: true}}
                  - {name: b-app, tenant: team-b, namespace: team-b, chart: {manifests: b}, source: values,
                     syncPolicy: {createNamespace: true}}
                """.formatted(git.url(), GitHttpServer.USER).getBytes(StandardCharsets.UTF_8);
        Oidc oidc = new Oidc(new Oidc.Settings(provider.issuerUrl("default").toString(), CLIENT, null, "groups",
                List.of("openid", "profile"), List.of(Oidc.Grant.parse("platform=admin"),
                Oidc.Grant.parse("team-a=operator@team-a"))));
        DriftlessService service = DriftlessService.start(FleetLoader.parse("fleet.yaml", fleet, tmp),
                new DriftlessService.Settings(tmp.resolve("state"), "127.0.0.1", 0, 2,
                        Map.of("PW", GitHttpServer.PASSWORD), ApiCredentials.of("admin:pw").withOidc(oidc)));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> service.board().all()
                .stream().allMatch(s -> s.syncState() == io.driftless.status.SyncState.Synced));
        return service;
    }

    /** What the provider puts in the next token it issues: this user, in these groups. */
    public static DefaultOAuth2TokenCallback user(String name, String... groups) {
        return new DefaultOAuth2TokenCallback("default", name, "JWT", List.of(CLIENT),
                Map.of("groups", List.of(groups), "preferred_username", name), 3600);
    }

    /** An ID token of the provider for this user and groups, as a sign-in would give. */
    public static String token(MockOAuth2Server provider, String name, String... groups) {
        return provider.issueToken("default", CLIENT, user(name, groups)).serialize();
    }
}
