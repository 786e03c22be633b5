package io.driftless.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;

/**
 * ID-token verification against a provider's discovery document and keys served over HTTP: a rotated key (a new
 * key id) is read at once without a new verifier, and the claims rules: issuer, audience, expiry with a minute of
 * skew, and roles from groups (the highest wins, per tenant).
 */
class OidcTest {

    private HttpServer provider;
    private String issuer;
    private final AtomicReference<JWKSet> keys = new AtomicReference<>();

    @BeforeEach
    void start() throws Exception {
        provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer = "http://127.0.0.1:" + provider.getAddress().getPort() + "/realm";
        provider.createContext("/realm/.well-known/openid-configuration", x -> answer(x, ("{\"issuer\": \"" + issuer
                + "\", \"authorization_endpoint\": \"" + issuer + "/auth\", \"token_endpoint\": \"" + issuer
                + "/token\", \"jwks_uri\": \"" + issuer + "/keys\"}")));
        provider.createContext("/realm/keys", x -> answer(x, keys.get().toString()));
        provider.start();
    }

    @AfterEach
    void stop() {
        provider.stop(0);
    }

    private static void answer(com.sun.net.httpserver.HttpExchange x, String body) throws java.io.IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(200, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    private Oidc oidc() {
        return new Oidc(new Oidc.Settings(issuer, "driftless", null, "groups", List.of("openid"), List.of(
                Oidc.Grant.parse("ops=operator"), Oidc.Grant.parse("leads=admin@team-a"),
                Oidc.Grant.parse("devs=operator@team-a"), Oidc.Grant.parse("devs=viewer@team-b"))));
    }

    private String token(RSAKey key, String iss, String aud, long expiresInSeconds, String... groups)
            throws Exception {
        long now = System.currentTimeMillis();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().issuer(iss).audience(aud).subject("u1").claim("preferred_username", "ann")
                        .claim("groups", List.of(groups)).issueTime(new Date(now))
                        .expirationTime(new Date(now + expiresInSeconds * 1000)).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void aRotatedKeyIsReadAtOnceAndTheClaimsRulesHold() throws Exception {
        RSAKey first = new RSAKeyGenerator(2048).keyID("k1").generate();
        RSAKey second = new RSAKeyGenerator(2048).keyID("k2").generate();
        keys.set(new JWKSet(first.toPublicJWK()));
        Oidc oidc = oidc();
        Oidc.Principal ann = oidc.verify(token(first, issuer, "driftless", 300, "devs", "leads"), "a");
        assertThat(ann.name()).isEqualTo("ann");
        assertThat(ann.role()).isEqualTo(ApiCredentials.Role.viewer);
        assertThat(ann.tenants()).containsEntry("team-a", ApiCredentials.Role.admin)
                .containsEntry("team-b", ApiCredentials.Role.viewer);
        assertThat(Oidc.describe(ann)).isEqualTo("viewer; viewer of team-b; admin of team-a");

        // the provider rotates its key: the new key id is fetched at once
        keys.set(new JWKSet(List.of(second.toPublicJWK(), first.toPublicJWK())));
        assertThat(oidc.verify(token(second, issuer, "driftless", 300, "ops"), "b").role())
                .isEqualTo(ApiCredentials.Role.operator);
        assertThatThrownBy(() -> oidc.verify(token(second, issuer, "someone-else", 300, "ops"), "c"))
                .hasMessageContaining("audience");
        assertThatThrownBy(() -> oidc.verify(token(second, "http://elsewhere", "driftless", 300, "ops"), "d"))
                .hasMessageContaining("issuer");
        assertThatThrownBy(() -> oidc.verify(token(second, issuer, "driftless", -120, "ops"), "e"))
                .hasMessageContaining("expired");
        assertThat(oidc.verify(token(second, issuer, "driftless", -30, "ops"), "f").role())
                .as("within the clock skew").isEqualTo(ApiCredentials.Role.operator);
        RSAKey unknown = new RSAKeyGenerator(2048).keyID("k9").generate();
        assertThatThrownBy(() -> oidc.verify(token(unknown, issuer, "driftless", 300, "ops"), "g"))
                .isInstanceOf(Oidc.Rejected.class);
        assertThat(Oidc.isJwt("admin-token")).isFalse();
        assertThatThrownBy(() -> Oidc.Grant.parse("ops=root")).hasMessageContaining("GROUP=ROLE");
    }
}
